"""Ages, validity periods and windows by calendar anniversaries; multi-year facts use only years that existed."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace as NS

import pytest

from crm.facts import collect_items, columns, derive
from crm.facts.derive import age_in_years, anniversary
from crm.rules import evaluate_all, evaluate_batch, load_dir
from tests.rules.test_facts import LIBRARY_DIR, agg, fy

RULESET = load_dir(LIBRARY_DIR)[0]


@pytest.mark.parametrize(
    ("registered", "on", "age"),
    [
        # the case: one year old on the first anniversary, not 0.9993
        (date(2025, 6, 1), date(2026, 6, 1), 1.0),
        (date(2025, 6, 1), date(2026, 5, 31), 1 - 1 / 365),
        (date(2023, 6, 1), date(2026, 6, 1), 3.0),
        (date(2023, 6, 2), date(2026, 6, 1), 3 - 1 / 366),
        # 29 February: the anniversary in a common year is 28 February (民法典第二百零二条)
        (date(2024, 2, 29), date(2025, 2, 27), 1 - 1 / 365),
        (date(2024, 2, 29), date(2025, 2, 28), 1.0),
        (date(2024, 2, 29), date(2028, 2, 29), 4.0),
        (date(2024, 2, 29), date(2027, 2, 28), 3.0),
        (date(2026, 6, 2), date(2026, 6, 1), 0.0),
    ],
)
def test_age_counts_calendar_anniversaries(registered, on, age) -> None:
    assert age_in_years(registered, on) == pytest.approx(age, abs=1e-4)


def test_the_anniversary_of_29_february() -> None:
    assert anniversary(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert anniversary(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert anniversary(date(2026, 6, 1), -3) == date(2023, 6, 1)


def _hnte_age(registered: date, on: date) -> str:
    facts = derive(agg(registration_date=registered), on)
    verdict = {v.policy_id: v for v in evaluate_all(RULESET.in_force(on), facts, on)}["hnte"]
    return "missed" if "age" in verdict.failing else "met"


@pytest.mark.parametrize(
    ("registered", "on", "expected"),
    [
        (date(2025, 6, 1), date(2026, 5, 31), "missed"),
        (date(2025, 6, 1), date(2026, 6, 1), "met"),  # failed by 0.0007 years before
        (date(2024, 2, 29), date(2025, 2, 27), "missed"),
        (date(2024, 2, 29), date(2025, 2, 28), "met"),
    ],
)
def test_hnte_one_year_condition_at_the_anniversary(registered, on, expected) -> None:
    assert _hnte_age(registered, on) == expected


@pytest.mark.parametrize(
    ("issued", "last_day"),
    [
        (date(2023, 11, 1), date(2026, 10, 31)),
        (date(2023, 3, 1), date(2026, 2, 28)),
        (date(2025, 3, 1), date(2028, 2, 29)),
        # a certificate of 29 February holds until the day before its third anniversary (28 February)
        (date(2024, 2, 29), date(2027, 2, 27)),
    ],
)
def test_a_certificate_holds_until_the_day_before_its_anniversary(issued, last_day) -> None:
    cred = NS(kind="hnte", issued_on=issued, expires_on=None, year=None)
    assert derive(agg(creds=[cred]), last_day)["hnte_valid_until"] == last_day
    assert derive(agg(creds=[cred]), last_day)["holds_hnte"] is True
    after = date.fromordinal(last_day.toordinal() + 1)
    assert derive(agg(creds=[cred]), after)["holds_hnte"] is False


def test_an_event_three_years_ago_counts_until_its_anniversary() -> None:
    event = NS(kind="safety", severity="major", occurred_on=date(2023, 6, 1))
    assert derive(agg(events=[event]), date(2026, 6, 1))["serious_violation_3y"] is True
    assert derive(agg(events=[event]), date(2026, 6, 2))["serious_violation_3y"] is False


def test_hnte_accident_window_is_the_year_before_by_anniversary() -> None:
    event = NS(kind="quality", severity="major", occurred_on=date(2025, 6, 1))
    assert derive(agg(events=[event]), date(2026, 6, 1))["major_accident_last_year"] is True
    assert derive(agg(events=[event]), date(2026, 6, 2))["major_accident_last_year"] is False


ON = date(2026, 6, 1)


def test_to_collect_never_asks_for_a_year_before_registration() -> None:
    young = agg(registration_date=date(2025, 3, 1))
    items = collect_items(["rd_ratio_3y", "equity_financing_2y"], ON, young)
    assert items == ["2025 年研发费用", "2025 年销售收入", "2025 年股权融资额"]
    # the batch path's stored to-collect text knows the registration date without the aggregate
    assert collect_items(["rd_ratio_3y"], ON, registered=date(2025, 3, 1)) == [
        "2025 年研发费用",
        "2025 年销售收入",
    ]
    # an enterprise registered this year has no past year to ask for
    assert collect_items(["sales_revenue_last_year"], ON, registered=date(2026, 1, 5)) == []


def test_multi_year_sums_use_only_the_years_the_enterprise_existed() -> None:
    young = agg(
        [fy(2025, equity_financing=4_000_000, rd_expense=3_000_000)], registration_date=date(2025, 1, 2)
    )
    facts = derive(young, ON)
    assert facts["equity_financing_2y"] == 4_000_000  # 2024 did not exist: not unknown
    assert facts["rd_expense_avg_2y"] == 3_000_000
    old = agg([fy(2025, equity_financing=4_000_000)], registration_date=date(2020, 1, 2))
    assert derive(old, ON)["equity_financing_2y"].low == 4_000_000  # 2024 unknown: at least 4,000,000


def test_the_batch_path_agrees_on_anniversary_ages() -> None:
    rows = [derive(agg(registration_date=r), ON) for r in (date(2025, 6, 1), date(2025, 6, 2))]
    batch = evaluate_batch(RULESET.in_force(ON), columns(rows), ON)
    for i, facts in enumerate(rows):
        one = {v.policy_id: v for v in evaluate_all(RULESET.in_force(ON), facts, ON)}
        assert batch["hnte"].row(i)["outcome"] == one["hnte"].outcome
    assert batch["hnte"].row(0)["gaps"].get("age") is None
    assert batch["hnte"].row(1)["gaps"]["age"] == pytest.approx(1 / 365, abs=1e-4)
