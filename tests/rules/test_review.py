"""The library reviewed against the official texts: each correction at its edge, from records to verdicts.

Every test here failed before its correction (the issue's bullet is named in each docstring).
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace as NS

import pytest

from crm.facts import collect_items, derive
from crm.rules import evaluate_all, load_dir
from crm.rules.model import Compare, Param, walk
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


# --- SME size by industry -------------------------------------------------------------------------------


def _sized(division: str | None, staff: int, revenue: float, code: str | None = None) -> NS:
    year = fy(ON.year - 1, staff_total=staff, sales_revenue=revenue, total_assets=revenue)
    return agg([year], sports_division=division, industry_code=code, **CLEAN)


def test_a_fitness_chain_with_600_staff_is_not_an_sme() -> None:
    """Fitness (03) falls under 其他未列明行业: an SME has fewer than 300 staff, not 1,000."""
    chain = _sized("03", 600, 50_000_000)
    assert derive(chain, ON)["sme_by_industry"] is False
    assert "sme_size" in verdicts(chain)["zjtx_sme"].failing
    assert "sme_size" in verdicts(chain)["innovative_sme"].failing
    assert derive(_sized("03", 299, 5e9), ON)["sme_by_industry"] is True


def test_most_industries_test_staff_or_revenue() -> None:
    """Sporting-goods manufacturing (工业): 1,200 staff but 300,000,000 revenue is still an SME ("或")."""
    assert derive(_sized("09", 1200, 3.0e8), ON)["sme_by_industry"] is True
    assert derive(_sized("09", 1200, 4.0e8), ON)["sme_by_industry"] is False
    # wholesale or retail (10): decided only where both agree
    assert derive(_sized("10", 250, 3.0e8), ON)["sme_by_industry"] is True
    assert derive(_sized("10", 250, 4.5e8), ON)["sme_by_industry"] is None


def test_an_explicit_industry_code_wins_and_an_unknown_industry_is_unknown() -> None:
    assert derive(_sized("09", 600, 5e8, code="R8930"), ON)["sme_by_industry"] is False  # fitness, 其他未列明
    assert derive(_sized("03", 600, 5e7, code="6513"), ON)["sme_by_industry"] is True  # software: revenue
    assert derive(_sized(None, 10, 1e6), ON)["sme_by_industry"] is None  # never the industrial default
    assert derive(_sized("03", 10, 1e6, code="6610"), ON)["sme_by_industry"] is None  # finance: no figures


# --- 创新型中小企业 (工信部企业〔2022〕63号 附件1) ------------------------------------------------------------


def test_equity_of_4m_and_1_5m_in_two_years_takes_the_direct_route() -> None:
    """3 years and 5,000,000 (not 2 years and 10,000,000): no equity gap of 4,500,000 any more."""
    years = [
        fy(2024, equity_financing=1_500_000, staff_total=50, sales_revenue=2e7, total_assets=2e7),
        fy(2025, equity_financing=4_000_000, staff_total=50, sales_revenue=2e7, total_assets=2e7),
    ]
    firm = agg(years, sports_division="07", **CLEAN)
    assert derive(firm, ON)["equity_financing_3y"].low == 5_500_000  # 2023 not recorded: at least that
    verdict = verdicts(firm)["innovative_sme"]
    assert verdict.outcome == "eligible" and "equity" not in [g.condition for g in verdict.gaps]


def test_growth_is_last_years_single_year_main_business_growth() -> None:
    years = [fy(2023, sales_revenue=100), fy(2024, sales_revenue=100), fy(2025, sales_revenue=100)]
    for row, main in zip(years, (50, 100, 115), strict=True):
        row.main_business_revenue = main
    facts = derive(agg(years), ON)
    assert round(facts["main_business_growth_last_year"], 6) == 0.15  # 20 points, not HNTE's 3-year formula
    assert facts["main_business_share_last_year"] == 1.15
    assert derive(agg(years), ON)["sales_growth_3y"] == 0.0


def test_ip_points_follow_the_main_product_and_the_kind_of_class_i_item() -> None:
    ips = [
        NS(
            kind="invention_patent",
            status="valid",
            core_to_main_product=True,
            acquisition="transfer",
            high_value=None,
        ),
        NS(kind="utility_model", status="valid", core_to_main_product=True, used_in_hnte=True),
    ]
    facts = derive(agg(ips=ips), ON)
    assert facts["main_class1_count"] == 1 and facts["main_class1_own_count"] == 0
    assert (facts["main_class1_high_value_count"].low, facts["main_class1_high_value_count"].high) == (0, 1)
    assert facts["main_class2_count"] == 1  # used for HNTE before, still counts here


# --- award routes --------------------------------------------------------------------------------------------


def _award(kind: str, rank: int | None, year: int = 2025) -> NS:
    return NS(kind=kind, issued_on=date(year, 5, 1), expires_on=None, year=year, rank=rank)


def test_zjtx_award_route_is_a_provincial_st_award_top_three_or_a_national_one() -> None:
    """Not any provincial award: a provincial S&T award in the first three places, or a national S&T award."""
    facts = {
        label: derive(agg(creds=[cred]), ON)["st_award_top3_3y"]
        for label, cred in {
            "other provincial award": _award("provincial_award", 1),
            "provincial S&T, 3rd": _award("provincial_st_award", 3),
            "provincial S&T, 4th": _award("provincial_st_award", 4),
            "provincial S&T, rank unknown": _award("provincial_st_award", None),
            "national S&T, 7th": _award("national_st_award", 7),
            "national S&T, 4 years ago": _award("national_st_award", 1, 2022),
        }.items()
    }
    assert facts == {
        "other provincial award": False,
        "provincial S&T, 3rd": True,
        "provincial S&T, 4th": False,
        "provincial S&T, rank unknown": None,
        "national S&T, 7th": True,
        "national S&T, 4 years ago": False,
    }


def test_tech_sme_national_award_fast_track_needs_a_top_three_award_unit() -> None:
    firm = tech_firm(creds=[_award("national_st_award", 4)], tech_staff=5)
    assert "st_award" in verdicts(firm)["tech_sme"].failing
    assert (
        verdicts(tech_firm(creds=[_award("national_st_award", 2)], tech_staff=5))["tech_sme"].outcome
        == "eligible"
    )


# --- texts, windows, relations and placeholders -----------------------------------------------------------


def _file(policy_id: str, on: date = ON):
    return RULESET.get(policy_id, on)


def test_tech_sme_names_its_own_benefit_not_the_super_deduction_everyone_has() -> None:
    benefits = "；".join(_file("tech_sme").meta["benefits"])
    assert "10年" in benefits and "财税〔2018〕76号" in benefits
    assert "加计扣除" not in benefits


def test_wenchuang_caps_are_dated_2019_figures() -> None:
    capped = [b for b in _file("wenchuang_fund").meta["benefits"] if "万元" in b]
    assert capped and all("2019年版" in b and "以当年申报指南为准" in b for b in capped)


@pytest.mark.parametrize("policy_id", ["demo_unit_national", "demo_project_national"])
def test_national_demonstration_files_cite_the_2023_rules_and_window(policy_id: str) -> None:
    policy = _file(policy_id)
    assert any(b["number"] == "体经规字〔2023〕9号" for b in policy.meta["basis"])
    assert [(w["opens"], w["closes"]) for w in policy.meta["windows"]] == [("08-30", "09-29")]


@pytest.mark.parametrize(
    "policy_id",
    ["demo_unit_national", "demo_project_national", "demo_unit_municipal", "demo_project_municipal"],
)
def test_demonstration_files_check_sports_enterprise_listing_and_accidents(policy_id: str) -> None:
    facts = {n.fact for n in walk(_file(policy_id).criteria) if isinstance(n, Compare)}
    assert {"sports_enterprise", "abnormal_operation_listed", "serious_violation_3y"} <= facts
    assert _file(policy_id).unlocks == ()  # "unit unlocks project" had no source


def test_the_unsourced_municipal_project_placeholder_is_gone() -> None:
    params = _file("demo_project_municipal").meta["params"]
    assert "revenue_min" not in params
    assert params["operator_years_min"]["value"] == 3  # the national baseline, not an unsourced 2 years


@pytest.mark.parametrize(
    ("policy_id", "amount"),
    [
        ("demo_unit_national", 600_000),
        ("demo_project_national", 300_000),
        ("demo_unit_municipal", 400_000),
        ("demo_project_municipal", 150_000),
    ],
)
def test_another_districts_rewards_are_low_confidence_references(policy_id: str, amount: int) -> None:
    spec = _file(policy_id).meta["params"]["reference_reward"]
    assert (spec["value"], spec["confidence"]) == (amount, "low")
    assert "宝山" in spec["label"] and "他区" in spec["source"]


# --- the 2026 revision of the 梯度培育 rules ---------------------------------------------------------------


@pytest.mark.parametrize("policy_id", ["innovative_sme", "zjtx_sme"])
def test_the_2026_revision_is_a_new_low_confidence_version_from_1_april(policy_id: str) -> None:
    before, after = _file(policy_id, date(2026, 3, 31)), _file(policy_id, date(2026, 4, 1))
    assert (before.confidence, after.confidence) == ("medium", "low")
    assert after.in_force_from == date(2026, 4, 1) and before.in_force_until == date(2026, 3, 31)
    assert "2026-01-17" in after.todo and "待核实" in after.todo
    thresholds = [
        n.threshold for n in walk(after.criteria) if isinstance(getattr(n, "threshold", None), Param)
    ]
    assert thresholds, "the 2022 figures stay as named placeholders"
    for param in thresholds:
        spec = after.meta["params"][param.name]
        assert spec["confidence"] == "low" and "2022" in spec["source"] + spec["label"]


def test_every_policy_file_says_what_it_was_reviewed_against() -> None:
    for policy in RULESET.all_versions():
        reviewed = policy.meta["reviewed"]
        assert reviewed and reviewed["against"] and reviewed["clause"], policy.path
        assert reviewed["as_of"] == "2026-12-02", policy.path
