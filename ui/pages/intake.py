"""导入导出 (/intake): upload a spreadsheet, adjust the column mapping, preview the report, import;
download the template, the enterprise list and the rejected rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from nicegui import events, ui

from crm.i18n import register
from crm.services import intake
from ui.background import io_bound
from ui.i18n_ui import tr
from ui.theme import frame

register(
    {
        "ui.intake.title": ("导入导出", "Import / export"),
        "ui.intake.template": ("下载导入模板", "Download import template"),
        "ui.intake.export": ("导出企业名单", "Export enterprise list"),
        "ui.intake.duplicates": ("疑似重复企业", "Suspected duplicates"),
        "ui.intake.export_matches": ("导出政策匹配结果", "Export match results"),
        "ui.intake.upload": ("上传 Excel（.xlsx）或 CSV 文件", "Upload an Excel (.xlsx) or CSV file"),
        "ui.intake.file": (
            "文件：{name}，表头在第 {row} 行，共 {n} 行数据",
            "File: {name}, header on row {row}, {n} rows",
        ),
        "ui.intake.mapping": ("列映射", "Column mapping"),
        "ui.intake.column": ("文件中的列", "Column in the file"),
        "ui.intake.target": ("导入为", "Import as"),
        "ui.intake.saved": ("套用已保存的映射", "Apply a saved mapping"),
        "ui.intake.save_as": ("映射名称", "Mapping name"),
        "ui.intake.save": ("保存映射", "Save mapping"),
        "ui.intake.saved_ok": ("映射已保存：{name}", "Mapping saved: {name}"),
        "ui.intake.preview": ("校验预览", "Check and preview"),
        "ui.intake.mode": ("导入方式", "Mode"),
        "ui.intake.mode_all": ("整体导入（有任何错误则全部不导入）", "All or nothing"),
        "ui.intake.mode_valid": (
            "仅导入有效行，下载被拒绝的行",
            "Import valid rows, download the rejected ones",
        ),
        "ui.intake.run": ("开始导入", "Import"),
        "ui.intake.running": ("正在导入…", "Importing…"),
        "ui.intake.rejected": ("下载未导入的行（含错误原因）", "Download rejected rows (with reasons)"),
        "ui.intake.errors": ("错误明细", "Problems"),
        "ui.intake.row": ("行号", "Row"),
        "ui.intake.field": ("列", "Column"),
        "ui.intake.message": ("问题", "Problem"),
        "ui.intake.suspects": ("疑似重复：请选择处理方式", "Suspected duplicates: choose what to do"),
        "ui.intake.create": ("新建", "Create"),
        "ui.intake.skip": ("跳过", "Skip"),
        "ui.intake.merge_into": ("合并到 {name}（#{id}）", "Merge into {name} (#{id})"),
        "ui.intake.unreadable": ("无法读取文件：{reason}", "Cannot read the file: {reason}"),
        "ui.intake.reading": ("正在读取 {name}…", "Reading {name}…"),
        "ui.intake.limit": (
            "单个文件不超过 {limit} MB（.xlsx 或 .csv）",
            "One file of at most {limit} MB (.xlsx or .csv)",
        ),
    }
)


@dataclass
class IntakeState:
    """The file being imported, its mapping, the preview, the officer's choices and the outcome."""

    table: intake.Table | None = None
    columns: dict[str, str] = field(default_factory=dict)
    preview: intake.Preview | None = None
    decisions: dict[int, str] = field(default_factory=dict)
    mode: str = "all-or-nothing"
    result: intake.ImportResult | None = None
    progress: float = 0.0
    busy: bool = False
    reading: str = ""  # the name of the file being read, while it is

    def load(self, table: intake.Table) -> None:
        self.table = table
        self.columns = intake.suggest_mapping(self.table)
        self.preview = self.result = None
        self.decisions = {}

    def options(self) -> dict[str, str]:
        opts = intake.mapping_choices()
        for target in self.columns.values():
            if target and target not in opts:
                opts[target] = intake.target_label(target)
        return opts


def create() -> None:
    from ui.pages.duplicates import create as create_duplicates

    @ui.page("/intake")
    def intake_page() -> None:
        with frame(tr("ui.intake.title")):
            IntakePage(IntakeState()).build()

    create_duplicates()


async def _export(make: Callable[[], bytes], filename: str) -> None:
    """A whole-table export, written off the event loop as the officer who asked for it."""
    ui.download(await io_bound(make), filename)


class IntakePage:
    """Lays out the widgets; the state and the services do the work."""

    def __init__(self, state: IntakeState):
        self.state = state

    def build(self) -> None:
        with ui.row().classes("gap-2"):
            ui.button(
                tr("ui.intake.template"),
                icon="description",
                on_click=lambda: ui.download(intake.import_template(), "企业导入模板.xlsx"),
            ).mark("intake-template")
            ui.button(
                tr("ui.intake.export"),
                icon="download",
                on_click=lambda: _export(intake.export_enterprises, "企业名单.xlsx"),
            ).mark("intake-export")
            ui.button(
                tr("ui.intake.export_matches"),
                icon="fact_check",
                on_click=lambda: _export(intake.export_match_results, "政策匹配结果.xlsx"),
            ).props("outline").mark("intake-export-matches")
            ui.button(
                tr("ui.intake.duplicates"),
                icon="content_copy",
                on_click=lambda: ui.navigate.to("/intake/duplicates"),
            ).props("flat").mark("intake-duplicates")
        limit = intake.max_upload_bytes()
        ui.upload(
            label=tr("ui.intake.upload"),
            auto_upload=True,
            max_file_size=limit,
            on_upload=self.on_upload,
            on_rejected=lambda: intake.check_upload_size(limit + 1),  # says the limit, in the officer's words
        ).props('accept=".xlsx,.xlsm,.csv"').classes("w-full max-w-xl").mark("intake-upload")
        ui.label(tr("ui.intake.limit", limit=f"{limit / 2**20:.1f}".removesuffix(".0"))).classes(
            "text-caption text-grey-7"
        )
        with ui.row().classes("items-center gap-2").bind_visibility_from(self.state, "reading"):
            ui.spinner(size="sm")
            ui.label().bind_text_from(self.state, "reading", lambda n: tr("ui.intake.reading", name=n))
        self.body()

    async def on_upload(self, e: events.UploadEventArguments) -> None:
        intake.check_upload_size(e.file.size())  # before a byte of it is read
        s = self.state
        s.reading = e.file.name
        try:  # reading a big workbook takes seconds: off the event loop, so other officers are not kept waiting
            s.load(await io_bound(intake.read_file, await e.file.read(), e.file.name))
        finally:
            s.reading = ""
        self.body.refresh()

    @ui.refreshable_method
    def body(self) -> None:
        s = self.state
        if s.table is None:
            return
        ui.label(tr("ui.intake.file", name=s.table.source, row=s.table.header_row, n=len(s.table.rows)))
        self.mapping_card()
        ui.button(tr("ui.intake.preview"), icon="fact_check", on_click=self.on_preview).mark("intake-preview")
        if s.preview is not None:
            self.preview_card()

    def mapping_card(self) -> None:
        s = self.state
        assert s.table is not None
        with ui.expansion(tr("ui.intake.mapping"), icon="table_chart", value=True).classes("w-full"):
            saved = intake.saved_mappings()
            with ui.row().classes("items-end gap-2"):
                if saved:
                    ui.select(
                        list(saved), label=tr("ui.intake.saved"), on_change=self.on_apply_saved
                    ).classes("w-48").mark("intake-saved")
                name = ui.input(tr("ui.intake.save_as")).classes("w-48").mark("intake-mapping-name")
                ui.button(tr("ui.intake.save"), on_click=lambda: self.on_save(name.value)).props("flat").mark(
                    "intake-save-mapping"
                )
            options = s.options()
            with ui.grid(columns=2).classes("gap-x-6 gap-y-1 items-center"):
                for header in s.table.headers:
                    ui.label(header)
                    ui.select(
                        options,
                        value=s.columns.get(header, ""),
                        with_input=True,
                        on_change=lambda e, h=header: s.columns.__setitem__(h, e.value or ""),
                    ).props("dense").classes("w-64").mark(f"map-{header}")

    def on_apply_saved(self, e: events.ValueChangeEventArguments) -> None:
        assert self.state.table is not None
        self.state.columns = intake.suggest_mapping(self.state.table, e.value)
        self.body.refresh()

    def on_save(self, name: str) -> None:
        if name and name.strip():
            intake.save_mapping(name, self.state.columns)
            ui.notify(tr("ui.intake.saved_ok", name=name.strip()), type="positive")

    async def on_preview(self) -> None:
        s = self.state
        s.preview = await io_bound(intake.preview_import, s.table, dict(s.columns))
        s.result, s.decisions = None, {}
        self.body.refresh()

    def preview_card(self) -> None:
        s = self.state
        assert s.preview is not None
        with ui.column().classes("gap-1").mark("intake-report"):  # plain text: the notes quote column headers
            for line in s.preview.report().splitlines()[:1] + s.preview.notes:
                ui.label(line)
        if s.preview.errors:
            ui.label(tr("ui.intake.errors")).classes("text-subtitle1")
            rows = [{"row": e.row, "column": e.column, "message": e.message} for e in s.preview.errors[:500]]
            ui.table(
                columns=[
                    {"name": "row", "label": tr("ui.intake.row"), "field": "row"},
                    {"name": "column", "label": tr("ui.intake.field"), "field": "column"},
                    {
                        "name": "message",
                        "label": tr("ui.intake.message"),
                        "field": "message",
                        "align": "left",
                    },
                ],
                rows=rows,
                pagination=20,
            ).props("dense flat").classes("w-full").mark("intake-errors")
        self.suspects()
        ui.radio(
            {"all-or-nothing": tr("ui.intake.mode_all"), "valid-only": tr("ui.intake.mode_valid")},
            value=s.mode,
            on_change=lambda e: setattr(s, "mode", e.value),
        ).mark("intake-mode")
        ui.linear_progress(show_value=False).bind_value_from(s, "progress").bind_visibility_from(s, "busy")
        ui.button(tr("ui.intake.run"), icon="upload", on_click=self.on_run).mark(
            "intake-run"
        ).bind_enabled_from(s, "busy", backward=lambda b: not b)
        if s.result is not None:
            ui.label(s.result.summary()).classes(
                "text-positive" if s.result.written else "text-negative"
            ).mark("intake-result")
            if s.result.rejected:
                ui.button(tr("ui.intake.rejected"), icon="download", on_click=self.download_rejected).props(
                    "outline"
                ).mark("intake-rejected")

    def suspects(self) -> None:
        s = self.state
        assert s.preview is not None
        rows = [r for r in s.preview.rows if r.suspects and r.ok]
        if not rows:
            return
        ui.label(tr("ui.intake.suspects")).classes("text-subtitle1")
        for r in rows:
            options = {"create": tr("ui.intake.create"), "skip": tr("ui.intake.skip")}
            options |= {f"update:{i}": tr("ui.intake.merge_into", name=n, id=i) for i, n, _ in r.suspects}
            with ui.row().classes("items-center gap-4"):
                ui.label(f"第 {r.row} 行：{r.name}")
                ui.select(
                    options,
                    value=s.decisions.get(r.row, r.action),
                    on_change=lambda e, row=r.row: s.decisions.__setitem__(row, e.value),
                ).props("dense").classes("w-96").mark(f"suspect-{r.row}")

    async def on_run(self) -> None:
        s = self.state
        assert s.table is not None
        s.busy, s.progress = True, 0.0

        def progress(done: int, total: int) -> None:
            s.progress = done / max(total, 1)

        try:
            s.preview, s.result = await io_bound(
                intake.run_import,
                s.table,
                dict(s.columns),
                mode=s.mode,
                decisions=dict(s.decisions),
                progress=progress,
            )
        finally:
            s.busy = False
        self.body.refresh()

    def download_rejected(self) -> None:
        s = self.state
        assert s.table is not None and s.result is not None
        ui.download(intake.rejected_rows_xlsx(s.table, s.result.rejected), "未导入的行.xlsx")
