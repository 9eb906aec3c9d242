"""The audit trail of an enterprise and its records: who changed what, when, old -> new."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from nicegui import ui

from crm.records.fields import SPECS, FieldSpec
from crm.services.enterprises import history
from ui.format import money_wan, show, show_date
from ui.i18n_ui import lang, tr


def history_table(enterprise_id: int) -> None:
    """Newest first; values shown as on the forms (万元, labels of codes)."""
    lang_ = lang()
    columns = [
        {"name": n, "field": n, "label": tr(f"ui.history.{n}"), "align": "left"}
        for n in ("at", "actor", "action", "record", "field", "old", "new")
    ]
    rows = [_row(entry, lang_) for entry in history(enterprise_id)]
    ui.table(columns=columns, rows=rows, row_key="id", pagination=50).props(
        "dense flat bordered wrap-cells"
    ).classes("w-full").mark("history-table")


def _row(entry: Any, lang_: str) -> dict[str, Any]:
    spec = _spec(entry.entity, entry.field)
    return {
        "id": entry.id,
        "at": show_date(entry.at),
        "actor": entry.actor,
        "action": tr(f"ui.history.{entry.action}"),
        "record": f"{tr(f'ui.entity.{entry.entity}')} #{entry.entity_id}",
        "field": spec.label(lang_) if spec else (entry.field or ""),
        "old": _value(spec, entry.old, lang_),
        "new": _value(spec, entry.new, lang_),
    }


def _spec(entity: str, name: str | None) -> FieldSpec | None:
    return next((s for s in SPECS.get(entity, ()) if s.name == name), None)


def _value(spec: FieldSpec | None, text: str | None, lang_: str) -> str:
    """Audit values are stored as text; show money in 万元 and codes as their labels."""
    if text is None or spec is None:
        return text or ""
    if spec.kind == "money":
        try:
            return money_wan(Decimal(text))
        except InvalidOperation:
            return text
    if spec.kind == "choice":
        return show(spec, text, lang_)
    return text
