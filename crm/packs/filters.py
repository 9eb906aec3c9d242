"""Jinja2 filters for packs: money in 万元, dates, percentages, values by unit (registered once)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

UNKNOWN = "待补充"
_TWO = Decimal("0.01")


def register(env: Environment) -> None:
    """Add the pack filters to ``env``."""
    env.filters.update(wan=wan, ymd=ymd, pct=pct, qty=qty, nobr=nobr, unit_label=unit_label)


def _num(text: str) -> Markup:
    """A figure with its unit: joined by a no-break space, never split across lines. Not a span: every
    inline box costs WeasyPrint layout time, and digits, commas and the no-break space do not break."""
    return Markup.escape(text)


def wan(value: Any) -> Markup:
    """CNY yuan -> '1,234.56 万元' (unknown -> 待补充)."""
    if value is None or value == "":
        return Markup(UNKNOWN)
    amount = (Decimal(str(value)) / 10000).quantize(_TWO, rounding=ROUND_HALF_UP)
    return _num(f"{amount:,.2f}\u00a0万元")


def ymd(value: Any) -> str:
    """A date as 2026-03-05 (unknown -> 待补充)."""
    if value is None or value == "":
        return UNKNOWN
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def pct(value: Any, digits: int = 1) -> Markup:
    """A ratio 0.0512 -> '5.1%' (unknown -> 待补充)."""
    if value is None or value == "":
        return Markup(UNKNOWN)
    scaled = (Decimal(str(value)) * 100).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return _num(f"{scaled}%")


_UNITS = {"count": "项", "people": "人", "years": "年", "months": "个月", "days": "天", "points": "分"}


def qty(value: Any, unit: str | None = None) -> Markup:
    """A value in its rule unit: CNY -> 万元, ratio -> %, count -> 项, years -> 年, bool -> 是/否."""
    if value is None or value == "":
        return Markup(UNKNOWN)
    if isinstance(value, bool):
        return Markup("是" if value else "否")
    if isinstance(value, str):  # already in words ("未列入经营异常名录", "12.00 万元以上")
        return Markup("{}").format(value)
    if unit == "CNY":
        return wan(value)
    if unit == "ratio":
        return pct(value)
    if isinstance(value, (date, datetime)):
        return Markup(ymd(value))
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value))
        text = f"{number.quantize(_TWO).normalize():f}"
        return _num(f"{text}\u00a0{_UNITS.get(unit or '', unit or '')}".rstrip("\u00a0"))
    return Markup("{}").format(value)


def nobr(value: Any) -> Markup:
    """Keep ``value`` on one line (codes, phone numbers, document numbers)."""
    return _num(str(value))


_UNIT_LABELS = {"CNY": "万元", "ratio": "%", "bool": "是/否", "list": "清单", "date": "日期"}


def unit_label(unit: str | None) -> str:
    """The unit an officer or enterprise writes a value in: 万元, 人, 项, 年, % ('—' when none)."""
    if not unit:
        return "—"
    return _UNIT_LABELS.get(unit) or _UNITS.get(unit) or unit
