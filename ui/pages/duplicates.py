"""疑似重复 (/intake/duplicates): suspected pairs side by side; merge one into the other, with undo."""

from __future__ import annotations

from dataclasses import dataclass, field

from nicegui import ui

from crm.i18n import register
from crm.records.fields import ENTERPRISE_FIELDS
from crm.services import enterprises, intake
from ui.background import io_bound
from ui.format import show
from ui.i18n_ui import lang, tr
from ui.theme import frame

register(
    {
        "ui.dup.title": ("疑似重复企业", "Suspected duplicates"),
        "ui.dup.scan": ("重新扫描", "Scan again"),
        "ui.dup.none": ("没有发现疑似重复的企业", "No suspected duplicates"),
        "ui.dup.count": ("共 {n} 对疑似重复", "{n} suspected pairs"),
        "ui.dup.reason_uscc": ("信用代码相同", "Same credit code"),
        "ui.dup.reason_name": ("名称相似度 {score}", "Name similarity {score}"),
        "ui.dup.keep": ("保留此家，合并另一家", "Keep this one, merge the other"),
        "ui.dup.confirm": (
            "确定把“{loser}”合并到“{winner}”？其财务、知识产权、联系人、走访、待办与匹配记录将全部转入，"
            "原企业名称记为曾用名。可撤销。",
            "Merge '{loser}' into '{winner}'? All its records move over and its name becomes a former "
            "name. This can be undone.",
        ),
        "ui.dup.merged": ("已合并", "Merged"),
        "ui.dup.undo": ("撤销合并", "Undo merge"),
        "ui.dup.undone": ("已撤销合并", "Merge undone"),
        "ui.dup.records": ("关联记录", "Related records"),
    }
)

SHOWN = (
    "name",
    "uscc",
    "former_names",
    "registration_date",
    "registered_capital",
    "street",
    "sports_division",
    "address",
    "legal_form",
)
CHILDREN = ("fiscalyear", "ipasset", "credential", "contact", "interaction", "task")


@dataclass
class DuplicatesState:
    """The pairs found by the last scan and the last merge (for undo)."""

    pairs: list[intake.DuplicatePair] = field(default_factory=list)
    scanned: bool = False
    last_merge: int | None = None


def create() -> None:
    @ui.page("/intake/duplicates")
    async def duplicates_page() -> None:
        with frame(tr("ui.dup.title"), breadcrumbs=[(tr("ui.intake.title"), "/intake")]):
            page = DuplicatesPage(DuplicatesState())
            page.build()
            await page.scan()


class DuplicatesPage:
    def __init__(self, state: DuplicatesState):
        self.state = state

    def build(self) -> None:
        ui.button(tr("ui.dup.scan"), icon="refresh", on_click=self.scan).props("flat").mark("dup-scan")
        self.body()

    async def scan(self) -> None:
        self.state.pairs = await io_bound(intake.find_duplicates)
        self.state.scanned = True
        self.body.refresh()

    @ui.refreshable_method
    def body(self) -> None:
        s = self.state
        if not s.scanned:
            ui.spinner()
            return
        if s.last_merge is not None:
            ui.button(tr("ui.dup.undo"), icon="undo", on_click=self.undo).props("flat").mark("dup-undo")
        if not s.pairs:
            ui.label(tr("ui.dup.none")).mark("dup-none")
            return
        ui.label(tr("ui.dup.count", n=len(s.pairs)))
        for pair in s.pairs[:50]:
            self.pair_card(pair)

    def pair_card(self, pair: intake.DuplicatePair) -> None:
        reason = (
            tr("ui.dup.reason_uscc")
            if pair.reason == "uscc"
            else tr("ui.dup.reason_name", score=f"{pair.score:.0f}")
        )
        with ui.card().classes("w-full").mark(f"dup-{pair.a_id}-{pair.b_id}"):
            ui.label(reason).classes("text-caption text-grey-7")
            with ui.row().classes("w-full no-wrap gap-6"):
                for mine, other in ((pair.a_id, pair.b_id), (pair.b_id, pair.a_id)):
                    with ui.column().classes("flex-1"):
                        self.side(mine)
                        ui.button(
                            tr("ui.dup.keep"), on_click=lambda w=mine, lo=other: self.confirm(w, lo)
                        ).props("outline dense").mark(f"keep-{mine}")

    def side(self, enterprise_id: int) -> None:
        e = enterprises.get_enterprise(enterprise_id)
        specs = {f.name: f for f in ENTERPRISE_FIELDS}
        with ui.grid(columns=2).classes("gap-x-4 gap-y-0 text-body2"):
            for name in SHOWN:
                ui.label(specs[name].label(lang())).classes("text-grey-7")
                ui.label(show(specs[name], getattr(e, name), lang()) or "—")
            ui.label(tr("ui.dup.records")).classes("text-grey-7")
            counts = [
                f"{tr('ui.entity.' + c)} {len(enterprises.list_children(c, enterprise_id))}" for c in CHILDREN
            ]
            ui.label("，".join(counts))

    def confirm(self, winner_id: int, loser_id: int) -> None:
        winner, loser = enterprises.get_enterprise(winner_id), enterprises.get_enterprise(loser_id)
        with ui.dialog() as dialog, ui.card():
            ui.label(tr("ui.dup.confirm", loser=loser.name, winner=winner.name))
            with ui.row():
                ui.button(tr("common.cancel"), on_click=dialog.close).props("flat")
                ui.button(
                    tr("common.confirm"), on_click=lambda: self.merge(dialog, winner_id, loser_id)
                ).mark("dup-confirm")
        dialog.open()

    async def merge(self, dialog: ui.dialog, winner_id: int, loser_id: int) -> None:
        dialog.close()
        self.state.last_merge = intake.merge_enterprises(winner_id, loser_id)
        ui.notify(tr("ui.dup.merged"), type="positive")
        await self.scan()

    async def undo(self) -> None:
        if self.state.last_merge is None:
            return
        intake.undo_merge(self.state.last_merge)
        self.state.last_merge = None
        ui.notify(tr("ui.dup.undone"))
        await self.scan()
