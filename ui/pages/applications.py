"""申报 (/applications): a kanban board (drag a card to another stage) and a list, filtered by officer,
policy and street."""

from __future__ import annotations

from dataclasses import dataclass, field

from nicegui import ui

from crm.domain import STREETS
from crm.i18n import register
from crm.services import pipeline
from crm.services.deadlines import policy_titles
from crm.services.enterprises import officers
from ui.format import money_wan, show_date
from ui.i18n_ui import lang, tr
from ui.theme import frame

register(
    {
        "ui.apps.title": ("申报", "Applications"),
        "ui.apps.board": ("看板", "Board"),
        "ui.apps.list": ("列表", "List"),
        "ui.apps.officer": ("负责专员", "Officer"),
        "ui.apps.policy": ("政策", "Policy"),
        "ui.apps.street": ("街道", "Street"),
        "ui.apps.all": ("全部", "All"),
        "ui.apps.move_to": ("移到…", "Move to…"),
        "ui.apps.moved": ("已移到“{stage}”", "Moved to '{stage}'"),
        "ui.apps.more": ("另有 {n} 件未显示，请用筛选缩小范围", "{n} more not shown; narrow the filters"),
        "ui.apps.since": ("{day} 起", "since {day}"),
        "ui.apps.total": ("共 {n} 件", "{n} in total"),
        "ui.apps.col.enterprise": ("企业", "Enterprise"),
        "ui.apps.col.cycle": ("批次", "Cycle"),
        "ui.apps.col.stage": ("阶段", "Stage"),
        "ui.apps.col.amount": ("获批金额（万元）", "Amount (10k CNY)"),
    }
)


def create() -> None:
    @ui.page("/applications")
    def applications_page() -> None:
        with frame(tr("ui.apps.title")):
            Board(BoardState()).build()


@dataclass
class BoardState:
    """Filters and the card being dragged; the page's behaviour lives in ``Board``."""

    officer_id: int | None = None
    policy_id: str | None = None
    street: str | None = None
    view: str = "board"
    dragging: pipeline.Card | None = field(default=None, repr=False)

    def filters(self) -> pipeline.PipelineFilter:
        return pipeline.PipelineFilter(
            officer_id=self.officer_id, policy_id=self.policy_id, street=self.street
        )


class Board:
    def __init__(self, state: BoardState) -> None:
        self.state = state
        self.stages = pipeline.stages()

    def build(self) -> None:
        self.filters()
        self.body()

    def filters(self) -> None:
        every = {None: tr("ui.apps.all")}
        with ui.row().classes("items-center gap-4"):
            ui.select(
                {**every, **{o.id: o.display_name for o in officers()}},
                label=tr("ui.apps.officer"),
                on_change=lambda e: self._set("officer_id", e.value),
            ).classes("w-40").mark("filter-officer")
            ui.select(
                {**every, **policy_titles()},
                label=tr("ui.apps.policy"),
                on_change=lambda e: self._set("policy_id", e.value),
            ).classes("w-64").mark("filter-policy")
            ui.select(
                {**every, **{s: s for s in STREETS}},
                label=tr("ui.apps.street"),
                on_change=lambda e: self._set("street", e.value),
            ).classes("w-40").mark("filter-street")
            ui.toggle(
                {"board": tr("ui.apps.board"), "list": tr("ui.apps.list")},
                value="board",
                on_change=lambda e: self._set("view", e.value),
            ).mark("view-toggle")

    def _set(self, name: str, value: object) -> None:
        setattr(self.state, name, value)
        self.body.refresh()

    @ui.refreshable_method
    def body(self) -> None:
        if self.state.view == "list":
            self.table()
        else:
            self.kanban()

    def kanban(self) -> None:
        with ui.row().classes("w-full no-wrap gap-2 overflow-auto items-start"):
            for column in pipeline.board(self.state.filters()):
                self.column(column)

    def column(self, column: pipeline.Column) -> None:
        label = column.stage.label if lang() == "zh" else column.stage.label_en
        with ui.card().classes("w-60 bg-grey-2 q-pa-sm").mark(f"stage-{column.stage.code}") as box:
            box.on("dragover.prevent", lambda: None)
            box.on("drop", lambda code=column.stage.code: self.drop(code))
            ui.label(f"{label} · {column.total}").classes("text-subtitle2")
            for card in column.cards:
                self.card(card)
            if column.total > len(column.cards):
                ui.label(tr("ui.apps.more", n=column.total - len(column.cards))).classes("text-caption")

    def card(self, card: pipeline.Card) -> None:
        with (
            ui.card()
            .classes("w-full q-pa-xs cursor-grab")
            .props("draggable flat bordered")
            .mark(f"card-{card.id}") as box
        ):
            box.on("dragstart", lambda c=card: setattr(self.state, "dragging", c))
            ui.link(card.enterprise, f"/enterprises/{card.enterprise_id}").classes("text-body2")
            ui.label(f"{card.policy} · {card.cycle}").classes("text-caption")
            with ui.row().classes("items-center justify-between w-full"):
                ui.label(
                    f"{card.owner or ''} {tr('ui.apps.since', day=show_date(card.stage_since))}"
                ).classes("text-caption text-grey-7")
                with (
                    ui.button(icon="more_horiz").props("flat dense size=sm").mark(f"move-{card.id}"),
                    ui.menu(),
                ):
                    for stage in self.stages:
                        if stage.code != card.stage:
                            ui.menu_item(stage.label, lambda s=stage.code, c=card: self.move(c, s)).mark(
                                f"move-{card.id}-{stage.code}"
                            )

    def drop(self, stage: str) -> None:
        card, self.state.dragging = self.state.dragging, None
        if card is not None and card.stage != stage:
            self.move(card, stage)

    def move(self, card: pipeline.Card, stage: str) -> None:
        try:
            pipeline.move(card.id, card.version, stage)
            name = next((s.label for s in self.stages if s.code == stage), stage)
            ui.notify(tr("ui.apps.moved", stage=name), type="positive")
        finally:
            self.body.refresh()

    def table(self) -> None:
        rows, total = pipeline.list_applications(self.state.filters(), page_size=200)
        labels = {s.code: s.label for s in self.stages}
        columns = [
            {
                "name": k,
                "label": tr(f"ui.apps.col.{k}") if k != "policy" else tr("ui.apps.policy"),
                "field": k,
                "align": "left",
                "sortable": True,
            }
            for k in ("enterprise", "policy", "cycle", "stage", "amount")
        ]
        columns.insert(
            4, {"name": "owner", "label": tr("ui.apps.officer"), "field": "owner", "align": "left"}
        )
        data = [
            {
                "id": c.id,
                "enterprise": c.enterprise,
                "policy": c.policy,
                "cycle": c.cycle,
                "stage": labels.get(c.stage, c.stage),
                "owner": c.owner or "",
                "amount": money_wan(c.amount),
            }
            for c in rows
        ]
        ui.label(tr("ui.apps.total", n=total)).classes("text-caption")
        ui.table(columns=columns, rows=data, row_key="id").props("dense flat").classes("w-full").mark(
            "application-table"
        )
