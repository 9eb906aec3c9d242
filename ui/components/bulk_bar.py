"""The enterprise list's bulk bar: select rows on a page (or everything the filter matches), then assign an
officer, add or remove a tag, make service packs or data requests, or export the selection."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from nicegui import ui

from crm.errors import HuiqiError
from crm.i18n import register
from crm.services import bulk, intake, jobs, requests
from crm.services.enterprises import EnterpriseQuery, officers
from ui.background import io_bound
from ui.i18n_ui import lang, tr

register(
    {
        "ui.bulk.selected": ("已选 {n} 家", "{n} selected"),
        "ui.bulk.all": ("选择全部符合筛选的 {n} 家", "Select all {n} matching the filters"),
        "ui.bulk.all_selected": ("已选全部符合筛选的 {n} 家", "All {n} matching the filters selected"),
        "ui.bulk.clear": ("取消选择", "Clear selection"),
        "ui.bulk.officer": ("指派负责专员", "Assign officer"),
        "ui.bulk.nobody": ("（无）", "(nobody)"),
        "ui.bulk.assign": ("指派", "Assign"),
        "ui.bulk.tag": ("标签", "Tag"),
        "ui.bulk.add_tag": ("添加标签", "Add tag"),
        "ui.bulk.remove_tag": ("移除标签", "Remove tag"),
        "ui.bulk.packs": ("生成服务包", "Make service packs"),
        "ui.bulk.requests": ("生成资料补充表", "Make data requests"),
        "ui.bulk.export": ("导出所选", "Export selection"),
        "ui.bulk.done": ("已更新 {n} 家企业", "{n} enterprises updated"),
        "ui.bulk.packs_started": (
            "已开始生成 {n} 份服务包，见“服务包”页",
            "{n} packs started; see Service packs",
        ),
        "ui.bulk.requests_made": ("已生成 {n} 份资料补充表", "{n} data requests made"),
    }
)


@dataclass(eq=False)  # refreshable methods find their targets by ==; identity is what we mean
class BulkBar:
    """``page_ids`` are the rows ticked on this page; ``everything`` extends them to the whole filter."""

    query: Callable[[], EnterpriseQuery]  # the list's current filters
    total: Callable[[], int]  # how many the filters match
    on_change: Callable[[], None]  # reload the list
    page_ids: tuple[int, ...] = ()
    everything: bool = False

    def select(self, ids: list[int]) -> None:
        self.page_ids, self.everything = tuple(ids), False
        self.body.refresh()

    def ids(self) -> list[int]:
        return bulk.matching_ids(self.query()) if self.everything else list(self.page_ids)

    @ui.refreshable_method
    def body(self) -> None:
        if not self.page_ids:
            return
        with ui.row().classes("w-full items-center gap-2 bg-blue-1 q-pa-xs rounded-borders").mark("bulk-bar"):
            if self.everything:
                ui.label(tr("ui.bulk.all_selected", n=self.total())).classes("text-body2").mark("bulk-count")
            else:
                ui.label(tr("ui.bulk.selected", n=len(self.page_ids))).classes("text-body2").mark(
                    "bulk-count"
                )
                if self.total() > len(self.page_ids):
                    ui.button(tr("ui.bulk.all", n=self.total()), on_click=self._everything).props(
                        "flat dense no-caps"
                    ).mark("bulk-select-all")
            ui.button(tr("ui.bulk.clear"), on_click=self._clear).props("flat dense no-caps")
            ui.separator().props("vertical")
            team = {None: tr("ui.bulk.nobody"), **{o.id: o.display_name for o in officers()}}
            officer = ui.select(team, label=tr("ui.bulk.officer")).props("dense outlined").classes("w-40")
            officer.mark("bulk-officer")
            ui.button(
                tr("ui.bulk.assign"), on_click=lambda: self._run(bulk.assign_officer, officer.value)
            ).props("unelevated dense no-caps").mark("bulk-assign")
            tag = ui.input(tr("ui.bulk.tag")).props("dense outlined").classes("w-32").mark("bulk-tag")
            for add, key in ((True, "ui.bulk.add_tag"), (False, "ui.bulk.remove_tag")):
                ui.button(
                    tr(key), on_click=lambda a=add: self._run(bulk.change_tag, tag.value or "", add=a)
                ).props("flat dense no-caps").mark(f"bulk-{'add' if add else 'remove'}-tag")
            ui.separator().props("vertical")
            ui.button(tr("ui.bulk.packs"), icon="picture_as_pdf", on_click=self._packs).props(
                "flat dense no-caps"
            ).mark("bulk-packs")
            ui.button(tr("ui.bulk.requests"), icon="assignment", on_click=self._requests).props(
                "flat dense no-caps"
            ).mark("bulk-requests")
            ui.button(tr("ui.bulk.export"), icon="download", on_click=self._export).props(
                "flat dense no-caps"
            ).mark("bulk-export")

    def _everything(self) -> None:
        self.everything = True
        self.body.refresh()

    def _clear(self) -> None:
        self.select([])
        self.on_change()

    def _run(self, action: Callable[..., int], *args: Any, **kwargs: Any) -> None:
        try:
            n = action(self.ids(), *args, **kwargs)
        except HuiqiError as refused:
            ui.notify(refused.message(lang()), type="warning")
            return
        ui.notify(tr("ui.bulk.done", n=n), type="positive")
        self.on_change()

    def _packs(self) -> None:
        ids = self.ids()
        try:
            jobs.start_pack_batch(ids)
        except HuiqiError as refused:
            ui.notify(refused.message(lang()), type="warning")
            return
        ui.notify(tr("ui.bulk.packs_started", n=len(ids)), type="positive")
        ui.navigate.to("/packs")

    async def _requests(self) -> None:
        ids = self.ids()
        try:
            made = await io_bound(requests.make_batch, ids)
        except HuiqiError as refused:
            ui.notify(refused.message(lang()), type="warning")
            return
        ui.notify(tr("ui.bulk.requests_made", n=len(made.made)), type="positive")
        if made.zip_path is not None:
            ui.download(made.zip_path.read_bytes(), made.zip_path.name)

    async def _export(self) -> None:
        ids = self.ids()
        data = await io_bound(intake.export_enterprises, EnterpriseQuery(ids=tuple(ids)))
        ui.download(data, f"huiqi-enterprises-{date.today():%Y%m%d}.xlsx")
