"""Engine semantics as truth tables: Kleene logic, comparisons, gaps, scores, relations, outcomes, rank."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from crm.facts import columns
from crm.rules import batch as B
from crm.rules import evaluate, evaluate_all, load_dir
from crm.rules.evaluate import outcome_code
from crm.rules.logic import combine, compare_values, relation_status, score_status, shortfall
from crm.rules.model import ELIGIBLE, HELD, INELIGIBLE, LIKELY, MET, NEAR_MISS, NOT_MET, UNKNOWN, Settlement

T, U, F = MET, UNKNOWN, NOT_MET
LIBRARY = Path(__file__).resolve().parents[2] / "policy_rules"
ON = date(2025, 6, 1)

KLEENE = [
    # all: false wins, then unknown
    ("all", 0, [T, T], T),
    ("all", 0, [T, U], U),
    ("all", 0, [U, F], F),
    ("all", 0, [F, T], F),
    # any: true wins, then unknown
    ("any", 0, [F, F], F),
    ("any", 0, [F, U], U),
    ("any", 0, [U, T], T),
    # not: unknown stays unknown
    ("not", 0, [T], F),
    ("not", 0, [F], T),
    ("not", 0, [U], U),
    # n_of: decided only when the unknowns cannot change it
    ("n_of", 2, [T, T, F], T),
    ("n_of", 2, [T, U, F], U),
    ("n_of", 2, [T, F, F], F),
    ("n_of", 2, [U, U, F], U),
]


@pytest.mark.parametrize(("op", "n", "inputs", "expected"), KLEENE)
def test_kleene_combination_one_and_batch(op, n, inputs, expected) -> None:
    assert combine(op, n, inputs) == expected
    arrays = [np.array([s], dtype=np.int8) for s in inputs]
    assert B.combine(op, n, arrays)[0] == expected


COMPARISONS = [
    ("ge", 5, 5, True),
    ("ge", 4.9, 5, False),
    ("gt", 5, 5, False),
    ("le", 5, 5, True),
    ("lt", 5, 5, False),
    ("between", 3, (1, 3), True),
    ("between", 4, (1, 3), False),
    ("in", "esports", ("esports", "design"), True),
    ("not_in", "none", ("none",), False),
    ("is", False, False, True),
    ("date_ge", date(2024, 1, 1), date(2023, 12, 31), True),
]


@pytest.mark.parametrize(("op", "value", "threshold", "expected"), COMPARISONS)
def test_comparisons(op, value, threshold, expected) -> None:
    assert compare_values(op, value, threshold) is expected


GAPS = [
    ("ge", 0.045, 0.05, 0.05 - 0.045),
    ("le", 900, 500, 400),
    ("between", 0, (1, 3), 1),
    ("between", 5, (1, 3), 2),
]


@pytest.mark.parametrize(("op", "value", "threshold", "gap"), GAPS)
def test_every_numeric_miss_has_a_shortfall(op, value, threshold, gap) -> None:
    assert shortfall(op, value, threshold)[0] == pytest.approx(gap)


SCORES = [
    ("ge", 60, 80, 60, T),
    ("ge", 50, 59, 60, F),
    ("ge", 50, 70, 60, U),
    ("gt", 70, 90, 70, U),
    ("gt", 71, 90, 70, T),
]


@pytest.mark.parametrize(("op", "low", "high", "threshold", "expected"), SCORES)
def test_a_score_range_is_decided_only_when_the_whole_range_is_on_one_side(
    op, low, high, threshold, expected
) -> None:
    assert score_status(op, low, high, threshold) == expected


RELATIONS = [
    ("requires", "eligible", T),
    ("requires", "held", T),
    ("requires", "likely", U),
    ("requires", "needs_data", U),
    ("requires", "near_miss", F),
    ("requires", None, U),
    ("excludes", "held", F),
    ("excludes", "eligible", T),
]


@pytest.mark.parametrize(("kind", "outcome", "expected"), RELATIONS)
def test_relations(kind, outcome, expected) -> None:
    assert relation_status(kind, outcome) == expected


OUTCOMES = [
    (T, T, False, ELIGIBLE),
    (U, U, False, LIKELY),
    (F, T, False, NEAR_MISS),
    (F, U, False, NEAR_MISS),
    (F, F, False, INELIGIBLE),
    (F, F, True, HELD),
]


@pytest.mark.parametrize(("status", "forced", "held", "expected"), OUTCOMES)
def test_outcome_from_status_and_forgiven_near_misses(status, forced, held, expected) -> None:
    assert outcome_code(status, forced, held) == expected
    arr = [np.array([x]) for x in (status, forced)]
    assert B.outcome_codes(arr[0], arr[1], np.array([held]))[0] == expected


@pytest.fixture(scope="module")
def ruleset():
    return load_dir(LIBRARY)[0]


def test_unknown_is_never_false(ruleset) -> None:
    verdict = evaluate(ruleset.get("hnte"), {}, ON)
    assert verdict.outcome == "needs_data"
    assert verdict.gaps == []
    assert "rd_ratio_3y" in verdict.to_collect and "sales_revenue_last_year" in verdict.to_collect


# (unknown facts, manual reviews left) -> outcome: one unknown fact is "likely", two are "needs data",
# however many manual reviews are open
OPEN_VERDICTS = [
    ((), ("domain_review",), "likely"),
    (("rd_ratio_3y",), ("domain_review", "innovation_score"), "likely"),
    (("rd_ratio_3y", "hightech_income_share"), (), "needs_data"),
    (("rd_ratio_3y", "hightech_income_share"), ("domain_review",), "needs_data"),
]


@pytest.mark.parametrize(("unknown", "reviews", "expected"), OPEN_VERDICTS)
def test_likely_is_one_unknown_fact_at_most_and_needs_data_is_two(
    ruleset, unknown, reviews, expected
) -> None:
    policy = ruleset.get("hnte")
    facts = {**HNTE_OK, **dict.fromkeys(unknown)}
    settled = {cid: True for cid in ("domain_review", "innovation_score") if cid not in reviews}
    verdict = evaluate(policy, facts, ON, settled=settled)
    assert (verdict.outcome, sorted(verdict.to_collect)) == (expected, sorted(unknown))
    many = B.evaluate_batch([policy], columns([facts]), ON, settled=_settled_columns(settled))[policy.id]
    assert many.row(0)["outcome"] == expected


def test_the_likely_threshold_is_a_setting(ruleset) -> None:
    policy, facts = ruleset.get("hnte"), {**HNTE_OK, "rd_ratio_3y": None, "hightech_income_share": None}
    settled = {"domain_review": True, "innovation_score": True}
    assert evaluate(policy, facts, ON, settled=settled, max_unknown=2).outcome == "likely"
    cols, codes = columns([facts]), _settled_columns(settled)
    assert (
        B.evaluate_batch([policy], cols, ON, settled=codes, max_unknown=2)["hnte"].row(0)["outcome"]
        == "likely"
    )


def test_a_policy_waiting_on_a_policy_that_needs_data_needs_data_too(ruleset) -> None:
    zjtx = ruleset.get("zjtx_sme")
    facts, settled = _case_facts(zjtx, "门槛与专项条件均满足，评分已核定"), {"speciality_score": True}
    for required, expected in (("held", "eligible"), ("likely", "likely"), ("needs_data", "needs_data")):
        verdict = evaluate(zjtx, facts, ON, settled=settled, outcomes={"innovative_sme": required})
        assert (verdict.outcome, verdict.to_collect) == (expected, [])


def test_hnte_rd_band_follows_last_years_sales(ruleset) -> None:
    policy = ruleset.get("hnte")
    for sales, band in ((4e7, 0.05), (5e7, 0.05), (1.5e8, 0.04), (3e8, 0.03)):
        trace = next(
            t
            for t in _leaves(
                evaluate(policy, {"sales_revenue_last_year": sales, "rd_ratio_3y": 0.01}, ON).trace
            )
            if t.node.id == "rd_ratio"
        )
        assert trace.threshold == band


def test_a_gap_carries_value_threshold_shortfall_and_unit(ruleset) -> None:
    verdict = evaluate(ruleset.get("zjtx_sme"), {"rd_expense_last_year": 900000.0}, ON)
    gap = next(g for g in verdict.gaps if g.condition == "rd_amount")
    assert (gap.value, gap.threshold, gap.shortfall, gap.unit, gap.near) == (900000.0, 1e6, 1e5, "CNY", True)


def test_a_manual_condition_is_unknown_until_settled_and_keeps_who_and_why(ruleset) -> None:
    policy = ruleset.get("talent_employer")
    facts = {
        "registered_in_shanghai": True,
        "tax_in_shanghai": True,
        "abnormal_operation_listed": False,
        "serious_dishonesty_listed": False,
        "independent_legal_person": True,
    }
    assert evaluate(policy, facts, ON).pending == ["contract"]
    settlement = Settlement(True, by="王专员", note="已核劳动合同与社保")
    verdict = evaluate(policy, facts, ON, settled={"contract": settlement})
    assert verdict.outcome == "eligible"
    assert next(t for t in _leaves(verdict.trace) if t.node.id == "contract").settled == settlement


def test_held_carries_expiry_and_reapplication_date(ruleset) -> None:
    verdict = evaluate(ruleset.get("hnte"), {"hnte_valid_until": date(2026, 10, 31)}, ON)
    assert (verdict.outcome, verdict.held_until, verdict.reapply_from) == (
        "held",
        date(2026, 10, 31),
        date(2026, 5, 4),
    )
    assert evaluate(ruleset.get("hnte"), {"hnte_valid_until": date(2025, 5, 31)}, ON).outcome != "held"


def test_requires_sees_the_outcome_of_the_required_policy(ruleset) -> None:
    verdicts = {
        v.policy_id: v
        for v in evaluate_all(ruleset.policies, {"innovative_sme_valid_until": date(2027, 1, 1)}, ON)
    }
    assert verdicts["innovative_sme"].outcome == "held"
    relation = next(t for t in _leaves(verdicts["zjtx_sme"].trace) if t.node.id == "requires_innovative_sme")
    assert relation.status == MET


def test_rank_puts_eligible_first_and_ineligible_last(ruleset) -> None:
    facts = {"abnormal_operation_listed": True, "registered_in_shanghai": True, "tax_in_shanghai": True}
    verdicts = evaluate_all(ruleset.policies, facts, ON)
    assert [v.rank for v in verdicts] == list(range(1, 11))
    order = [ORDER.index(v.outcome) for v in verdicts]
    assert order == sorted(order)
    assert verdicts[-1].outcome == "ineligible"


ORDER = ["eligible", "likely", "near_miss", "needs_data", "held", "ineligible"]

HNTE_OK = {
    "years_since_registration": 4.5,
    "resident_enterprise": True,
    "core_ip_count": 3,
    "hnte_domain": "electronic_info",
    "tech_staff_ratio": 0.25,
    "rd_ratio_3y": 0.07,
    "sales_revenue_last_year": 30000000.0,
    "rd_domestic_share_3y": 0.95,
    "hightech_income_share": 0.8,
    "class1_ip_count": 1,
    "class2_ip_unused_count": 4,
    "net_asset_growth_3y": 0.3,
    "sales_growth_3y": 0.2,
    "major_accident_last_year": False,
}


def _settled_columns(settled: dict) -> dict:
    return {"hnte": {cid: np.array([MET if met else NOT_MET], np.int8) for cid, met in settled.items()}}


def _case_facts(policy, name: str) -> dict:
    from crm.rules.cases import coerce_facts

    return coerce_facts(next(c for c in policy.cases if c["name"] == name)["facts"])


def _leaves(trace):
    return [trace] if not trace.children else [x for c in trace.children for x in _leaves(c)]
