"""The shipped library: every case passes, and every policy is complete (cases, confidence notes, dated params)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm.rules import load_dir, run_case
from crm.rules.model import Compare, Param, walk

LIBRARY = Path(__file__).resolve().parents[2] / "policy_rules"
RULESET = load_dir(LIBRARY)[0]
EXPECTED = {
    "hnte",
    "tech_sme",
    "innovative_sme",
    "zjtx_sme",
    "demo_unit_national",
    "demo_project_national",
    "demo_unit_municipal",
    "demo_project_municipal",
    "wenchuang_fund",
    "talent_employer",
}
# these two policies have no numeric condition in their sources, so no near miss can exist
NO_NUMERIC = {"wenchuang_fund", "talent_employer"}


def test_policy_case(policy_case) -> None:
    policy, case = policy_case
    result = run_case(policy, case)
    assert result.ok, f"{policy.path}:{result.line} {case['name']}: " + "；".join(result.problems)


def test_the_library_holds_the_ten_policies() -> None:
    assert set(RULESET.ids()) == EXPECTED


OPEN = {"likely": "open", "needs_data": "open"}


@pytest.mark.parametrize("policy", RULESET.policies, ids=lambda p: p.id)
def test_every_policy_has_the_four_kinds_of_case(policy) -> None:
    # an open case (likely or needs data) counts as the "unknown" kind
    outcomes = {OPEN.get(c["expect"]["outcome"], c["expect"]["outcome"]) for c in policy.cases}
    wanted = {"eligible", "open", "ineligible"} | (set() if policy.id in NO_NUMERIC else {"near_miss"})
    assert wanted <= outcomes
    assert len(policy.cases) >= 4
    near = [c for c in policy.cases if c["expect"]["outcome"] == "near_miss"]
    assert all(c["expect"]["gaps"] for c in near), "a near-miss case names its gap"
    unknown = [c for c in policy.cases if c["expect"]["outcome"] in OPEN]
    assert all(c["expect"]["to_collect"] is not None for c in unknown), (
        "an unknown case names what to collect"
    )


@pytest.mark.parametrize("policy", RULESET.all_versions(), ids=lambda p: f"{p.id}@{p.in_force_from}")
def test_every_ceiling_is_hard(policy) -> None:
    """A size ceiling defines who a policy is for: 520 staff against "≤ 500" is not a gap to close."""
    ceilings = [
        n for n in walk(policy.criteria) if isinstance(n, Compare) and n.op in ("le", "lt", "between")
    ]
    assert [n.id for n in ceilings if not n.hard] == [], "mark it hard: true (or say in a note why not)"


@pytest.mark.parametrize("policy", RULESET.policies, ids=lambda p: p.id)
def test_uncertain_policies_say_so_and_placeholders_are_dated_params(policy) -> None:
    if policy.confidence != "high":
        assert policy.todo
    for spec in policy.meta["params"].values():
        assert spec["as_of"] and spec["source"]
    if policy.confidence == "low":
        params = [n for n in walk(policy.criteria) if isinstance(getattr(n, "threshold", None), Param)]
        assert params, "a low-confidence policy keeps its thresholds as named parameters"
