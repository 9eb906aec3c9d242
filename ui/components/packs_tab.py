"""The enterprise's 服务包 tab: generate a pack, preview its first page, download it, reopen past packs
(each flagged when rules, data or settlements changed since it was made)."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from nicegui import ui

from crm.i18n import register
from crm.services import packs
from ui.background import io_bound
from ui.format import show_date
from ui.i18n_ui import tr

register(
    {
        "packs.generate": ("生成服务包", "Generate pack"),
        "packs.generating": ("正在生成服务包……", "Generating the pack…"),
        "packs.generated": ("已生成服务包（{pages} 页）", "Pack generated ({pages} pages)"),
        "packs.failed": ("生成失败：{reason}", "Failed: {reason}"),
        "packs.preview": ("预览首页", "Preview page 1"),
        "packs.preview_failed": ("无法预览：{reason}", "Cannot preview: {reason}"),
        "packs.download": ("下载", "Download"),
        "packs.past": ("历史服务包", "Past packs"),
        "packs.none": ("还没有为该企业生成过服务包", "No pack has been made for this enterprise yet"),
        "packs.row": (
            "{at} · {officer} · 基准日 {as_of} · {pages} 页 · {size} KB",
            "{at} · {officer} · as of {as_of} · {pages} pages · {size} KB",
        ),
        "packs.current": ("最新", "Up to date"),
        "packs.out_of_date": ("已过期：{reasons}", "Out of date: {reasons}"),
        "packs.open_failed": ("无法打开：{reason}", "Cannot open: {reason}"),
    }
)


def packs_tab(enterprise_id: int) -> None:
    """Render the packs tab of one enterprise."""
    PacksTab(enterprise_id).build()


# --- slow work, run off the event loop (module-level, simple arguments) --------------------------------


def generate(enterprise_id: int) -> tuple[int, int, bytes]:
    """Make, save and record a pack as the acting officer: (record id, pages, first page as PNG)."""
    result = packs.make_pack(enterprise_id)
    return int(result.record.id or 0), result.record.pages, packs.first_page_png(result.pdf)


def preview(record_id: int) -> bytes:
    """The first page of a stored pack as PNG."""
    return packs.first_page_png(packs.open_pack(record_id))


@dataclass(eq=False)  # refreshable methods find their targets by ==; identity is what we mean
class PacksTab:
    enterprise_id: int
    busy: bool = False
    shown_id: int | None = None  # the pack whose first page is previewed
    png: bytes | None = None

    def build(self) -> None:
        with ui.row().classes("items-center gap-2"):
            ui.button(
                tr("packs.generate"), icon="picture_as_pdf", on_click=self.on_generate
            ).bind_enabled_from(self, "busy", backward=lambda b: not b).mark("pack-generate")
            ui.spinner(size="sm").bind_visibility_from(self, "busy")
            ui.label(tr("packs.generating")).bind_visibility_from(self, "busy").classes("text-grey-8")
        with ui.row().classes("w-full items-start no-wrap gap-4"):
            with ui.column().classes("grow"):
                self.history()
            self.preview_panel()

    async def on_generate(self) -> None:
        self.busy = True
        try:
            record_id, pages, png = await io_bound(generate, self.enterprise_id)
        finally:
            self.busy = False
        ui.notify(tr("packs.generated", pages=pages), type="positive")
        self.shown_id, self.png = record_id, png
        self.history.refresh()
        self.preview_panel.refresh()

    @ui.refreshable_method
    def history(self) -> None:
        ui.label(tr("packs.past")).classes("text-subtitle1")
        views = packs.list_packs(self.enterprise_id)
        if not views:
            ui.label(tr("packs.none")).classes("text-grey-8").mark("packs-none")
        for view in views:
            self.history_row(view)

    def history_row(self, view: packs.PackView) -> None:
        r = view.record
        with ui.row().classes("items-center gap-2 no-wrap").mark(f"pack-row-{r.id}"):
            ui.label(
                tr(
                    "packs.row",
                    at=show_date(r.created_at),
                    officer=r.officer_name or r.officer,
                    as_of=r.as_of.isoformat(),
                    pages=r.pages,
                    size=round(r.size / 1024),
                )
            )
            if view.out_of_date:
                ui.badge(tr("packs.out_of_date", reasons="、".join(view.reasons)), color="warning").mark(
                    f"pack-stale-{r.id}"
                )
            else:
                ui.badge(tr("packs.current"), color="positive").mark(f"pack-current-{r.id}")
            ui.button(
                tr("packs.preview"), icon="visibility", on_click=lambda _, i=r.id: self.on_preview(i)
            ).props("flat dense no-caps").mark(f"pack-preview-{r.id}")
            ui.button(
                tr("packs.download"), icon="download", on_click=lambda _, v=view: self.on_download(v)
            ).props("flat dense no-caps").mark(f"pack-download-{r.id}")

    async def on_preview(self, record_id: int) -> None:
        self.png = await io_bound(preview, record_id)
        self.shown_id = record_id
        self.preview_panel.refresh()

    def on_download(self, view: packs.PackView) -> None:
        data = packs.open_pack(int(view.record.id or 0))
        ui.download.content(data, view.download_name, "application/pdf")

    @ui.refreshable_method
    def preview_panel(self) -> None:
        if self.png is None:
            return
        source = "data:image/png;base64," + base64.b64encode(self.png).decode()
        ui.image(source).classes("w-80 shadow-2 border").mark(f"pack-image-{self.shown_id}")
