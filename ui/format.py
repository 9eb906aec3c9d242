"""How values look on screen: money in 万元 with two decimals, dates as 2026-03-05, labels for codes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from crm.fields import FieldSpec
from crm.i18n import t

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


def field_label(spec: FieldSpec, lang: str) -> str:
    """The field's label; money fields say that they are in 万元."""
    unit = t("ui.detail.money_unit", lang) if spec.kind == "money" else ""
    return spec.label(lang) + unit
