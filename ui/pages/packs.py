"""服务包 page (/packs): packs for a filtered set of enterprises, made in the background on both cores.

The batch runs as a NiceGUI background task, not tied to the page: the officer may open other pages and
come back; the progress bar, then the failures and the zip, are read from the officer's job.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nicegui import ui

from crm.domain import ACTIONABLE_OUTCOMES, OUTCOMES, SPORTS_DIVISIONS, STREETS, label
from crm.i18n import register
from crm.services import jobs, matching, packs
from crm.services import profile as profiles
from crm.services.auth import current_principal
from ui.background import io_bound
from ui.format import outcome
from ui.i18n_ui import lang, tr
from ui.theme import frame

register(
    {
        "packs.page.title": ("服务包", "Service packs"),
        "packs.page.intro": (
            "为筛选出的企业批量生成惠企政策服务包（双核并行，可离开本页继续工作）。",
            "Make packs for a filtered set of enterprises (both cores; you may leave this page).",
        ),
        "packs.page.streets": ("街道", "Streets"),
        "packs.page.divisions": ("体育产业类别", "Divisions"),
        "packs.page.policy": ("政策（可选）", "Policy (optional)"),
        "packs.page.outcomes": ("匹配结果", "Outcomes"),
        "packs.page.find": ("筛选企业", "Find enterprises"),
        "packs.page.finding": ("正在筛选……", "Finding…"),
        "packs.page.found": ("共 {count} 家企业", "{count} enterprises"),
        "packs.page.start": ("生成 {count} 份服务包", "Make {count} packs"),
        "packs.page.progress": ("已完成 {done}/{total}：{name}", "Done {done}/{total}: {name}"),
        "packs.page.started": ("批量生成已开始，可离开本页", "Batch started; you may leave this page"),
        "packs.page.finished": (
            "已完成：成功 {made} 份，失败 {failed} 份",
            "Finished: {made} made, {failed} failed",
        ),
        "packs.page.crashed": ("批量生成中断：{reason}", "The batch stopped: {reason}"),
        "packs.page.failures": ("未能生成：", "Not made:"),
        "packs.page.failure": ("{name}（#{id}）：{reason}", "{name} (#{id}): {reason}"),
        "packs.page.zip": ("下载压缩包", "Download zip"),
        "packs.page.folder": ("文件夹：{folder}", "Folder: {folder}"),
        "packs.page.no_profile": (
            "服务包首页将印上服务专员的联系方式：请先在“设置 → 我的信息”中填写姓名和电话。",
            "Packs print the officer's contact on page 1: please fill in Settings → My details first.",
        ),
    }
)


def find_enterprises(
    streets: list[str], divisions: list[str], policy: str | None, outcomes: list[str]
) -> list[int]:
    """Ids of the enterprises a batch would cover (run off the event loop: with a policy it evaluates each)."""
    return packs.select_enterprises(
        streets=streets, divisions=divisions, policy=policy or None, outcomes=outcomes
    )


def create() -> None:
    @ui.page("/packs")
    def packs_page() -> None:
        with frame(tr("packs.page.title")):
            BatchPage(current_principal().username).build()


@dataclass(eq=False)  # refreshable methods find their targets by ==; identity is what we mean
class BatchPage:
    officer: str
    streets: list[str] = field(default_factory=list)
    divisions: list[str] = field(default_factory=list)
    policy: str | None = None
    outcomes: list[str] = field(default_factory=lambda: list(ACTIONABLE_OUTCOMES))
    found: list[int] | None = None
    finding: bool = False
    shown_running: bool | None = None  # the job state the result section was last drawn for

    def build(self) -> None:
        ui.label(tr("packs.page.intro")).classes("text-grey-8")
        if not profiles.my_profile().complete:
            ui.link(tr("packs.page.no_profile"), "/settings").classes("text-warning").mark("packs-no-profile")
        self.filters()
        self.selection()
        self.job_panel()
        ui.timer(0.5, self.watch_job)

    def filters(self) -> None:
        lang_ = lang()
        divisions = {k: f"{k} {label(SPORTS_DIVISIONS, k, lang_)}" for k in SPORTS_DIVISIONS}
        policies = {p.id: p.title for p in matching.policies()}
        outcomes = {o: outcome(o) for o in OUTCOMES}
        with ui.row().classes("items-end gap-2"):
            for name, options, key in (
                ("streets", list(STREETS), "packs.page.streets"),
                ("divisions", divisions, "packs.page.divisions"),
                ("outcomes", outcomes, "packs.page.outcomes"),
            ):
                ui.select(
                    options, label=tr(key), multiple=True, value=getattr(self, name), clearable=True
                ).bind_value(self, name).props("dense use-chips").classes("w-56").mark(f"batch-{name}")
            ui.select(policies, label=tr("packs.page.policy"), value=self.policy, clearable=True).bind_value(
                self, "policy"
            ).props("dense").classes("w-64").mark("batch-policy")
            ui.button(tr("packs.page.find"), icon="filter_alt", on_click=self.on_find).mark("batch-find")

    async def on_find(self) -> None:
        self.finding = True
        self.selection.refresh()
        try:
            self.found = await io_bound(
                find_enterprises,
                list(self.streets or []),
                list(self.divisions or []),
                self.policy,
                list(self.outcomes or []),
            )
        finally:
            self.finding = False
        self.selection.refresh()

    @ui.refreshable_method
    def selection(self) -> None:
        if self.finding:
            ui.label(tr("packs.page.finding")).classes("text-grey-8")
            return
        if self.found is None:
            return
        with ui.row().classes("items-center gap-2"):
            ui.label(tr("packs.page.found", count=len(self.found))).mark("batch-found")
            job = jobs.latest(self.officer)
            ui.button(
                tr("packs.page.start", count=len(self.found)), icon="picture_as_pdf", on_click=self.on_start
            ).props("color=primary").mark("batch-start").set_enabled(
                bool(self.found) and not (job and job.running)
            )

    def on_start(self) -> None:
        jobs.start_pack_batch(list(self.found or []))
        ui.notify(tr("packs.page.started"), type="info")
        self.refresh_all()

    def watch_job(self) -> None:
        job = jobs.latest(self.officer)
        running = None if job is None else job.running
        if running != self.shown_running:
            self.refresh_all()

    def refresh_all(self) -> None:
        job = jobs.latest(self.officer)
        self.shown_running = None if job is None else job.running
        self.job_panel.refresh()
        self.selection.refresh()

    @ui.refreshable_method
    def job_panel(self) -> None:
        job = jobs.latest(self.officer)
        if job is None:
            return
        with ui.card().classes("w-full").mark("batch-job"):
            ui.linear_progress(show_value=False).bind_value_from(job, "fraction").mark("batch-progress")
            ui.label().bind_text_from(
                job,
                "done",
                backward=lambda _: tr(
                    "packs.page.progress", done=job.done, total=job.total, name=job.current
                ),
            ).mark("batch-status")
            if not job.running:
                self.outcome(job)

    def outcome(self, job: jobs.BatchJob) -> None:
        if job.error:
            ui.label(tr("packs.page.crashed", reason=job.error)).classes("text-negative").mark(
                "batch-crashed"
            )
            return
        result = job.result
        assert result is not None
        ui.label(tr("packs.page.finished", made=len(result.made), failed=len(result.failed))).classes(
            "text-positive text-bold"
        ).mark("batch-finished")
        if result.failed:
            ui.label(tr("packs.page.failures")).classes("text-negative")
            for enterprise_id, name, reason in result.failed:
                ui.label(tr("packs.page.failure", name=name, id=enterprise_id, reason=reason)).classes(
                    "text-body2"
                ).mark(f"batch-failed-{enterprise_id}")
        ui.label(tr("packs.page.folder", folder=str(result.folder))).classes("text-caption text-grey-8")
        if result.zip_path is not None:
            zip_path = result.zip_path
            ui.button(
                tr("packs.page.zip"),
                icon="archive",
                on_click=lambda: ui.download.file(zip_path, f"惠企政策服务包-{zip_path.name}"),
            ).mark("batch-zip")
