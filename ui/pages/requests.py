"""资料补充 page (/requests): send 企业信息补充表 to a filtered set of enterprises, take the returned files
back (one, many or a zip), review and accept them, and see every request with its status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from nicegui import events, ui

from crm.domain import OUTCOMES, SPORTS_DIVISIONS, STREETS, label
from crm.errors import HuiqiError
from crm.i18n import register
from crm.services import intake, matching, returns
from crm.services import requests as rq
from ui.background import io_bound
from ui.components.request_review import ReviewPanel
from ui.format import outcome, show_date
from ui.i18n_ui import lang, tr
from ui.theme import frame

register(
    {
        "requests.page.title": ("资料补充", "Data requests"),
        "requests.page.tab_make": ("发出补充表", "Send requests"),
        "requests.page.tab_import": ("导入交回的表", "Import returns"),
        "requests.page.tab_list": ("全部记录", "All requests"),
        "requests.page.intro": (
            "为筛选出的企业各生成一份企业信息补充表：只问能让“需补充资料”“基本符合”的判定落定的信息。",
            "One data request per chosen enterprise, asking only what would settle its open verdicts.",
        ),
        "requests.page.streets": ("街道", "Streets"),
        "requests.page.divisions": ("体育产业类别", "Divisions"),
        "requests.page.policy": ("政策（可选）", "Policy (optional)"),
        "requests.page.outcomes": ("匹配结果", "Outcomes"),
        "requests.page.due": ("交回期限", "Due date"),
        "requests.page.find": ("筛选企业", "Find enterprises"),
        "requests.page.found": ("共 {count} 家企业", "{count} enterprises"),
        "requests.page.start": ("生成 {count} 份补充表", "Make {count} requests"),
        "requests.page.progress": ("已完成 {done}/{total}", "Done {done}/{total}"),
        "requests.page.made": (
            "已生成 {made} 份，{skipped} 家无需补充",
            "{made} made, {skipped} with nothing to ask",
        ),
        "requests.page.zip": ("下载压缩包", "Download zip"),
        "requests.page.upload": (
            "上传交回的补充表（.xlsx，可多选，或一个 .zip）",
            "Upload the returned workbooks (.xlsx, several, or one .zip)",
        ),
        "requests.page.uploaded": ("已上传 {n} 个文件：{names}", "{n} files uploaded: {names}"),
        "requests.page.read": ("读取并比对", "Read and compare"),
        "requests.page.reading": ("正在读取……", "Reading…"),
        "requests.page.clear": ("清空", "Clear"),
        "requests.page.status": ("状态", "Status"),
        "requests.page.col_name": ("企业", "Enterprise"),
        "requests.page.col_created": ("发出日期", "Sent"),
        "requests.page.col_due": ("交回期限", "Due"),
        "requests.page.col_status": ("状态", "Status"),
        "requests.page.col_asked": ("所问项数", "Items asked"),
        "requests.page.col_applied": ("已写入", "Written"),
    }
)


def create() -> None:
    @ui.page("/requests")
    def requests_page() -> None:
        with frame(tr("requests.page.title")):
            RequestsPage().build()


@dataclass(eq=False)  # refreshable methods find their targets by ==; identity is what we mean
class RequestsPage:
    streets: list[str] = field(default_factory=list)
    divisions: list[str] = field(default_factory=list)
    policy: str | None = None
    outcomes: list[str] = field(default_factory=lambda: ["needs_data", "likely"])
    due: str = field(default_factory=lambda: (date.today() + timedelta(days=rq.DEFAULT_DUE_DAYS)).isoformat())
    found: list[int] | None = None
    done: int = 0
    making: bool = False
    made: rq.MakeResult | None = None
    uploads: list[tuple[str, bytes]] = field(default_factory=list)
    reading: bool = False
    panel: ReviewPanel | None = None
    status: str | None = None

    def build(self) -> None:
        with ui.tabs() as tabs:
            ui.tab("make", tr("requests.page.tab_make")).mark("requests-tab-make")
            ui.tab("import", tr("requests.page.tab_import")).mark("requests-tab-import")
            ui.tab("list", tr("requests.page.tab_list")).mark("requests-tab-list")
        with ui.tab_panels(tabs, value="make").classes("w-full"):
            with ui.tab_panel("make"):
                self.make_tab()
            with ui.tab_panel("import"):
                self.import_tab()
            with ui.tab_panel("list"):
                self.list_tab()

    # --- making ------------------------------------------------------------------------------------

    def make_tab(self) -> None:
        ui.label(tr("requests.page.intro")).classes("text-grey-8")
        divisions = {k: f"{k} {label(SPORTS_DIVISIONS, k, lang())}" for k in SPORTS_DIVISIONS}
        with ui.row().classes("items-end gap-2"):
            for name, options, key in (
                ("streets", list(STREETS), "requests.page.streets"),
                ("divisions", divisions, "requests.page.divisions"),
                ("outcomes", {o: outcome(o) for o in OUTCOMES}, "requests.page.outcomes"),
            ):
                ui.select(
                    options, label=tr(key), multiple=True, value=getattr(self, name), clearable=True
                ).bind_value(self, name).props("dense use-chips").classes("w-56").mark(f"requests-{name}")
            policies = {p.id: p.title for p in matching.policies()}
            ui.select(policies, label=tr("requests.page.policy"), clearable=True).bind_value(
                self, "policy"
            ).props("dense").classes("w-64").mark("requests-policy")
            ui.input(tr("requests.page.due")).bind_value(self, "due").props("dense type=date").mark(
                "requests-due"
            )
            ui.button(tr("requests.page.find"), icon="filter_alt", on_click=self.on_find).mark(
                "requests-find"
            )
        self.selection()

    async def on_find(self) -> None:
        self.found = await io_bound(
            rq.select_enterprises,
            streets=list(self.streets or []),
            divisions=list(self.divisions or []),
            policy=self.policy or None,
            outcomes=tuple(self.outcomes or ("needs_data", "likely")),
        )
        self.made = None
        self.selection.refresh()

    @ui.refreshable_method
    def selection(self) -> None:
        if self.found is None:
            return
        with ui.row().classes("items-center gap-2"):
            ui.label(tr("requests.page.found", count=len(self.found))).mark("requests-found")
            ui.button(
                tr("requests.page.start", count=len(self.found)), icon="post_add", on_click=self.on_make
            ).props("color=primary").mark("requests-start").set_enabled(bool(self.found) and not self.making)
        if self.making:
            ui.linear_progress(show_value=False).bind_value_from(
                self, "done", backward=lambda d: d / max(1, len(self.found or []))
            ).mark("requests-progress")
            ui.label().bind_text_from(
                self,
                "done",
                backward=lambda d: tr("requests.page.progress", done=d, total=len(self.found or [])),
            )
        if self.made is not None:
            made = self.made
            ui.label(tr("requests.page.made", made=len(made.made), skipped=len(made.skipped))).classes(
                "text-positive text-bold"
            ).mark("requests-made")
            if made.zip_path is not None:
                zip_path = made.zip_path
                ui.button(
                    tr("requests.page.zip"),
                    icon="archive",
                    on_click=lambda: ui.download.file(zip_path, f"企业信息补充表-{zip_path.name}"),
                ).mark("requests-zip")

    async def on_make(self) -> None:
        try:
            due = date.fromisoformat(self.due) if self.due else None
        except ValueError:
            ui.notify("交回期限应为日期，如 2026-12-31", type="warning")
            return
        self.making, self.done = True, 0
        self.selection.refresh()
        try:
            self.made = await io_bound(
                rq.make_batch, list(self.found or []), due=due, progress=self._progress
            )
        except HuiqiError as exc:
            ui.notify(exc.message(), type="warning")
        finally:
            self.making = False
        self.selection.refresh()
        self.table.refresh()

    def _progress(self, done: int, _total: int, _name: str) -> None:
        self.done = done  # written by the worker thread, read by the bindings

    # --- importing ---------------------------------------------------------------------------------

    def import_tab(self) -> None:
        limit = intake.max_upload_bytes()
        ui.upload(
            label=tr("requests.page.upload"),
            multiple=True,
            auto_upload=True,
            max_file_size=limit,
            on_upload=self.on_upload,
            on_rejected=lambda: intake.check_upload_size(limit + 1),
        ).props('accept=".xlsx,.zip"').classes("w-full max-w-xl").mark("requests-upload")
        self.uploaded()
        self.review()

    async def on_upload(self, e: events.UploadEventArguments) -> None:
        intake.check_upload_size(e.file.size())
        self.uploads.append((e.file.name, await e.file.read()))
        self.uploaded.refresh()

    @ui.refreshable_method
    def uploaded(self) -> None:
        if not self.uploads:
            return
        names = "、".join(n for n, _ in self.uploads[:5]) + ("……" if len(self.uploads) > 5 else "")
        ui.label(tr("requests.page.uploaded", n=len(self.uploads), names=names)).mark("requests-uploaded")
        with ui.row().classes("gap-2"):
            ui.button(tr("requests.page.read"), icon="compare_arrows", on_click=self.on_read).props(
                "color=primary"
            ).mark("requests-read").set_enabled(not self.reading)
            ui.button(tr("requests.page.clear"), on_click=self.on_clear).props("flat").mark("requests-clear")
        if self.reading:
            with ui.row().classes("items-center gap-2"):
                ui.spinner(size="sm")
                ui.label(tr("requests.page.reading"))

    async def on_read(self) -> None:
        self.reading = True
        self.uploaded.refresh()
        try:
            review = await io_bound(returns.review_returns, list(self.uploads))
            self.panel = ReviewPanel(review)
        except HuiqiError as exc:
            ui.notify(exc.message(), type="negative")
        finally:
            self.reading = False
        self.uploaded.refresh()
        self.review.refresh()

    def on_clear(self) -> None:
        self.uploads, self.panel = [], None
        self.uploaded.refresh()
        self.review.refresh()

    @ui.refreshable_method
    def review(self) -> None:
        if self.panel is not None:
            self.panel.show()

    # --- the list ----------------------------------------------------------------------------------

    def list_tab(self) -> None:
        statuses = dict(rq.STATUS_ZH)
        ui.select(
            statuses, label=tr("requests.page.status"), clearable=True, on_change=self.table.refresh
        ).bind_value(self, "status").props("dense").classes("w-48").mark("requests-status")
        self.table()

    @ui.refreshable_method
    def table(self) -> None:
        rows = rq.list_requests(status=self.status or None)
        columns: list[dict[str, Any]] = [
            {
                "name": key,
                "label": tr(f"requests.page.col_{key}"),
                "field": key,
                "sortable": True,
                "align": "left",
            }
            for key in ("name", "created", "due", "status", "asked", "applied")
        ]
        shown = [
            {
                "id": r["id"],
                "enterprise_id": r["enterprise_id"],
                "name": r["name"],
                "created": show_date(r["created"]),
                "due": show_date(r["due"]),
                "status": r["status_zh"],
                "asked": r["asked"],
                "applied": r["applied"],
            }
            for r in rows
        ]
        table = ui.table(columns=columns, rows=shown, row_key="id", pagination=20).classes("w-full")
        table.props("dense flat").mark("requests-table")
        table.on("rowClick", lambda e: ui.navigate.to(f"/enterprises/{e.args[1]['enterprise_id']}"))
