"""Partly known facts: intervals that every completion of the unknown records lies in, and verdicts that
only decide what every completion agrees on."""

from __future__ import annotations

import math
from datetime import date
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm.facts import Interval, derive
from crm.facts.bounds import INF, count_bounds, ratio_bounds, sum_bounds
from crm.rules import evaluate, evaluate_all, load_dir
from crm.rules.logic import interval_status
from crm.rules.model import MET, NOT_MET, UNKNOWN
from tests.rules.test_engine import LIBRARY

T, U, F = MET, UNKNOWN, NOT_MET
ON = date(2025, 6, 1)
RULESET = load_dir(LIBRARY)[0]


# --- the interval helpers -----------------------------------------------------------------------------

SUMS = [
    ([1.0, 2.0, 3.0], 6.0),  # all known: exact
    ([1.0, None, 3.0], Interval(4.0, INF)),  # at least the known part
    ([None, None], None),  # nothing known
    ([-1.0, None], None),  # a negative part: the unknown one bounds nothing
]


@pytest.mark.parametrize(("parts", "expected"), SUMS)
def test_a_sum_of_non_negative_parts_is_at_least_its_known_part(parts, expected) -> None:
    assert sum_bounds(parts) == expected


RATIOS = [
    (1.0, 4.0, 0.25),
    (Interval(1.0, INF), 4.0, Interval(0.25, INF)),  # numerator partly known: a floor
    (1.0, Interval(4.0, INF), Interval(0.0, 0.25)),  # denominator partly known: a ceiling
    (1.0, None, None),  # denominator unknown: it may be 0
    (None, 4.0, None),  # numerator unknown: [0, ∞) says nothing
    (Interval(0.0, INF), Interval(0.0, INF), None),
    (0.0, Interval(4.0, INF), 0.0),  # every completion is 0
]


@pytest.mark.parametrize(("num", "den", "expected"), RATIOS)
def test_a_ratio_of_partly_known_parts_is_bounded_when_the_known_parts_allow(num, den, expected) -> None:
    assert ratio_bounds(num, den) == expected


def test_a_count_with_unchecked_items_lies_between_the_checked_and_all() -> None:
    assert (count_bounds(2, 0), count_bounds(1, 3)) == (2, Interval(1, 4))


# op, low, high, threshold -> status
INTERVALS = [
    ("ge", 0.06, INF, 0.05, T),  # the lower bound already clears it
    ("ge", 0.0, 0.04, 0.05, F),  # the upper bound cannot reach it
    ("ge", 0.04, 0.06, 0.05, U),  # straddles
    ("gt", 0.05, 0.06, 0.05, U),
    ("le", 100, 450, 500, T),
    ("le", 520, INF, 500, F),
    ("lt", 400, 500, 500, U),
    ("between", 3, 8, (2, 10), T),
    ("between", 11, INF, (2, 10), F),
    ("between", 1, 3, (2, 10), U),
]


@pytest.mark.parametrize(("op", "low", "high", "threshold", "expected"), INTERVALS)
def test_an_interval_decides_a_comparison_only_when_it_lies_on_one_side(
    op, low, high, threshold, expected
) -> None:
    assert interval_status(op, low, high, threshold) == expected


def test_one_known_year_already_clearing_the_bar_settles_the_rd_ratio() -> None:
    """HNTE: 3-year R&D / sales; two years known already give ≥ 5 % whatever the third year's R&D was."""
    agg = _aggregate(
        {2024: {"rd_expense": 4e5, "sales_revenue": 3e6}, 2023: {"rd_expense": None, "sales_revenue": 3e6}}
        | {2022: {"rd_expense": 2e5, "sales_revenue": 3e6}}
    )
    facts = derive(agg, ON)
    assert facts["rd_ratio_3y"] == Interval(6e5 / 9e6, INF)
    verdict = evaluate(RULESET.get("hnte"), facts, ON)
    assert _leaf(verdict.trace, "rd_ratio").status == MET
    assert "rd_ratio_3y" not in verdict.to_collect  # settled: nothing to ask for


def test_a_ratio_that_cannot_reach_the_bar_fails_with_the_gap_from_its_best_case() -> None:
    """2023's sales unknown: R&D 200,000 over at least 9,000,000 of sales is at most 2.22 %, short of 5 %."""
    agg = _aggregate(
        {2024: {"rd_expense": 1e5, "sales_revenue": 3e6}, 2023: {"rd_expense": 1e5, "sales_revenue": None}}
        | {2022: {"rd_expense": 0.0, "sales_revenue": 6e6}}
    )
    facts = derive(agg, ON)
    assert facts["rd_ratio_3y"] == Interval(0.0, 2e5 / 9e6)
    verdict = evaluate(RULESET.get("hnte"), facts, ON)
    gap = next(g for g in verdict.gaps if g.condition == "rd_ratio")
    assert gap.shortfall == pytest.approx(0.05 - 2e5 / 9e6) and not gap.near
    assert verdict.outcome == "ineligible"


# --- the property: whatever the interval engine decides, every completion agrees ---------------------

FIELDS = ("staff_total", "tech_staff", "sales_revenue", "total_income", "hightech_income", "rd_expense")
FIELDS += (
    "rd_expense_domestic",
    "total_cost",
    "total_assets",
    "total_liabilities",
    "tax_paid",
    "equity_financing",
    "main_business_revenue",
)
MONEY = st.sampled_from([0.0, 1e5, 5e5, 1e6, 3e6, 8e6, 1.5e7, 3e7, 6e7, 2.5e8])
PEOPLE = st.sampled_from([0, 3, 8, 12, 40, 120, 499, 501, 1200])
ENTERPRISE = {
    "resident_enterprise": st.booleans(),
    "independent_legal_person": st.booleans(),
    "registered_in_shanghai": st.booleans(),
    "tax_in_shanghai": st.booleans(),
    "in_restricted_catalogue": st.booleans(),
    "abnormal_operation_listed": st.booleans(),
    "serious_dishonesty_listed": st.booleans(),
    "hnte_domain": st.sampled_from(["electronic_info", "none"]),
    "wenchuang_sector": st.sampled_from(["esports", "none"]),
    "sports_division": st.sampled_from(["03", "09"]),
    "niche_market_years": st.integers(0, 6),
    "strategic_emerging": st.booleans(),
}


def _field(name: str) -> st.SearchStrategy:
    return PEOPLE if name in ("staff_total", "tech_staff") else MONEY


@st.composite
def partial_and_completion(draw) -> tuple[SimpleNamespace, SimpleNamespace]:
    """A profile with unknown fields (None) and one completion of it (every None filled in)."""
    partial, full = {}, {}
    for year in (2024, 2023, 2022):
        row = {}
        for name in FIELDS:
            value = draw(_field(name))
            row[name] = (value, draw(st.none() | st.just(value)))
        partial[year] = {k: v[1] for k, v in row.items()}
        full[year] = {k: v[0] for k, v in row.items()}
    ent_full = {k: draw(s) for k, s in ENTERPRISE.items()}
    ent_partial = {k: draw(st.none() | st.just(v)) for k, v in ent_full.items()}
    ip_full = [
        (
            draw(st.sampled_from(["invention_patent", "utility_model", "software_copyright"])),
            draw(st.booleans()),
            draw(st.booleans()),
        )
        for _ in range(draw(st.integers(0, 4)))
    ]
    ip_partial = [
        (kind, draw(st.none() | st.just(core)), draw(st.none() | st.just(high)))
        for kind, core, high in ip_full
    ]
    return (
        _aggregate(partial, ent_partial, ip_partial),
        _aggregate(full, ent_full, ip_full),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=partial_and_completion())
def test_every_completion_agrees_with_what_the_partial_profile_decided(pair) -> None:
    partial, full = pair
    known, complete = derive(partial, ON), derive(full, ON)
    for name, value in known.items():  # each partly known fact holds its completion's value
        if isinstance(value, Interval) and complete[name] is not None:
            assert value.low <= complete[name] <= value.high, name
    partial_verdicts = evaluate_all(RULESET.in_force(ON), known, ON)
    complete_verdicts = {v.policy_id: v for v in evaluate_all(RULESET.in_force(ON), complete, ON)}
    decided, actual = _statuses(partial_verdicts), _statuses(complete_verdicts.values())
    for key, status in decided.items():
        if status != UNKNOWN:
            assert actual[key] == status, key
    for verdict in partial_verdicts:  # the estimated value's range holds the completion's value
        exact = complete_verdicts[verdict.policy_id]
        if verdict.value is not None and exact.value is not None and exact.value.low is not None:
            low = -math.inf if verdict.value.low is None else verdict.value.low
            high = math.inf if verdict.value.high is None else verdict.value.high
            assert low <= exact.value.low and exact.value.high <= high, verdict.policy_id


def test_the_completion_property_can_fail() -> None:
    """Bounds that claim too much (a floor above the true sum) break the property's first check."""
    partial = {"rd_ratio_3y": Interval(0.06, INF)}
    verdict = evaluate(RULESET.get("hnte"), partial | {"sales_revenue_last_year": 3e6}, ON)
    truth = evaluate(RULESET.get("hnte"), {"rd_ratio_3y": 0.01, "sales_revenue_last_year": 3e6}, ON)
    assert _leaf(verdict.trace, "rd_ratio").status != _leaf(truth.trace, "rd_ratio").status


# --- helpers ----------------------------------------------------------------------------------------


def _aggregate(
    years: dict[int, dict],
    enterprise: dict | None = None,
    ip: list[tuple[str, bool | None, bool | None]] | None = None,
) -> SimpleNamespace:
    ent = SimpleNamespace(
        id=1,
        name="示例",
        registration_date=date(2015, 3, 1),
        key_institution=None,
        legal_form="llc",
        **(enterprise or {}),
    )
    return SimpleNamespace(
        enterprise=ent,
        fiscal_years=[SimpleNamespace(year=y, **fields) for y, fields in years.items()],
        ip_assets=[
            SimpleNamespace(
                kind=kind,
                status="valid",
                core_to_main_product=core,
                used_in_hnte=False,
                grant_date=None,
                acquisition="own",
                high_value=high,
            )
            for kind, core, high in (ip or [])
        ],
        credentials=[],
        compliance_events=[],
    )


def _statuses(verdicts) -> dict[tuple[str, str], int]:
    out = {}
    for v in verdicts:
        stack = [v.trace]
        while stack:
            t = stack.pop()
            out[(v.policy_id, t.node.id)] = t.status
            stack.extend(t.children)
    return out


def _leaf(trace, cid: str):
    stack = [trace]
    while stack:
        t = stack.pop()
        if t.node.id == cid:
            return t
        stack.extend(t.children)
    raise KeyError(cid)
