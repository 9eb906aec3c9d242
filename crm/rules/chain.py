"""Relating the policies of a rule set: each policy's dated versions chained, and the evaluation order over
requires/excludes (a policy after those it depends on)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from crm.rules.model import Policy
from crm.rules.source import RuleError


def versions(policies: list[Policy]) -> tuple[list[Policy], list[RuleError]]:
    """Group the versions of each policy and check that their ``in_force`` ranges follow each other.

    Sorted by ``from``, each version ends the day before the next one starts: an open ``until`` is closed
    there, an explicit one must be exactly that day (later = overlap, earlier = gap). A version that breaks
    the chain is refused (with its file and the line of ``in_force``) and left out.
    """
    errors: list[RuleError] = []
    by_id: dict[str, list[Policy]] = {}
    for policy in policies:
        by_id.setdefault(policy.id, []).append(policy)
    out: list[Policy] = []
    for group in by_id.values():
        kept: list[Policy] = []
        for policy in sorted(group, key=lambda p: (p.in_force_from, p.path)):
            if kept:
                prev = kept[-1]
                day_before = policy.in_force_from - timedelta(days=1)
                where = f"{Path(prev.path).name}:{prev.in_force_line}"
                if prev.in_force_until is None or prev.in_force_until == day_before:
                    kept[-1] = replace(prev, in_force_until=day_before)
                elif prev.in_force_until > day_before:
                    errors.append(
                        RuleError(
                            policy.path,
                            policy.in_force_line,
                            f"生效期与上一版本重叠：{where} 生效至 {prev.in_force_until}，"
                            f"本版本自 {policy.in_force_from} 起（应为 {prev.in_force_until + timedelta(days=1)}）",
                        )
                    )
                    continue
                else:
                    errors.append(
                        RuleError(
                            policy.path,
                            policy.in_force_line,
                            f"生效期与上一版本之间有空档：{where} 生效至 {prev.in_force_until}，"
                            f"本版本自 {policy.in_force_from} 起（应为 {prev.in_force_until + timedelta(days=1)}）",
                        )
                    )
                    continue
            kept.append(policy)
        out.extend(kept)
    return out, errors


def order(policies: list[Policy]) -> tuple[list[Policy], list[RuleError]]:
    """Topological order of the policy ids over requires/excludes (of any version); a policy's versions stay
    together, oldest first. Unknown targets and cycles are errors of the referring file."""
    by_id: dict[str, list[Policy]] = {}
    for policy in policies:
        by_id.setdefault(policy.id, []).append(policy)
    errors: list[RuleError] = []
    ordered: list[Policy] = []
    state: dict[str, int] = {}
    for policy in policies:
        for target in (*policy.requires, *policy.excludes, *policy.unlocks):
            if target not in by_id:
                errors.append(RuleError(policy.path, policy.criteria.line, f"关联的政策 '{target}' 不存在"))

    def visit(pid: str) -> bool:
        if state.get(pid) == 2:
            return True
        versions = by_id[pid]
        if state.get(pid) == 1:
            errors.append(
                RuleError(versions[-1].path, versions[-1].criteria.line, f"政策关联出现循环：{pid}")
            )
            return False
        state[pid] = 1
        targets = dict.fromkeys(t for p in versions for t in (*p.requires, *p.excludes) if t in by_id)
        ok = all(visit(t) for t in targets)
        state[pid] = 2
        ordered.extend(versions)
        return ok

    for pid in sorted(by_id):
        visit(pid)
    return ordered, errors
