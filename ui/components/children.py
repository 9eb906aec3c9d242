"""One tab of an enterprise's child records (fiscal years, IP, ...): table, add/edit dialog, delete."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from nicegui import events, ui

from crm.records.fields import SPECS
from crm.services.enterprises import (
    ConflictError,
    ValidationFailed,
    add_child,
    delete_record,
    list_children,
    restore_record,
    update_child,
)
from ui.components.confirm import confirm
from ui.components.record_form import RecordForm, record_form
from ui.format import field_label, show
from ui.i18n_ui import lang, tr

MAX_COLUMNS = 7
# What a new record starts with, so the officer does not have to pick the obvious
DEFAULTS: dict[str, Callable[[], dict[str, Any]]] = {
    "task": lambda: {"status": "open"},
    "interaction": lambda: {"kind": "visit", "occurred_on": date.today()},
    "ipasset": lambda: {"status": "valid"},
    "complianceevent": lambda: {"severity": "minor"},
}


@dataclass(eq=False)  # refreshable methods find their targets by ==; identity is what we mean
class ChildTab:
    """The records of one kind for one enterprise; ``on_change`` runs after every write."""

    entity: str
    enterprise_id: int
    on_change: Callable[[], Any] = lambda: None
    last_deleted: int | None = None
    records: list[Any] = field(default_factory=list)

    def build(self) -> None:
        with ui.row().classes("w-full items-center"):
            ui.button(tr("common.add"), icon="add", on_click=lambda: self.open_dialog(None)).props(
                "unelevated dense"
            ).mark(f"add-{self.entity}")
        self.view()

    @ui.refreshable_method
    def view(self) -> None:
        if self.last_deleted is not None:
            with ui.row().classes("items-center bg-amber-1 q-pa-xs rounded-borders"):
                ui.label(tr("common.deleted"))
                ui.button(tr("ui.detail.undo"), on_click=self.undo).props("flat dense color=primary").mark(
                    f"undo-{self.entity}"
                )
        self.records = list_children(self.entity, self.enterprise_id)
        if not self.records:
            ui.label(tr("ui.detail.empty")).classes("text-grey-7")
            return
        specs = [s for s in SPECS[self.entity] if s.kind != "longtext"][:MAX_COLUMNS]
        columns = [
            {"name": s.name, "field": s.name, "label": field_label(s, lang()), "align": "left"} for s in specs
        ]
        rows = [
            {"id": r.id, **{s.name: show(s, getattr(r, s.name), lang()) for s in specs}} for r in self.records
        ]
        table = (
            ui.table(columns=columns, rows=rows, row_key="id", pagination=0)
            .props("dense flat bordered")
            .classes("w-full cursor-pointer")
            .mark(f"{self.entity}-table")
        )
        table.on("rowClick", self._row_clicked)

    def _row_clicked(self, e: events.GenericEventArguments) -> None:
        record = next((r for r in self.records if r.id == e.args[1]["id"]), None)
        if record is not None:
            self.open_dialog(record)

    def open_dialog(self, record: Any | None) -> None:
        what = tr(f"ui.entity.{self.entity}")
        with ui.dialog() as dialog, ui.card().classes("w-full max-w-3xl"):
            title = "ui.detail.edit_title" if record else "ui.detail.add_title"
            ui.label(tr(title, what=what)).classes("text-h6")
            form = record_form(self.entity, record, columns=2)
            if record is None:
                for name, value in DEFAULTS.get(self.entity, dict)().items():
                    form.inputs[name].value = value.isoformat() if isinstance(value, date) else value
            with ui.row().classes("w-full justify-end"):
                if record is not None:
                    ui.button(
                        tr("common.delete"), icon="delete", on_click=lambda: self.delete(record, dialog)
                    ).props("flat color=negative").mark("child-delete")
                ui.button(tr("common.cancel"), on_click=dialog.close).props("flat").mark("child-cancel")
                ui.button(tr("common.save"), on_click=lambda: self.save(form, record, dialog)).props(
                    "unelevated"
                ).mark("child-save")
        dialog.on("hide", dialog.delete)
        dialog.open()

    def save(self, form: RecordForm, record: Any | None, dialog: ui.dialog) -> None:
        try:
            if record is None:
                add_child(self.entity, self.enterprise_id, form.data())
            else:
                update_child(self.entity, record.id, record.version, form.data())
        except ValidationFailed as bad:
            form.show_errors(bad.by_field(lang()))
            return
        except ConflictError as conflict:
            ui.notify(conflict.message(lang()), type="negative", multi_line=True)
            return
        dialog.close()
        ui.notify(tr("common.saved"), type="positive")
        self._changed()

    async def delete(self, record: Any, dialog: ui.dialog) -> None:
        if not await confirm(
            tr("ui.detail.delete_ask", name=tr(f"ui.entity.{self.entity}")), ok=tr("common.delete")
        ):
            return
        try:
            delete_record(self.entity, record.id, record.version)
        except ConflictError as conflict:
            ui.notify(conflict.message(lang()), type="negative", multi_line=True)
            return
        dialog.close()
        self.last_deleted = record.id
        ui.notify(tr("common.deleted"))
        self._changed()

    def undo(self) -> None:
        if self.last_deleted is not None:
            restore_record(self.entity, self.last_deleted)
            self.last_deleted = None
            ui.notify(tr("common.restored"), type="positive")
            self._changed()

    def _changed(self) -> None:
        self.view.refresh()
        self.on_change()
