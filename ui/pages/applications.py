"""申报 (/applications): a kanban board (drag a card to another stage) and a list, filtered by officer,
policy and street."""

from __future__ import annotations

from dataclasses import dataclass, field

from nicegui import ui

from crm.domain import STREETS
from crm.i18n import register
from crm.services import application_panel, pipeline
from crm.services.deadlines import policy_titles
from crm.services.enterprises import officers
from ui.components.application_panel import ApplicationPanel, UndoBar, move
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
        "ui.apps.open": ("打开", "Open"),
    }
)


PAGE_SIZE = 50


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
        self.undo_bar = UndoBar(on_change=self.changed)
        self.panel = ApplicationPanel(self.undo_bar, on_change=self.changed)
        self.page = 1

    def build(self) -> None:
        self.panel.build()
        self.filters()
        self.undo_bar.body()
        self.body()

    def changed(self) -> None:
        """After a move, an undo or a save: the board and the open panel show the new state."""
        self.body.refresh()
        self.panel.content.refresh()

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
        self.page = 1
        self.body.refresh()

    @ui.refreshable_method
    def body(self) -> None:
        self._next: dict[str, list[pipeline.Stage]] = {}
        if self.state.view == "list":
            self.table()
        else:
            self.kanban()

    def kanban(self) -> None:
        with ui.row().classes("w-full no-wrap gap-3 overflow-auto items-start q-pb-sm"):
            for column in pipeline.board(self.state.filters()):
                self.column(column)

    def column(self, column: pipeline.Column) -> None:
        label = column.stage.label if lang() == "zh" else column.stage.label_en
        with (
            ui.card()
            .classes("bg-grey-2 q-pa-sm shrink-0")
            .style("width: 18rem")
            .mark(f"stage-{column.stage.code}") as box
        ):
            box.on("dragover.prevent", lambda: None)
            box.on("drop", lambda code=column.stage.code: self.drop(code))
            ui.label(f"{label} · {column.total}").classes("text-subtitle2")
            # a long column scrolls inside itself; the board stays one screen tall
            with (
                ui.column()
                .classes("w-full gap-1 no-wrap items-stretch")
                .style("max-height: 70vh; overflow-y: auto")
            ):
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
            ui.label(card.enterprise).classes("text-body2 text-primary cursor-pointer").on(
                "click", lambda c=card: self.panel.open(c.id)
            ).mark(f"open-{card.id}")
            ui.label(f"{card.policy} · {card.cycle}").classes("text-caption")
            with ui.row().classes("items-center justify-between w-full"):
                ui.label(
                    f"{card.owner or ''} {tr('ui.apps.since', day=show_date(card.stage_since))}"
                ).classes("text-caption text-grey-7")
                with (
                    ui.button(icon="more_horiz").props("flat dense size=sm").mark(f"move-{card.id}"),
                    ui.menu(),
                ):
                    ui.menu_item(tr("ui.apps.open"), lambda c=card: self.panel.open(c.id))
                    for stage in self.next_stages(card.stage):
                        ui.menu_item(stage.label, lambda s=stage.code, c=card: self.move(c, s)).mark(
                            f"move-{card.id}-{stage.code}"
                        )

    def drop(self, stage: str) -> None:
        card, self.state.dragging = self.state.dragging, None
        if card is not None and card.stage != stage:
            self.move(card, stage)

    def next_stages(self, current: str) -> list[pipeline.Stage]:
        """The stages a card may move to (one lookup per stage per render)."""
        if current not in self._next:
            self._next[current] = application_panel.next_stages(current)
        return self._next[current]

    def move(self, card: pipeline.Card, stage: str) -> None:
        try:
            move(card.id, card.version, stage, self.undo_bar)
        finally:
            self.body.refresh()

    def table(self) -> None:
        rows, total = pipeline.list_applications(self.state.filters(), page=self.page, page_size=PAGE_SIZE)
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
        with ui.row().classes("items-center gap-4"):
            ui.label(tr("ui.apps.total", n=total)).classes("text-caption")
            ui.pagination(
                1, max(1, -(-total // PAGE_SIZE)), direction_links=True, value=self.page, on_change=self._page
            ).props("max-pages=9 boundary-numbers").mark("application-pages")
        table = (
            ui.table(columns=columns, rows=data, row_key="id", pagination=0)
            .props("dense flat hide-bottom")
            .classes("w-full cursor-pointer")
            .mark("application-table")
        )
        table.on("rowClick", lambda e: self.panel.open(e.args[1]["id"]))

    def _page(self, e: object) -> None:
        self.page = int(getattr(e, "value", 1) or 1)
        self.body.refresh()
