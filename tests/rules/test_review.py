"""The library reviewed against the official texts: each correction at its edge, from records to verdicts.

Every test here failed before its correction (the issue's bullet is named in each docstring).
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace as NS

from crm.facts import collect_items, derive
from crm.rules import evaluate_all, load_dir
from tests.rules.test_facts import LIBRARY_DIR, agg, fy, ip

RULESET = load_dir(LIBRARY_DIR)[0]
ON = date(2026, 6, 1)
CLEAN = {
    "registration_date": date(2015, 3, 1),
    "resident_enterprise": True,
    "registered_in_shanghai": True,
    "independent_legal_person": True,
    "in_restricted_catalogue": False,
    "abnormal_operation_listed": False,
    "serious_dishonesty_listed": False,
}


def verdicts(aggregate, on: date = ON) -> dict:
    facts = derive(aggregate, on)
    return {v.policy_id: v for v in evaluate_all(RULESET.in_force(on), facts, on)}


def tech_firm(ips=(), creds=(), events=(), **year) -> NS:
    figures = {
        "staff_total": 80,
        "tech_staff": 22,  # 27.5%: 16 points
        "sales_revenue": 30_000_000,
        "total_assets": 40_000_000,
        "rd_expense": 1_650_000,  # 5.5% of sales: 40 points
        "total_cost": 25_000_000,
    } | year
    return agg([fy(ON.year - 1, **figures)], ips, creds, events, **CLEAN)


# --- Class II IP counts once for HNTE, always for tech-SME and 创新型 ----------------------------------


def test_class_ii_items_used_in_an_earlier_hnte_application_are_not_core_ip() -> None:
    """Four utility models already used in an earlier HNTE application no longer satisfy condition (二)."""
    used = [ip("utility_model", core=True, used=True) for _ in range(4)]
    facts = derive(agg(ips=used), ON)
    assert facts["core_ip_count"] == 0 and facts["class2_ip_unused_count"] == 0
    assert "core_ip" in verdicts(agg(ips=used, **CLEAN))["hnte"].failing
    # an invention patent may back another application
    assert derive(agg(ips=[ip("invention_patent", core=True, used=True)]), ON)["core_ip_count"] == 1


def test_tech_sme_scoring_counts_class_ii_items_used_for_hnte() -> None:
    """A 80-point tech-SME score (16 + 40 + 24) came out as 56 when used items were dropped."""
    firm = tech_firm(ips=[ip("software_copyright", used=True) for _ in range(4)])
    assert derive(firm, ON)["class2_ip_count"] == 4
    verdict = verdicts(firm)["tech_sme"]
    assert verdict.outcome == "eligible", verdict.failing


# --- calendar windows ------------------------------------------------------------------------------------


def test_tech_sme_counts_a_major_accident_from_february_of_last_year() -> None:
    """ "上一年及当年": an accident in February of last year is within the window in June (365 days missed it)."""
    accident = NS(kind="safety", severity="major", occurred_on=date(2025, 2, 10))
    verdict = verdicts(tech_firm(events=[accident]))["tech_sme"]
    assert verdict.outcome == "ineligible" and "no_accident" in verdict.failing
    # the year before last is outside it
    older = NS(kind="safety", severity="major", occurred_on=date(2024, 12, 31))
    assert derive(tech_firm(events=[older]), ON)["major_accident_this_or_last_year"] is False


def test_research_misconduct_window_is_last_year_and_this_year_not_730_days() -> None:
    misconduct = NS(kind="research_misconduct", severity="serious", occurred_on=date(2024, 12, 31))
    assert derive(tech_firm(events=[misconduct]), ON)["research_misconduct_2y"] is False
    ips = [ip("software_copyright") for _ in range(4)]
    assert verdicts(tech_firm(ips, events=[misconduct]))["tech_sme"].outcome == "eligible"
    january = NS(kind="research_misconduct", severity="serious", occurred_on=date(2025, 1, 1))
    assert derive(tech_firm(events=[january]), date(2026, 12, 31))["research_misconduct_2y"] is True


# --- certificates known only by year -----------------------------------------------------------------------

YEAR_ONLY = NS(kind="hnte", issued_on=None, expires_on=None, year=2022, rank=None)


def test_a_year_only_certificate_has_an_unknown_expiry_within_its_last_year() -> None:
    """An HNTE certificate of "2022" expires somewhere between 2024-12-31 and 2025-12-30, not on 2024-12-31."""
    days = ("2024-12-31", "2025-06-01", "2025-12-31")
    on_day = {d: derive(agg(creds=[YEAR_ONLY]), date.fromisoformat(d))["holds_hnte"] for d in days}
    assert on_day == {"2024-12-31": True, "2025-06-01": None, "2025-12-31": False}
    facts = derive(agg(creds=[YEAR_ONLY]), date(2025, 6, 1))
    assert facts["hnte_valid_until"] is None
    assert collect_items(["holds_hnte"], date(2025, 6, 1)) == ["高新技术企业证书日期（发证或有效期至）"]


def test_the_tech_sme_fast_track_waits_for_the_certificate_date_instead_of_failing() -> None:
    on = date(2025, 6, 1)
    firm = tech_firm(creds=[YEAR_ONLY], tech_staff=5)  # the score route fails on tech staff
    firm.fiscal_years[0].year = 2024
    verdict = verdicts(firm, on)["tech_sme"]
    assert verdict.outcome == "likely" and verdict.to_collect == ["holds_hnte"]
