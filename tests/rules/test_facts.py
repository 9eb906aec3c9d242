"""Facts derived from records as of a date; unknown stays unknown; precise to-collect items; profiles."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace as NS

import pytest

from crm.facts import CATALOGUE, Interval, collect_items, derive
from crm.facts.profile import ProfileError, aggregate, load_profile

ON = date(2025, 6, 1)
LIBRARY_DIR = Path(__file__).resolve().parents[2] / "policy_rules"


def fy(year, **kw):
    fields = [
        "staff_total",
        "tech_staff",
        "sales_revenue",
        "total_income",
        "hightech_income",
        "rd_expense",
        "rd_expense_domestic",
        "total_cost",
        "total_assets",
        "total_liabilities",
        "tax_paid",
        "equity_financing",
        "main_business_revenue",
    ]
    return NS(year=year, **{f: kw.get(f) for f in fields})


def agg(years=(), ips=(), creds=(), events=(), **ent):
    return NS(
        enterprise=NS(**ent),
        fiscal_years=list(years),
        ip_assets=list(ips),
        credentials=list(creds),
        compliance_events=list(events),
    )


def ip(kind, **kw):
    return NS(
        kind=kind,
        status=kw.get("status", "valid"),
        core_to_main_product=kw.get("core"),
        used_in_hnte=kw.get("used"),
    )


def test_rd_ratio_over_three_years_and_the_domestic_share() -> None:
    years = [
        fy(y, rd_expense=Decimal(r), sales_revenue=Decimal(s), rd_expense_domestic=Decimal(r))
        for y, r, s in ((2022, 100, 2000), (2023, 200, 3000), (2024, 300, 5000))
    ]
    facts = derive(agg(years, registration_date=date(2015, 1, 1)), ON)
    assert facts["rd_ratio_3y"] == pytest.approx(600 / 10000)
    assert facts["rd_domestic_share_3y"] == 1.0
    assert facts["rd_ratio_last_year"] == pytest.approx(300 / 5000)


def test_one_missing_year_makes_the_three_year_ratio_unknown_not_zero() -> None:
    years = [fy(2023, rd_expense=1, sales_revenue=10), fy(2024, rd_expense=1, sales_revenue=10)]
    facts = derive(agg(years, registration_date=date(2015, 1, 1)), ON)
    assert facts["rd_ratio_3y"] is None
    assert "2022 年研发费用" in collect_items(["rd_ratio_3y"], ON, agg(years))


def test_a_young_enterprise_uses_the_years_it_has_existed() -> None:
    years = [fy(2023, rd_expense=1, sales_revenue=10), fy(2024, rd_expense=3, sales_revenue=10)]
    assert derive(agg(years, registration_date=date(2023, 3, 1)), ON)["rd_ratio_3y"] == pytest.approx(0.2)


def test_growth_follows_the_hnte_formula() -> None:
    years = [fy(2022, sales_revenue=100), fy(2023, sales_revenue=150), fy(2024, sales_revenue=300)]
    assert derive(agg(years), ON)["sales_growth_3y"] == pytest.approx((1.5 + 2.0) / 2 - 1)


def test_ip_counts_by_class_and_core_flag() -> None:
    ips = [
        ip("invention_patent", core=True),
        ip("software_copyright", core=None),
        ip("utility_model", used=True),
        ip("trademark", core=True),
        ip("invention_patent", status="expired", core=True),
    ]
    facts = derive(agg(ips=ips), ON)
    # one item is core, the software copyright is not checked, the utility model was used for HNTE before
    assert (facts["class1_ip_count"], facts["class2_ip_count"], facts["core_ip_count"]) == (
        1,
        2,
        Interval(1, 2),
    )
    assert facts["class2_ip_unused_count"] == 1
    assert derive(agg(ips=[ip("design_patent", core=None)]), ON)["core_ip_count"] == Interval(0, 1)


def test_compliance_events_count_only_inside_their_window() -> None:
    old = NS(kind="safety", severity="major", occurred_on=date(2024, 5, 1))
    recent = NS(kind="environmental", severity="serious", occurred_on=date(2025, 1, 1))
    assert derive(agg(events=[old]), ON)["major_accident_last_year"] is False
    assert derive(agg(events=[old]), ON)["serious_violation_3y"] is True
    assert derive(agg(events=[recent]), ON)["major_accident_last_year"] is True


def test_certificate_validity_defaults_to_three_years_for_hnte() -> None:
    cred = NS(kind="hnte", issued_on=date(2023, 11, 1), expires_on=None, year=None)
    facts = derive(agg(creds=[cred]), ON)
    assert facts["hnte_valid_until"] == date(2026, 10, 31)
    assert facts["holds_hnte"] is True
    assert derive(agg(creds=[cred]), date(2026, 11, 1))["holds_hnte"] is False


def test_unknown_enterprise_fields_stay_unknown_and_overrides_win() -> None:
    facts = derive(agg(), ON, overrides={"major_accident_last_year": None})
    assert facts["years_since_registration"] is None and facts["resident_enterprise"] is None
    assert facts["major_accident_last_year"] is None
    assert set(facts) == set(CATALOGUE)


def test_collect_items_name_the_year_and_the_field() -> None:
    assert collect_items(["rd_expense_last_year", "tech_staff_ratio"], ON) == [
        "2024 年研发费用",
        "2024 年科技人员数",
        "2024 年职工总数",
    ]


def test_a_list_membership_is_asked_once_not_as_the_whole_compliance_record() -> None:
    # "未列入经营异常名录" is asked as the yes/no it is; the compliance-event list that can also settle it is not
    # a second thing to collect (it read as a contradiction beside a met "no major accident" condition).
    assert collect_items(
        ["abnormal_operation_listed", "serious_dishonesty_listed", "key_institution"], ON
    ) == [
        "是否列入经营异常名录",
        "是否列入严重失信名单",
        "是否人才引进重点机构",
    ]
    assert collect_items(["major_accident_last_year"], ON) == ["安全、质量、环境等合规记录"]


def test_a_profile_file_becomes_an_aggregate(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(
        json.dumps(
            {
                "enterprise": {"name": "甲", "registration_date": "2020-01-01"},
                "fiscal_years": [{"year": 2024, "sales_revenue": 1000}],
                "credentials": [{"kind": "hnte", "issued_on": "2024-01-01"}],
            }
        ),
        "utf-8",
    )
    facts = derive(aggregate(load_profile(path)), ON)
    assert facts["sales_revenue_last_year"] == 1000.0 and facts["holds_hnte"] is True


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ({"enterprise": {"name": "甲", "sales": 1}}, "enterprise.sales: 未知的字段"),
        ({"fiscal_years": []}, "enterprise: 缺少必填字段"),
        ({"enterprise": {"name": "甲"}, "ip_assets": [{"kind": "patent"}]}, "ip_assets.0.kind"),
    ],
)
def test_a_bad_profile_is_refused_with_the_field(tmp_path: Path, content, reason) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(content), "utf-8")
    with pytest.raises(ProfileError, match=reason):
        load_profile(path)
