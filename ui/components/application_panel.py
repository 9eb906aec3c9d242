"""One application in a side panel: amounts applied, approved and paid (万元), dates, files' names, result
and notes; the stages it may move to next; and an undo bar that puts a move back within a minute."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nicegui import ui

from crm.errors import HuiqiError
from crm.i18n import register
from crm.services import application_panel as service
from crm.services import pipeline
from ui.components.record_form import RecordForm, record_form
from ui.format import show_date
from ui.i18n_ui import lang, tr

register(
    {
        "ui.app.stage": ("当前阶段：{stage}（{day} 起）", "Stage: {stage} (since {day})"),
        "ui.app.move_to": ("移到", "Move to"),
        "ui.app.no_moves": ("该阶段没有可移到的阶段", "No stage to move to from here"),
        "ui.app.moved": ("已移到“{stage}”", "Moved to '{stage}'"),
        "ui.app.undo": ("撤销", "Undo"),
        "ui.app.undone": ("已撤销这次移动", "The move was undone"),
        "ui.app.saved": ("申报已保存", "Application saved"),
        "ui.app.close": ("关闭", "Close"),
    }
)


@dataclass(eq=False)  # refreshable methods find their targets by ==; identity is what we mean
class UndoBar:
    """'Moved to X — undo' for a minute after a move; ``on_change`` refreshes whatever shows the stage."""

    on_change: Callable[[], None]
    token: service.Undo | None = None

    def show(self, token: service.Undo) -> None:
        self.token = token
        self.body.refresh()
        ui.timer(service.UNDO_SECONDS, self._expire, once=True)

    def _expire(self) -> None:
        if self.token is not None and not self.token.live():
            self.token = None
            self.body.refresh()

    @ui.refreshable_method
    def body(self) -> None:
        if self.token is None:
            return
        label = next((s.label for s in pipeline.stages() if s.code == self.token.stage), "")
        with ui.row().classes("items-center gap-2 bg-blue-1 q-px-sm rounded-borders").mark("undo-bar"):
            ui.label(tr("ui.app.moved", stage=label)).classes("text-body2")
            ui.button(tr("ui.app.undo"), icon="undo", on_click=self.undo).props("flat dense no-caps").mark(
                "undo-move"
            )

    def undo(self) -> None:
        token, self.token = self.token, None
        self.body.refresh()
        if token is None:
            return
        try:
            service.undo(token)
        except HuiqiError as refused:
            ui.notify(refused.message(lang()), type="warning", multi_line=True)
        else:
            ui.notify(tr("ui.app.undone"), type="positive")
        self.on_change()


def move(application_id: int, version: int, stage: str, undo_bar: UndoBar) -> bool:
    """Move an application (refused with the allowed stages when its stage does not allow it)."""
    try:
        token = service.move(application_id, version, stage)
    except HuiqiError as refused:
        ui.notify(refused.message(lang()), type="warning", multi_line=True)
        return False
    undo_bar.show(token)
    return True


@dataclass(eq=False)
class ApplicationPanel:
    """The side panel; ``open(id)`` shows one application. Moves and saves call ``on_change``."""

    undo_bar: UndoBar
    on_change: Callable[[], None]
    application_id: int | None = None
    dialog: Any = None
    form: RecordForm | None = None

    def build(self) -> None:
        self.dialog = ui.dialog().props("position=right full-height")
        with (
            self.dialog,
            ui.card().classes("h-full q-pa-md").style("width: min(40rem, 96vw)").mark("app-panel"),
        ):
            self.content()

    def open(self, application_id: int) -> None:
        self.application_id = application_id
        self.content.refresh()
        self.dialog.open()

    @ui.refreshable_method
    def content(self) -> None:
        if self.application_id is None:
            return
        card = pipeline.get(self.application_id)
        record = service.record(self.application_id)
        labels = {s.code: s.label if lang() == "zh" else s.label_en for s in pipeline.stages()}
        with ui.row().classes("w-full items-center no-wrap"):
            with ui.column().classes("gap-0 col"):
                ui.link(card.enterprise, f"/enterprises/{card.enterprise_id}").classes("text-h6")
                ui.label(f"{card.policy} · {card.cycle}").classes("text-body2 text-grey-8")
            ui.button(icon="close", on_click=self.dialog.close).props("flat round dense").mark(
                "app-panel-close"
            )
        ui.label(
            tr("ui.app.stage", stage=labels.get(card.stage, card.stage), day=show_date(card.stage_since))
        ).classes("text-subtitle2").mark("app-panel-stage")
        self.moves(card)
        self.undo_bar.body()
        self.form = record_form("application", record, columns=2)
        with ui.row().classes("gap-2"):
            ui.button(tr("common.save"), icon="save", on_click=lambda: self.save(record.version)).props(
                "unelevated"
            ).mark("app-save")
            ui.button(tr("ui.app.close"), on_click=self.dialog.close).props("flat")

    def moves(self, card: pipeline.Card) -> None:
        allowed = service.next_stages(card.stage)
        with ui.row().classes("items-center gap-1"):
            ui.label(tr("ui.app.move_to")).classes("text-caption text-grey-7")
            if not allowed:
                ui.label(tr("ui.app.no_moves")).classes("text-caption")
            for stage in allowed:
                ui.button(
                    stage.label if lang() == "zh" else stage.label_en,
                    on_click=lambda _, s=stage.code: self.move(card, s),
                ).props("outline dense no-caps size=sm").mark(f"app-move-{stage.code}")

    def move(self, card: pipeline.Card, stage: str) -> None:
        if move(card.id, card.version, stage, self.undo_bar):
            self.on_change()

    def save(self, version: int) -> None:
        assert self.form is not None and self.application_id is not None
        try:
            pipeline.update(self.application_id, version, self.form.data())
        except pipeline.ValidationFailed as bad:
            self.form.show_errors(bad.by_field(lang()))
            ui.notify(tr("error.validation"), type="warning")
            return
        except HuiqiError as refused:
            ui.notify(refused.message(lang()), type="negative", multi_line=True)
            return
        ui.notify(tr("ui.app.saved"), type="positive")
        self.on_change()
