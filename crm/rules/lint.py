"""What a loaded policy still owes its readers (`huiqi rules check` and the test suite ask the same):
at least four example cases covering eligible, open (likely or needs data), ineligible and — when it has
a numeric condition — near miss; near-miss cases naming their gap, open ones what to collect; size
ceilings marked hard. A policy without windows loads but is warned about: the radar and calendars skip it.
"""

from __future__ import annotations

from crm.rules.model import Compare, Policy, walk
from crm.rules.source import RuleError

MIN_CASES = 4
NUMERIC_OPS = frozenset({"ge", "gt", "le", "lt", "between"})
OPEN = {"likely": "open", "needs_data": "open"}
KIND_ZH = {"eligible": "符合", "open": "待核实或需补充资料", "ineligible": "不符合", "near_miss": "差距较小"}


def problems(policy: Policy) -> list[RuleError]:
    """The policy's completeness errors, each with its file and line."""
    line = int(policy.cases[0]["line"]) - 1 if policy.cases else policy.in_force_line
    found: list[RuleError] = []
    if len(policy.cases) < MIN_CASES:
        found.append(
            RuleError(
                policy.path, line, f"cases: 至少需要 {MIN_CASES} 个示例案例，现有 {len(policy.cases)} 个"
            )
        )
    kinds = {OPEN.get(c["expect"]["outcome"], c["expect"]["outcome"]) for c in policy.cases}
    wanted = ["eligible", "open", "ineligible"] + (["near_miss"] if has_numeric_condition(policy) else [])
    missing = [KIND_ZH[k] for k in wanted if k not in kinds]
    if missing:
        found.append(RuleError(policy.path, line, f"cases: 缺少结果为“{'、'.join(missing)}”的案例"))
    for case in policy.cases:
        outcome = case["expect"]["outcome"]
        if outcome == "near_miss" and not case["expect"].get("gaps"):
            found.append(RuleError(policy.path, case["line"], f"案例“{case['name']}”差距较小，应写出 gaps"))
        if outcome in OPEN and case["expect"].get("to_collect") is None:
            found.append(RuleError(policy.path, case["line"], f"案例“{case['name']}”应写出 to_collect"))
    for node in walk(policy.criteria):
        if isinstance(node, Compare) and node.op in ("le", "lt", "between") and not node.hard:
            found.append(
                RuleError(
                    policy.path,
                    node.line,
                    f"条件 {node.id} 是规模上限，应标 hard: true（上限不是可弥补的差距）",
                )
            )
    return found


def warnings(policy: Policy) -> list[RuleError]:
    """What loads but will surprise: a policy without windows never reaches the radar or the calendars."""
    if policy.meta.get("windows"):
        return []
    return [RuleError(policy.path, 1, "没有 windows（申报窗口）：该政策不会出现在工作台电话清单和日历中")]


def has_numeric_condition(policy: Policy) -> bool:
    """Whether any condition compares a number (only then can a near miss exist)."""
    return any(isinstance(n, Compare) and n.op in NUMERIC_OPS for n in walk(policy.criteria))
