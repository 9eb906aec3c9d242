"""What a policy is worth: value estimates on intervals (unknown inputs give a range or "unknown", never
0), the text officers read, and the rank that puts the more valuable policy first."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from crm.facts import Interval
from crm.facts.bounds import INF
from crm.rules import evaluate, load_dir
from crm.rules.explain import value_text, verdict_dict
from crm.rules.rank import rank
from crm.rules.value import Estimate
from tests.rules.test_engine import LIBRARY

ON = date(2025, 6, 1)
RULESET = load_dir(LIBRARY)[0]

# income, cost (None: unknown; an Interval: partly known) -> HNTE's value in words
HNTE = [
    (5e6, 4e6, "10.00 万元/年"),  # 10 % of a 1,000,000 profit
    (5e6, None, "最高 50.00 万元/年"),  # cost unknown: somewhere up to 10 % of the income
    (None, 4e6, "未估算"),  # income unknown: unbounded, never 0
    (4e6, 5e6, "0.00 万元/年"),  # a known loss: the tax cut is worth nothing this year
    (Interval(5e6, INF), 4e6, "至少 10.00 万元/年"),
]


@pytest.mark.parametrize(("income", "cost", "expected"), HNTE)
def test_hnte_is_worth_ten_points_of_the_estimated_taxable_profit(income, cost, expected) -> None:
    facts = {"total_income_last_year": income, "total_cost_last_year": cost}
    verdict = evaluate(RULESET.get("hnte"), facts, ON)
    assert value_text(verdict.value) == expected
    assert "10%" in verdict.value.basis and verdict.value.confidence == "medium"


def test_an_unknown_value_is_never_zero() -> None:
    verdict = evaluate(RULESET.get("hnte"), {}, ON)
    assert (verdict.value.low, verdict.value.high) == (0.0, None)  # at least nothing, at most unbounded
    assert value_text(verdict.value) == "未估算"
    doc = verdict_dict(verdict)
    assert doc["value"] == {
        "low": 0.0,
        "high": None,
        "per": "year",
        "basis": verdict.value.basis,
        "confidence": "medium",
    }


def test_a_capped_grant_is_a_range_paid_once() -> None:
    verdict = evaluate(RULESET.get("wenchuang_fund"), {}, ON)
    assert value_text(verdict.value) == "最高 300.00 万元（一次性）"


def test_a_policy_without_a_cash_benefit_says_why() -> None:
    value = evaluate(RULESET.get("tech_sme"), {}, ON).value
    assert value_text(value) == "未估算" and "2023" in value.basis


def _verdict(
    pid: str, outcome: str, worth: tuple[float | None, float | None] | None, closes: str, items: int
):
    policy = SimpleNamespace(
        id=pid,
        unlocks=(),
        confidence="high",
        level="national",
        meta={"windows": [{"opens": "01-01", "closes": closes}]},
    )
    value = None if worth is None else Estimate(worth[0], worth[1], "", "medium", "year")
    return SimpleNamespace(
        policy=policy,
        on=ON,
        outcome=outcome,
        gaps=[],
        to_collect=["x"] * items,
        pending=[],
        reapply_from=None,
        rank=0,
        value=value,
    )


def test_rank_orders_by_outcome_then_value_then_deadline_then_open_items() -> None:
    verdicts = [
        _verdict("a_unvalued", "eligible", None, "06-30", 0),
        _verdict("b_small", "eligible", (1e5, 1e5), "06-30", 0),
        _verdict("c_big", "eligible", (5e5, 7e5), "12-31", 3),
        _verdict("d_big_sooner", "eligible", (6e5, 6e5), "07-31", 3),
        _verdict("e_big_sooner_fewer", "eligible", (6e5, 6e5), "07-31", 1),
        _verdict("f_near", "near_miss", (9e6, 9e6), "06-30", 0),
        _verdict("g_likely", "likely", (1.0, 1.0), "06-30", 0),
    ]
    order = [v.policy.id for v in rank(verdicts)]
    assert order == [
        "e_big_sooner_fewer",
        "d_big_sooner",
        "c_big",
        "b_small",
        "a_unvalued",
        "g_likely",
        "f_near",
    ]
