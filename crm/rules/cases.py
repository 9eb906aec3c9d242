"""Running a policy's example cases (the test suite and ``huiqi rules test`` both use this)."""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from crm.errors import HuiqiError
from crm.facts import CATALOGUE
from crm.rules.evaluate import Verdict, evaluate
from crm.rules.model import Policy

DEFAULT_CASE_DATE = date(2025, 6, 1)


@dataclass(frozen=True)
class CaseResult:
    policy: str
    name: str
    line: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def run_case(policy: Policy, case: dict[str, Any]) -> CaseResult:
    """Evaluate one example case and compare with its ``expect``."""
    try:
        facts = coerce_facts(case["facts"])
    except ValueError as exc:
        return CaseResult(policy.id, case["name"], case.get("line", 0), (str(exc),))
    on = case.get("on") or DEFAULT_CASE_DATE
    verdict = evaluate(policy, facts, on, settled=case["settled"], outcomes=case["policies"])
    return CaseResult(policy.id, case["name"], case.get("line", 0), tuple(check(verdict, case["expect"])))


def run_cases(policies: list[Policy]) -> list[CaseResult]:
    """Every case of every policy."""
    return [run_case(p, c) for p in policies for c in p.cases]


def check(verdict: Verdict, expect: dict[str, Any]) -> list[str]:
    """Differences between a verdict and an expectation, in plain words."""
    problems = []
    if verdict.outcome != expect["outcome"]:
        problems.append(f"结果应为 {expect['outcome']}，实际为 {verdict.outcome}")
    if expect.get("failing") is not None and sorted(verdict.failing) != sorted(expect["failing"]):
        problems.append(f"未满足条件应为 {sorted(expect['failing'])}，实际为 {sorted(verdict.failing)}")
    gaps = {g.condition: g.shortfall for g in verdict.gaps}
    for cid, want in (expect.get("gaps") or {}).items():
        got = gaps.get(cid)
        if got is None or not math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-9):
            problems.append(f"条件 {cid} 的差距应为 {want}，实际为 {got}")
    for key, actual in (("to_collect", verdict.to_collect), ("pending", verdict.pending)):
        wanted = expect.get(key)
        if wanted is not None and sorted(actual) != sorted(wanted):
            problems.append(f"{key} 应为 {sorted(wanted)}，实际为 {sorted(actual)}")
    return problems


def coerce_facts(raw: dict[str, Any]) -> dict[str, Any]:
    """Case/profile fact values -> typed facts ("12%" -> 0.12); unknown names refused with a suggestion."""
    out = {}
    for name, value in raw.items():
        fact = CATALOGUE.get(name)
        if fact is None:
            hint = difflib.get_close_matches(name, list(CATALOGUE), n=1)
            raise HuiqiError(f"未知的事实 '{name}'" + (f"，是否指 '{hint[0]}'？" if hint else ""))
        out[name] = _coerce(fact.type, name, value)
    return out


def _coerce(fact_type: str, name: str, value: Any) -> Any:
    if value is None:
        return None
    if fact_type == "ratio" and isinstance(value, str) and value.endswith("%"):
        return float(value[:-1]) / 100
    if fact_type == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    ok = {
        "bool": isinstance(value, bool),
        "code": isinstance(value, str),
        "date": isinstance(value, date),
    }.get(fact_type, isinstance(value, (int, float)) and not isinstance(value, bool))
    if not ok:
        raise HuiqiError(f"事实 '{name}' 的类型是 {fact_type}，值 {value!r} 不符")
    return value
