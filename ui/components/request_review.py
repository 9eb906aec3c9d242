"""Returned 补充表 as an officer reviews them: per enterprise, what would change (field, old → new, the cell
it came from), what could not be read and why; accept all, per enterprise or per field; then which verdicts
changed, with a one-click new service pack."""

from __future__ import annotations

from dataclasses import dataclass, field

from nicegui import ui

from crm.errors import HuiqiError
from crm.i18n import register
from crm.services import packs, returns
from ui.background import io_bound
from ui.i18n_ui import tr

register(
    {
        "requests.review.none": ("没有可读取的文件", "No readable file"),
        "requests.review.unreadable": ("无法读取 {name}：{reason}", "Cannot read {name}: {reason}"),
        "requests.review.file": ("{name}（{file}）", "{name} ({file})"),
        "requests.review.unmatched": ("未匹配的文件", "Unmatched file"),
        "requests.review.blocked": ("不能导入", "Cannot be imported"),
        "requests.review.tampered": ("校验码不符", "Checksum fails"),
        "requests.review.errors": ("{n} 处无法读取", "{n} cells unreadable"),
        "requests.review.nothing": ("与已有数值相同，无需写入", "Same as the values held: nothing to write"),
        "requests.review.all": ("写入该企业的全部 {n} 项", "Write all {n} values of this enterprise"),
        "requests.review.confirm": (
            "我已与企业核实，仍然写入（表格的识别信息被改动过）",
            "I checked with the enterprise; write anyway (the file's hidden ids were changed)",
        ),
        "requests.review.change": ("{label}：{old} → {new}", "{label}: {old} → {new}"),
        "requests.review.cell": ("{where}", "{where}"),
        "requests.review.accept": ("写入选中的数值", "Write the selected values"),
        "requests.review.accepting": ("正在写入并重新匹配……", "Writing and re-matching…"),
        "requests.review.done": (
            "已写入 {values} 个数值，涉及 {enterprises} 家企业",
            "{values} values written for {enterprises} enterprises",
        ),
        "requests.review.failed": ("{name}：{reason}", "{name}: {reason}"),
        "requests.review.verdicts": ("{name}：匹配结果变化", "{name}: verdicts that changed"),
        "requests.review.no_change": ("{name}：匹配结果没有变化", "{name}: no verdict changed"),
        "requests.review.verdict": ("{policy}：{before} → {after}", "{policy}: {before} → {after}"),
        "requests.review.new_pack": ("生成新服务包", "Make a new pack"),
        "requests.review.pack_failed": ("生成失败：{reason}", "Failed: {reason}"),
    }
)


@dataclass(eq=False)  # refreshable methods find their targets by ==; identity is what we mean
class ReviewPanel:
    """One import's review: the selection the officer makes, then what was applied."""

    review: returns.Review
    chosen: dict[int, set[str]] = field(default_factory=dict)  # enterprise -> field keys to write
    confirmed: set[int] = field(default_factory=set)
    applied: returns.Applied | None = None
    accepting: bool = False

    def __post_init__(self) -> None:
        for f in self.review.files:
            if f.applicable and f.enterprise_id is not None:
                self.chosen[f.enterprise_id] = {c.key for c in f.changes}

    @ui.refreshable_method
    def show(self) -> None:
        if self.applied is not None:
            self.outcome()
            return
        for name, reason in self.review.unreadable:
            ui.label(tr("requests.review.unreadable", name=name, reason=reason)).classes("text-negative")
        if not self.review.files and not self.review.unreadable:
            ui.label(tr("requests.review.none")).classes("text-grey-7")
        for i, f in enumerate(self.review.files):
            self.file_card(i, f)
        if any(f.applicable for f in self.review.files):
            with ui.row().classes("items-center gap-2"):
                ui.button(tr("requests.review.accept"), icon="done_all", on_click=self.on_accept).props(
                    "color=primary"
                ).mark("requests-accept").set_enabled(not self.accepting)
                if self.accepting:
                    ui.spinner(size="sm")
                    ui.label(tr("requests.review.accepting"))

    def file_card(self, index: int, f: returns.FileReview) -> None:
        title = tr("requests.review.file", name=f.name or tr("requests.review.unmatched"), file=f.filename)
        with ui.card().classes("w-full q-pa-sm").mark(f"review-file-{index}"):
            with ui.row().classes("items-center gap-2"):
                ui.label(title).classes("text-subtitle1")
                if f.blocked:
                    ui.badge(tr("requests.review.blocked"), color="negative")
                elif f.tampered:
                    ui.badge(tr("requests.review.tampered"), color="warning")
                if f.errors:
                    ui.badge(tr("requests.review.errors", n=len(f.errors)), color="orange")
            for problem in f.problems:
                ui.label(problem).classes("text-warning text-body2")
            for e in f.errors:
                ui.label(f"{e.where} {e.label}：{e.message}").classes("text-negative text-body2").mark(
                    f"review-error-{index}"
                )
            if f.blocked or f.enterprise_id is None:
                return
            if not f.changes:
                ui.label(tr("requests.review.nothing")).classes("text-grey-7")
                return
            self.choices(f.enterprise_id, f)

    def choices(self, eid: int, f: returns.FileReview) -> None:
        chosen = self.chosen.setdefault(eid, set())
        if f.tampered:
            ui.checkbox(
                tr("requests.review.confirm"),
                value=eid in self.confirmed,
                on_change=lambda e: self.confirmed.add(eid) if e.value else self.confirmed.discard(eid),
            ).mark(f"confirm-{eid}")
        boxes: list[ui.checkbox] = []

        def toggle_all(value: bool) -> None:
            for box in boxes:
                box.value = value

        ui.checkbox(
            tr("requests.review.all", n=len(f.changes)), value=True, on_change=lambda e: toggle_all(e.value)
        ).mark(f"accept-all-{eid}")
        for c in f.changes:
            with ui.row().classes("items-center gap-1 q-ml-lg"):
                box = ui.checkbox(
                    tr("requests.review.change", label=c.label, old=c.old, new=c.new),
                    value=c.key in chosen,
                    on_change=lambda e, k=c.key: chosen.add(k) if e.value else chosen.discard(k),
                ).mark(f"accept-{eid}-{c.key}")
                boxes.append(box)
                ui.label(c.where).classes("text-caption text-grey-6")

    async def on_accept(self) -> None:
        self.accepting = True
        self.show.refresh()
        try:
            self.applied = await io_bound(
                returns.accept, self.review, fields=self.chosen, confirmed=set(self.confirmed)
            )
        finally:
            self.accepting = False
        self.show.refresh()

    def outcome(self) -> None:
        applied = self.applied
        assert applied is not None
        names = {f.enterprise_id: f.name for f in self.review.files}
        ui.label(
            tr("requests.review.done", values=sum(applied.written.values()), enterprises=len(applied.written))
        ).classes("text-positive text-bold").mark("requests-applied")
        for name, reason in applied.failed + applied.skipped:
            ui.label(tr("requests.review.failed", name=name, reason=reason)).classes("text-negative")
        for eid, changed in applied.verdicts.items():
            name = names.get(eid, "")
            with ui.card().classes("w-full q-pa-sm").mark(f"applied-{eid}"):
                with ui.row().classes("items-center gap-2"):
                    ui.link(name, f"/enterprises/{eid}").classes("text-subtitle1")
                    ui.space()
                    ui.button(
                        tr("requests.review.new_pack"),
                        icon="picture_as_pdf",
                        on_click=lambda i=eid, n=name: self.on_pack(i, n),
                    ).props("flat dense").mark(f"new-pack-{eid}")
                if not changed:
                    ui.label(tr("requests.review.no_change", name=name)).classes("text-grey-7")
                for policy, before, after in changed:
                    ui.label(
                        tr("requests.review.verdict", policy=policy, before=before, after=after)
                    ).classes("text-body2")

    async def on_pack(self, enterprise_id: int, name: str) -> None:
        try:
            result = await io_bound(packs.make_pack, enterprise_id)
        except HuiqiError as exc:
            ui.notify(tr("requests.review.pack_failed", reason=exc.message()), type="negative")
            return
        ui.download.content(result.pdf, f"惠企政策服务包-{name}.pdf")
