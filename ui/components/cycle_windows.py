"""This cycle's announced windows: an officer enters or corrects a policy's actual dates (several batches a
year allowed); they override the rule file's recurring pattern in the calendar, the radar and new applications."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from nicegui import ui

from crm.i18n import register
from crm.records.fields import spec
from crm.services import deadlines
from crm.services.enterprises import ConflictError, ValidationFailed
from ui.components.record_form import RecordForm, record_form
from ui.format import show_date
from ui.i18n_ui import lang, tr

register(
    {
        "ui.windows.title": ("本批次申报窗口（以当年通知为准）", "This cycle's windows (as announced)"),
        "ui.windows.year": ("年度", "Year"),
        "ui.windows.none": (
            "{year} 年还没有录入实际窗口，日历按政策文件的常规窗口显示",
            "No announced windows for {year}; the calendar uses the rule files' usual windows",
        ),
        "ui.windows.row": (
            "{policy} {batch}：{opens} 至 {closes}（材料提前 {lead} 个工作日）",
            "{policy} {batch}: {opens} to {closes} (materials {lead} working days ahead)",
        ),
        "ui.windows.edit": ("修改", "Edit"),
        "ui.windows.new": ("新录入", "New"),
        "ui.windows.save": ("保存窗口", "Save window"),
        "ui.windows.editing": ("正在修改 #{id}", "Editing #{id}"),
        "ui.windows.saved": ("已保存申报窗口", "Window saved"),
    }
)

FORM_FIELDS = ("year", "batch", "opens", "closes", "lead_days", "note")


@dataclass(eq=False)  # refreshable methods find their targets by ==; identity is what we mean
class CycleWindows:
    """The list of a year's announced windows and the form that adds or corrects one."""

    on_change: Callable[[], Any] = lambda: None
    year: int = field(default_factory=lambda: date.today().year)
    editing: Any = None  # the CycleWindow being corrected (its version is what the save is based on)
    form: RecordForm | None = None
    year_input: Any = None

    def build(self) -> None:
        with (
            ui.expansion(tr("ui.windows.title"), icon="edit_calendar").classes("w-full").mark("cycle-windows")
        ):
            self.year_input = (
                ui.number(
                    tr("ui.windows.year"),
                    value=self.year,
                    precision=0,
                    step=1,
                    on_change=lambda e: self._set_year(e.value),
                )
                .props("dense")
                .classes("w-32")
                .mark("window-year")
            )
            self.listing()
            self.editor()

    def _set_year(self, value: float | None) -> None:
        if value:
            self.year = int(value)
            self.listing.refresh()

    @ui.refreshable_method
    def listing(self) -> None:
        titles = deadlines.policy_titles()
        found = deadlines.list_cycle_windows(self.year)
        if not found:
            ui.label(tr("ui.windows.none", year=self.year)).classes("text-grey-7").mark("window-none")
        with ui.list().props("dense separator").classes("w-full").mark("window-list"):
            for w in found:
                with ui.item().mark(f"window-row-{w.id}"), ui.row().classes("items-center gap-2"):
                    ui.label(
                        tr(
                            "ui.windows.row",
                            policy=titles.get(w.policy_id, w.policy_id),
                            batch=w.batch,
                            opens=show_date(w.opens),
                            closes=show_date(w.closes),
                            lead=w.lead_days,
                        )
                    )
                    ui.button(tr("ui.windows.edit"), icon="edit", on_click=lambda _, w=w: self.edit(w)).props(
                        "flat dense no-caps size=sm"
                    ).mark(f"window-edit-{w.id}")

    @ui.refreshable_method
    def editor(self) -> None:
        titles = deadlines.policy_titles()
        if self.editing is not None and self.editing.policy_id not in titles:
            titles[self.editing.policy_id] = self.editing.policy_id  # a policy no longer in the rule set
        if self.editing is not None:
            ui.label(tr("ui.windows.editing", id=self.editing.id)).classes("text-caption").mark(
                "window-editing"
            )
        policy = (
            ui.select(titles, label=self._label("policy_id"), with_input=True)
            .props("dense outlined")
            .classes("w-96")
            .mark("field-policy_id")
        )
        self.form = record_form("cyclewindow", None, only=FORM_FIELDS)
        self.form.inputs = {"policy_id": policy, **self.form.inputs}
        if self.editing is not None:
            self.form.values_of(self.editing)
        else:
            self.form.inputs["year"].value = str(self.year)
        with ui.row().classes("gap-2"):
            ui.button(tr("ui.windows.save"), icon="save", on_click=self.save).props("unelevated").mark(
                "window-save"
            )
            ui.button(tr("ui.windows.new"), on_click=lambda: self.edit(None)).props("flat").mark("window-new")

    def _label(self, name: str) -> str:
        return spec("cyclewindow", name).label(lang()) + " *"

    def edit(self, window: Any) -> None:
        self.editing = window
        self.editor.refresh()

    def save(self) -> None:
        assert self.form is not None
        data = self.form.data()
        try:
            if self.editing is None:
                saved = deadlines.set_cycle_window(data)
            else:
                saved = deadlines.update_cycle_window(self.editing.id, self.editing.version, data)
        except ValidationFailed as bad:
            self.form.show_errors(bad.by_field(lang()))
            ui.notify(tr("error.validation"), type="warning")
            return
        except ConflictError as conflict:
            ui.notify(conflict.message(lang()), type="negative", multi_line=True)
            return
        ui.notify(tr("ui.windows.saved"), type="positive")
        self.editing = None
        self.year_input.value = saved.year  # shows the year just saved (refreshes the listing)
        self.listing.refresh()
        self.editor.refresh()
        self.on_change()
