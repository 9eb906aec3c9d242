"""The audit trail of an enterprise and its records for people: one row per save, who and when, and each
changed field by its label with its values as the forms show them (万元, dates, labels, names)."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from crm.services.history_view import Change, Save, enterprise_history
from ui.format import show_date
from ui.i18n_ui import lang, tr


def history_table(enterprise_id: int) -> None:
    """Newest first, paged; each save lists its changes one per line ("字段：旧 → 新")."""
    columns = [
        {"name": n, "field": n, "label": tr(f"ui.history.{n}"), "align": "left"}
        for n in ("at", "actor", "action", "record")
    ]
    columns.append(
        {
            "name": "changes",
            "field": "changes",
            "label": tr("ui.history.changes"),
            "align": "left",
            "style": "white-space: pre-line",
        }
    )
    rows = [_row(i, save) for i, save in enumerate(enterprise_history(enterprise_id, lang=lang()))]
    ui.table(columns=columns, rows=rows, row_key="id", pagination=20).props(
        "dense flat bordered wrap-cells"
    ).classes("w-full").mark("history-table")


def _row(i: int, save: Save) -> dict[str, Any]:
    return {
        "id": i,
        "at": show_date(save.at),
        "actor": save.actor,
        "action": save.action,
        "record": save.record,
        "changes": "\n".join(_line(c, save.kind == "create") for c in save.changes),
    }


def _line(change: Change, created: bool) -> str:
    if created or not change.old:
        return f"{change.label}：{change.new or '—'}"
    return f"{change.label}：{change.old} → {change.new or '—'}"
