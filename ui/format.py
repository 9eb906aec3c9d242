"""How values look on screen: money in 万元 with two decimals, dates as 2026-03-05, labels for codes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from crm.domain import OUTCOME_COLOURS, outcome_label
from crm.i18n import t
from crm.records.fields import FieldSpec
from crm.services.deadlines import DaysLeft
from ui.i18n_ui import lang, tr

WAN = Decimal(10_000)


def money_wan(value: Decimal | None) -> str:
    """CNY as 万元 with two decimals and thousands separators ('' when unknown)."""
    if value is None:
        return ""
    return f"{(Decimal(value) / WAN).quantize(Decimal('0.01')):,}"


def money_wan_exact(value: Decimal | None) -> str:
    """CNY as 万元 without rounding, for an edit field (saving it back changes nothing)."""
    if value is None:
        return ""
    text = format((Decimal(value) / WAN).normalize(), "f")
    return text


def show_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def show(spec: FieldSpec, value: Any, lang: str) -> str:
    """A stored value of ``spec``'s field as text for people."""
    if value is None or value == []:
        return ""
    if spec.kind == "money":
        return money_wan(value)
    if spec.kind == "date":
        return show_date(value)
    if spec.kind == "bool":
        return t("common.yes" if value else "common.no", lang)
    if spec.kind == "choice" and spec.choices:
        entry = spec.choices.get(value)
        return (entry[0] if lang == "zh" else entry[1]) if entry else str(value)
    if spec.kind in ("tags", "names"):
        return "、".join(value)
    return str(value)


def days_left(left: DaysLeft | None) -> str:
    """How long until a deadline, in the current language ('' when there is none)."""
    if left is None:
        return ""
    if left.overdue:
        return tr("ui.left.overdue", days=-left.calendar)
    if left.calendar == 0:
        return tr("ui.left.today")
    text = tr("ui.left.days", working=left.working, days=left.calendar)
    return text + (tr("ui.left.estimated") if left.estimated else "")


def outcome(code: str) -> str:
    """A verdict outcome's label in the current language."""
    return outcome_label(code, lang())


def outcome_colour(code: str) -> str:
    """The Quasar colour of a verdict outcome (the same on every screen)."""
    return OUTCOME_COLOURS.get(code, "grey")


def field_label(spec: FieldSpec, lang: str) -> str:
    """The field's label; money fields say that they are in 万元."""
    unit = t("ui.detail.money_unit", lang) if spec.kind == "money" else ""
    return spec.label(lang) + unit


def value_range(low: float | None, high: float | None, per: str = "year") -> str:
    """An estimated benefit in 元 as 万元 for people ('12.00–30.00 万元/年', '最高 300.00 万元（一次性）')."""

    def wan(x: float) -> str:
        return f"{x / 10000:,.2f}"

    unit = tr("ui.value.per_year" if per == "year" else "ui.value.once")
    if high is None:
        return tr("ui.value.at_least", low=wan(low), unit=unit) if low else tr("ui.value.unknown")
    if not low:
        return tr("ui.value.up_to", high=wan(high), unit=unit)
    return f"{wan(low)} {unit}" if low == high else f"{wan(low)}–{wan(high)} {unit}"
