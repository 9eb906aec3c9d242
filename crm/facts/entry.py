"""A fact's value as an officer types it in a what-if: each fact type has one unit shown beside the input.

Money is in 万元 unless the text names its unit ("150" and "150万" are 150 万元, "1.5亿" is 15 000 万元,
"3000元" is 0.30 万元); a percentage is refused for money. Ratios are in % ("12" and "12%" are 0.12; a
fraction such as "0.12" is read as 0.12 %, because the unit beside the box is %). Counts are whole
numbers ("12人"), years may be fractional ("3.5年"), dates are read like the importer's, yes/no facts are
是/否. Blank or 未知 means unknown (None). A value that cannot be read raises ``EntryError``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from crm.errors import HuiqiError
from crm.facts.catalogue import CATALOGUE
from crm.i18n import register
from crm.parsing import is_blank, normalize_text, parse_bool, parse_date, parse_int, parse_money

# fact type (or measure) -> (zh, en) unit shown beside the input
ENTRY_UNITS: dict[str, tuple[str, str]] = {
    "money": ("万元", "10k CNY"),
    "ratio": ("%", "%"),
    "people": ("人", "people"),
    "count": ("项", "items"),
    "years": ("年", "years"),
    "number": ("", ""),
    "date": ("", ""),
    "bool": ("", ""),
}
# what an officer may type, per fact type (the input's hint)
ENTRY_HINTS: dict[str, tuple[str, str]] = {
    "money": ("如 150、150万、1.5亿", "e.g. 150, 150万, 1.5亿 (in 10k CNY)"),
    "ratio": ("如 12 或 12%", "e.g. 12 or 12%"),
    "count": ("整数", "a whole number"),
    "years": ("如 3 或 3.5", "e.g. 3 or 3.5"),
    "number": ("数字", "a number"),
    "date": ("如 2027-06-30", "e.g. 2027-06-30"),
    "bool": ("是 / 否", "yes / no"),
}


register(
    {
        "error.entry.percent_money": (
            "{zh}是金额（单位：万元），不能填百分比：{raw}",
            "{en} is an amount (in 10k CNY), not a percentage: {raw}",
        ),
        "error.entry.negative": ("{zh}不能为负数：{raw}", "{en} cannot be negative: {raw}"),
        "error.entry.bad": (
            "{zh}应填{expected_zh}，无法识别：{raw}",
            "{en} takes {expected_en}; cannot read: {raw}",
        ),
    }
)
_EXPECTED: dict[str, tuple[str, str]] = {
    "money": ("金额，单位万元，如 150、150万、1.5亿", "an amount in 10k CNY, e.g. 150, 150万, 1.5亿"),
    "ratio": ("百分比，如 12 或 12%", "a percentage, e.g. 12 or 12%"),
    "count": ("整数", "a whole number"),
    "years": ("年数，如 3 或 3.5", "a number of years, e.g. 3 or 3.5"),
    "number": ("数字", "a number"),
    "date": ("日期，如 2027-06-30", "a date, e.g. 2027-06-30"),
    "bool": ("是或否", "yes or no"),
}


class EntryError(HuiqiError):
    """A what-if value that cannot be read for its fact (the message names the fact and what it takes)."""

    key = "error.entry.bad"

    def __init__(self, name: str, raw: str) -> None:
        fact = CATALOGUE[name]
        expected = _EXPECTED.get(fact.type, ("可识别的值", "a readable value"))
        super().__init__(zh=fact.zh, en=fact.en, raw=raw, expected_zh=expected[0], expected_en=expected[1])


class PercentForMoney(EntryError):
    key = "error.entry.percent_money"


class NegativeEntry(EntryError):
    key = "error.entry.negative"


def entry_unit(name: str, lang: str = "zh") -> str:
    """The unit shown beside the input of fact ``name`` ('万元', '%', '人', ...; '' when none)."""
    fact = CATALOGUE[name]
    zh, en = ENTRY_UNITS.get(fact.measure or fact.type, ("", ""))
    return zh if lang == "zh" else en


def entry_hint(name: str, lang: str = "zh") -> str:
    """What may be typed for fact ``name``."""
    zh, en = ENTRY_HINTS.get(CATALOGUE[name].type, ("", ""))
    return zh if lang == "zh" else en


def parse_entry(name: str, text: Any) -> Any:
    """The typed value of fact ``name`` from what an officer typed (money in 元, ratios as fractions)."""
    fact = CATALOGUE[name]
    if is_blank(text) or normalize_text(text) == "未知":
        return None
    raw = normalize_text(text)
    if fact.type == "money" and "%" in raw:
        raise PercentForMoney(name, raw)
    try:
        value: Any = _PARSERS[fact.type](raw)
    except (ValueError, InvalidOperation, KeyError) as exc:
        raise EntryError(name, raw) from exc
    if fact.type in ("money", "count", "years", "ratio") and value < 0:
        raise NegativeEntry(name, raw)
    return value


def _money(raw: str) -> float:
    amount = parse_money(raw, default_unit="万元")
    assert amount is not None
    return float(amount)


def _ratio(raw: str) -> float:
    number = Decimal(raw.removesuffix("%").strip())
    if not number.is_finite() or abs(number) > 100_000:
        raise ValueError(raw)
    return float(number) / 100


def _count(raw: str) -> int:
    value = parse_int(raw)
    assert value is not None
    return value


def _years(raw: str) -> float:
    number = Decimal(raw.removesuffix("年").strip())
    if not number.is_finite() or abs(number) > 1000:
        raise ValueError(raw)
    return float(number)


def _number(raw: str) -> float:
    number = Decimal(raw)
    if not number.is_finite():
        raise ValueError(raw)
    return float(number)


def _date(raw: str) -> date:
    value = parse_date(raw)
    assert value is not None
    return value


def _bool(raw: str) -> bool:
    value = parse_bool(raw)
    assert value is not None
    return value


_PARSERS: dict[str, Callable[[str], Any]] = {
    "money": _money,
    "ratio": _ratio,
    "count": _count,
    "years": _years,
    "number": _number,
    "date": _date,
    "bool": _bool,
}
