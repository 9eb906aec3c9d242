"""Every value format officers write, read through the import (file cell -> stored value)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from crm import parsing
from crm.intake.importer import _in_unit
from crm.intake.mapping import Target


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # ISO and slashes, with and without leading zeros
        ("2019-03-05", date(2019, 3, 5)),
        ("2019/3/5", date(2019, 3, 5)),
        ("2019.3.5", date(2019, 3, 5)),
        # Chinese
        ("2019年3月5日", date(2019, 3, 5)),
        ("２０１９年３月５日", date(2019, 3, 5)),
        # Excel serial, as a number and as text
        (43529, date(2019, 3, 5)),
        ("43529", date(2019, 3, 5)),
        # a date cell, and text exported with a midnight time
        (datetime(2019, 3, 5, 0, 0), date(2019, 3, 5)),
        ("2019-03-05 00:00:00", date(2019, 3, 5)),
        ("2019/3/5 0:00", date(2019, 3, 5)),
        ("20190305", date(2019, 3, 5)),
        ("", None),
    ],
)
def test_dates(raw: object, expected: date | None) -> None:
    assert parsing.parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["2019-13-05", "三月五日", "2019/3"])
def test_bad_dates_are_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        parsing.parse_date(raw)


@pytest.mark.parametrize(
    ("raw", "unit", "expected"),
    [
        # plain yuan, separators, currency marks
        ("1,234,567.8", None, "1234567.80"),
        ("￥1,234", None, "1234.00"),
        ("人民币120万元", None, "1200000.00"),
        # units written in the cell
        ("120万元", None, "1200000.00"),
        ("120万", None, "1200000.00"),
        ("1.2亿元", None, "120000000.00"),
        ("3,500元", None, "3500.00"),
        # full-width digits
        ("１２０万元", None, "1200000.00"),
        # unit from the column header (注册资本(万元)): a bare number is in 万元, an explicit unit wins
        (500, "万元", "5000000.00"),
        ("1,280.5", "万元", "12805000.00"),
        ("3000元", "万元", "3000.00"),
        (1.5, "亿元", "150000000.00"),
    ],
)
def test_money(raw: object, unit: str | None, expected: str) -> None:
    value = _in_unit(raw, Target("enterprise", "registered_capital", unit=unit))
    assert parsing.parse_money(value) == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("no", False),
        ("√", True),
        ("×", False),
        ("", None),
    ],
)
def test_yes_no(raw: str, expected: bool | None) -> None:
    assert parsing.parse_bool(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("上海甲体育有限公司，上海乙健身有限公司", ["上海甲体育有限公司", "上海乙健身有限公司"]),
        ("甲、乙；甲", ["甲", "乙"]),
        ("（上海）甲公司", ["(上海)甲公司"]),
    ],
)
def test_lists_and_full_width_brackets(raw: str, expected: list[str]) -> None:
    assert parsing.parse_list(raw) == expected
