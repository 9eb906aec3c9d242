"""One enterprise (/enterprises/{id}): profile with edit and delete, child-record tabs, history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from nicegui import ui

from crm.records.fields import SPECS
from crm.services.enterprises import (
    ConflictError,
    NotFoundError,
    ValidationFailed,
    delete_record,
    get_enterprise,
    officers,
    restore_record,
    update_enterprise,
)
from ui.components.applications_tab import applications_tab
from ui.components.children import ChildTab
from ui.components.confirm import confirm
from ui.components.history import history_table
from ui.components.match_tab import match_tab
from ui.components.packs_tab import packs_tab
from ui.components.record_form import RecordForm, record_form
from ui.components.requests_tab import requests_tab
from ui.components.verdict_strip import VerdictStrip
from ui.format import field_label, show, show_date
from ui.i18n_ui import lang, tr
from ui.theme import frame

CHILD_TABS = ("fiscalyear", "ipasset", "credential", "complianceevent", "contact", "interaction", "task")
# Tabs of other features: (tab name, function taking the enterprise id)
FEATURE_TABS: tuple[tuple[str, Callable[[int], None]], ...] = (
    ("match", match_tab),
    ("packs", packs_tab),
    ("applications", applications_tab),
    ("requests", requests_tab),
)


def create() -> None:
    @ui.page("/enterprises/{enterprise_id}")
    def enterprise_detail(enterprise_id: int) -> None:
        crumbs = [(tr("nav.enterprises"), "/enterprises")]
        try:
            record = get_enterprise(enterprise_id)
        except NotFoundError:
            with frame(tr("ui.detail.not_found", id=enterprise_id), breadcrumbs=crumbs):
                ui.link(tr("nav.enterprises"), "/enterprises")
            return
        with frame(record.name, breadcrumbs=crumbs):
            EnterpriseDetail(record).build()


@dataclass(eq=False)  # refreshable methods find their targets by ==; identity is what we mean
class EnterpriseDetail:
    """The page's state: the record as last loaded (its version is what an edit is based on)."""

    record: Any
    editing: bool = False
    deleted: bool = False

    @property
    def id(self) -> int:
        return int(self.record.id)

    def build(self) -> None:
        self.body()

    @ui.refreshable_method
    def body(self) -> None:
        if self.deleted:
            self._deleted_banner()
            return
        self._summary()
        strip = VerdictStrip()
        strip.body()
        feature_tabs: dict[str, Callable[[int], None]] = {
            **dict(FEATURE_TABS),
            "match": partial(match_tab, on_report=strip.show),
        }
        with ui.tabs().props("dense align=left no-caps").classes("w-full") as tabs:
            ui.tab("profile", tr("ui.detail.tab.profile")).mark("tab-profile")
            for entity in CHILD_TABS:
                ui.tab(entity, tr(f"ui.detail.tab.{entity}")).mark(f"tab-{entity}")
            ui.tab("history", tr("ui.detail.tab.history")).mark("tab-history")
            for name, _ in FEATURE_TABS:
                ui.tab(name, tr(f"ui.detail.tab.{name}")).mark(f"tab-{name}")
        with ui.tab_panels(tabs, value="profile").classes("w-full"):
            with ui.tab_panel("profile"):
                self.profile()
            for entity in CHILD_TABS:
                with ui.tab_panel(entity):
                    ChildTab(entity, self.id, on_change=self.history.refresh).build()
            with ui.tab_panel("history"):
                self.history()
            for name, tab_content in feature_tabs.items():
                with ui.tab_panel(name):
                    tab_content(self.id)

    @ui.refreshable_method
    def history(self) -> None:
        history_table(self.id)

    def _summary(self) -> None:
        r = self.record
        with ui.row().classes("w-full items-center gap-4 text-grey-8"):
            ui.label(r.uscc or "").mark("summary-uscc")
            ui.label(tr("ui.detail.version", version=r.version, at=show_date(r.updated_at))).classes(
                "text-caption"
            ).mark("summary-version")
            ui.space()
            ui.button(tr("common.delete"), icon="delete", on_click=self.delete).props(
                "flat color=negative"
            ).mark("delete-enterprise")

    @ui.refreshable_method
    def profile(self) -> None:
        if self.editing:
            ProfileEditor(self).build()
            return
        ui.button(tr("common.edit"), icon="edit", on_click=self.start_edit).props("unelevated dense").mark(
            "edit-enterprise"
        )
        with ui.grid(columns="max-content 1fr max-content 1fr").classes("w-full gap-x-6 gap-y-1"):
            names = {o.id: o.display_name for o in officers()}
            for spec in SPECS["enterprise"]:
                value = getattr(self.record, spec.name)
                text = (
                    names.get(value, f"#{value}")
                    if spec.kind == "officer" and value
                    else show(spec, value, lang())
                )
                ui.label(field_label(spec, lang())).classes("text-grey-7")
                ui.label(text or "—").mark(f"value-{spec.name}")

    def start_edit(self) -> None:
        self.editing = True
        self.profile.refresh()

    def saved(self, record: Any) -> None:
        self.record, self.editing = record, False
        ui.notify(tr("common.saved"), type="positive")
        self.body.refresh()

    async def delete(self) -> None:
        if not await confirm(tr("ui.detail.delete_ask", name=self.record.name), ok=tr("common.delete")):
            return
        try:
            delete_record("enterprise", self.id, self.record.version)
        except ConflictError as conflict:
            ui.notify(conflict.message(lang()), type="negative", multi_line=True)
            return
        self.deleted = True
        ui.notify(tr("ui.detail.deleted", name=self.record.name))
        self.body.refresh()

    def undo_delete(self) -> None:
        restore_record("enterprise", self.id)
        self.record, self.deleted = get_enterprise(self.id), False
        ui.notify(tr("common.restored"), type="positive")
        self.body.refresh()

    def _deleted_banner(self) -> None:
        with ui.card().classes("bg-amber-1"), ui.row().classes("items-center gap-4"):
            ui.label(tr("ui.detail.deleted", name=self.record.name)).mark("deleted-banner")
            ui.button(tr("ui.detail.undo"), icon="undo", on_click=self.undo_delete).props("unelevated").mark(
                "undo-delete"
            )
            ui.link(tr("nav.enterprises"), "/enterprises")


@dataclass(eq=False)
class ProfileEditor:
    """The edit form. A stale save shows the conflict and keeps what the officer typed."""

    page: EnterpriseDetail
    form: RecordForm | None = None
    version: int = 0
    conflict: Any = None
    reload_button: Any = None

    def build(self) -> None:
        self.version = self.page.record.version
        self.conflict = ui.label().classes("text-negative bg-red-1 q-pa-sm rounded-borders").mark("conflict")
        self.conflict.visible = False
        self.reload_button = (
            ui.button(tr("ui.detail.reload"), icon="refresh", on_click=self.reload)
            .props("flat dense")
            .mark("reload-latest")
        )
        self.reload_button.visible = False
        self.form = record_form("enterprise", self.page.record)
        with ui.row().classes("gap-2"):
            ui.button(tr("common.save"), icon="save", on_click=self.save).props("unelevated").mark("save")
            ui.button(tr("common.cancel"), on_click=self.cancel).props("flat").mark("cancel")

    def save(self) -> None:
        assert self.form is not None
        try:
            record = update_enterprise(self.page.id, self.version, self.form.data())
        except ValidationFailed as bad:
            self.form.show_errors(bad.by_field(lang()))
            ui.notify(tr("error.validation"), type="warning")
            return
        except ConflictError as conflict:
            self._show_conflict(conflict.message(lang()))
            return
        self.page.saved(record)

    def _show_conflict(self, message: str) -> None:
        self.conflict.text = message
        self.conflict.visible = self.reload_button.visible = True
        ui.notify(message, type="negative", multi_line=True)

    def reload(self) -> None:
        """Take the latest version (the officer's typed values are replaced by what is stored now)."""
        assert self.form is not None
        self.page.record = get_enterprise(self.page.id)
        self.version = self.page.record.version
        self.form.values_of(self.page.record)
        self.form.show_errors({})
        self.conflict.visible = self.reload_button.visible = False

    def cancel(self) -> None:
        self.page.editing = False
        self.page.profile.refresh()
