"""What-if values as officers type them: each fact in its own unit (万元, %, 人, 年, dates, 是/否)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from crm.facts.entry import EntryError, entry_unit, parse_entry


@pytest.mark.parametrize(
    ("fact", "text", "value"),
    [
        # money: 万元 unless the text names its unit
        ("sales_revenue_last_year", "150", 1_500_000.0),
        ("sales_revenue_last_year", "150万", 1_500_000.0),
        ("sales_revenue_last_year", "150万元", 1_500_000.0),
        ("sales_revenue_last_year", "1.5亿", 150_000_000.0),
        ("sales_revenue_last_year", "3000元", 3_000.0),
        ("sales_revenue_last_year", "１５０", 1_500_000.0),  # full-width digits
        # ratios: the box says %
        ("tech_staff_ratio", "12%", 0.12),
        ("tech_staff_ratio", "12", 0.12),
        # people, items, years, dates, yes/no, unknown
        ("staff_total", "12人", 12),
        ("class1_ip_count", "3", 3),
        ("years_since_registration", "3.5", 3.5),
        ("hnte_valid_until", "2027/6/30", date(2027, 6, 30)),
        ("holds_hnte", "是", True),
        ("holds_hnte", "否", False),
        ("sales_revenue_last_year", "", None),
        ("sales_revenue_last_year", "未知", None),
    ],
)
def test_officers_typing_is_read_in_the_facts_unit(fact: str, text: str, value: Any) -> None:
    assert parse_entry(fact, text) == value


@pytest.mark.parametrize(
    ("fact", "text", "message"),
    [
        ("sales_revenue_last_year", "6%", "上年销售收入是金额（单位：万元），不能填百分比：6%"),
        (
            "sales_revenue_last_year",
            "很多",
            "上年销售收入应填金额，单位万元，如 150、150万、1.5亿，无法识别：很多",
        ),
        ("staff_total", "1.5", "上年职工总数应填整数，无法识别：1.5"),
        ("staff_total", "-3", "上年职工总数不能为负数：-3"),
        ("tech_staff_ratio", "abc", "上年科技人员占比应填百分比，如 12 或 12%，无法识别：abc"),
        ("hnte_valid_until", "明年", "高新技术企业证书有效期至应填日期，如 2027-06-30，无法识别：明年"),
        ("sales_revenue_last_year", "1e999999", None),
    ],
)
def test_unreadable_values_are_refused_with_the_fact_and_its_unit(
    fact: str, text: str, message: str | None
) -> None:
    with pytest.raises(EntryError) as refused:
        parse_entry(fact, text)
    if message:
        assert refused.value.message("zh") == message


def test_each_fact_names_the_unit_beside_its_box() -> None:
    assert [entry_unit(f) for f in ("sales_revenue_last_year", "tech_staff_ratio", "staff_total")] == [
        "万元",
        "%",
        "人",
    ]
    assert entry_unit("sales_revenue_last_year", "en") == "10k CNY"
