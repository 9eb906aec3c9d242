"""The enterprise's 政策匹配 tab: each policy's verdict with the condition tree (✓ ✗ ?), value vs threshold
and gap, what to collect, settling manual conditions, and a what-if drawer beside them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nicegui import ui

from crm.domain import ACTIONABLE_OUTCOMES
from crm.i18n import register
from crm.services import matching, pipeline
from ui.components.what_if import WhatIfDrawer
from ui.format import outcome_colour
from ui.i18n_ui import lang, tr

# --- rule-engine UI strings (match tab and policies page) ---------------------------------------------
register(
    {
        "match.title": ("政策匹配（{on}，规则集 {hash}）", "Policy match ({on}, rules {hash})"),
        "match.refresh": ("重新匹配", "Re-match"),
        "match.to_collect": ("需补充的资料", "To collect"),
        "match.pending": ("待人工核定", "Waiting for an officer"),
        "match.settle_met": ("核定满足", "Settle: met"),
        "match.settle_not_met": ("核定不满足", "Settle: not met"),
        "match.settle_note": ("核定说明", "Note"),
        "match.settled": ("已记录核定", "Settlement recorded"),
        "match.held": (
            "有效期至 {until}，建议 {reapply} 起准备重新申报",
            "Valid until {until}; prepare re-application from {reapply}",
        ),
        "match.create_app": ("建申报", "Create application"),
        "match.value_title": ("（预计价值：{value}）", " (estimated value: {value})"),
        "match.value": (
            "预计价值 {value}；估算依据：{basis}（可信度：{confidence}）",
            "Estimated value {value}; basis: {basis} (confidence: {confidence})",
        ),
        "match.no_value": ("预计价值：未估算（{basis}）", "Estimated value: not estimated ({basis})"),
        "match.confidence.high": ("高", "high"),
        "match.confidence.medium": ("中", "medium"),
        "match.confidence.low": ("低，仅供参考", "low, for reference only"),
        "match.app_created": (
            "已建申报 #{id}（批次 {cycle}），见“申报”页",
            "Application #{id} created (cycle {cycle}); see Applications",
        ),
    }
)

MARKS = {"met": ("✓", "text-positive"), "not_met": ("✗", "text-negative"), "unknown": ("?", "text-warning")}


def match_tab(enterprise_id: int, on_report: Callable[[dict[str, Any]], None] | None = None) -> None:
    """Render the match tab of one enterprise; ``on_report`` is told of each actual result (the strip)."""
    MatchTab(enterprise_id, on_report).build()


@dataclass(eq=False)  # refreshable methods find their targets by ==; identity is what we mean
class MatchTab:
    enterprise_id: int
    on_report: Callable[[dict[str, Any]], None] | None = None  # told of each actual (not what-if) result
    notes: dict[str, str] = field(default_factory=dict)
    actual: dict[str, str] = field(default_factory=dict)  # policy id -> outcome without assumptions
    what_if: WhatIfDrawer = field(init=False)

    def __post_init__(self) -> None:
        self.what_if = WhatIfDrawer(on_change=self.refresh)

    def build(self) -> None:
        with ui.row().classes("w-full no-wrap items-start gap-4"):
            with ui.column().classes("col gap-1").style("min-width: 0"):
                self.body()
            self.what_if.build()

    def refresh(self) -> None:
        self.body.refresh()

    @ui.refreshable_method
    def body(self) -> None:
        overrides = self.what_if.overrides
        if overrides:
            report = matching.what_if(self.enterprise_id, overrides=overrides)
        else:
            report = matching.match(self.enterprise_id)
            self.what_if.facts = report.facts
        doc = report.document()
        if overrides:
            self.what_if.show_changes(
                [
                    (p["title"], self.actual[p["policy"]], p["outcome"])
                    for p in doc["policies"]
                    if p["policy"] in self.actual and self.actual[p["policy"]] != p["outcome"]
                ]
            )
        else:
            self.actual = {p["policy"]: p["outcome"] for p in doc["policies"]}
            if self.on_report is not None:
                self.on_report(doc)
        with ui.row().classes("w-full items-center"):
            ui.label(tr("match.title", on=doc["on"], hash=doc["rules_hash"])).classes("text-subtitle1")
            ui.space()
            ui.button(tr("match.whatif_open"), icon="science", on_click=self.what_if.toggle).props(
                "flat dense no-caps"
            ).mark("whatif-open")
            ui.button(tr("match.refresh"), icon="refresh", on_click=self.body.refresh).props(
                "flat dense"
            ).mark("match-refresh")
        if overrides:
            ui.label(tr("match.whatif_active", items=self.what_if.summary())).classes("text-warning").mark(
                "whatif-active"
            )
        for policy in doc["policies"]:
            self.policy_card(policy)

    def policy_card(self, p: dict[str, Any]) -> None:
        title = f"{p['rank']}. {p['title']} —— {p['outcome_zh']}"
        if _estimated(p["value"]):
            title += tr("match.value_title", value=p["value_zh"])
        with (
            ui.expansion(title, value=p["outcome"] in ACTIONABLE_OUTCOMES)
            .classes("w-full")
            .props(f"dense header-class=text-{outcome_colour(p['outcome'])}")
            .mark(f"policy-{p['policy']}")
        ):
            if p["outcome"] in ACTIONABLE_OUTCOMES:
                ui.button(
                    tr("match.create_app"),
                    icon="post_add",
                    on_click=lambda _, pid=p["policy"], o=p["outcome"]: self.create_application(pid, o),
                ).props("flat dense no-caps").mark(f"create-app-{p['policy']}")
            if p["value"] is not None:
                key = "match.value" if _estimated(p["value"]) else "match.no_value"
                ui.label(
                    tr(
                        key,
                        value=p["value_zh"],
                        basis=p["value"]["basis"],
                        confidence=tr(f"match.confidence.{p['value']['confidence']}"),
                    )
                ).classes("text-caption text-grey-8").mark(f"value-{p['policy']}")
            if p["held_until"]:
                ui.label(tr("match.held", until=p["held_until"], reapply=p["reapply_from"])).classes(
                    "text-teal"
                )
            self.tree(p["trace"], p["policy"])
            if p["to_collect"]:
                ui.label(tr("match.to_collect")).classes("text-subtitle2 q-mt-sm")
                for item in p["to_collect"]:
                    ui.label(f"请补充：{item['label']}").classes("text-body2").mark(f"collect-{p['policy']}")

    def tree(self, node: dict[str, Any], policy_id: str, depth: int = 0) -> None:
        mark, color = MARKS[node["status"]]
        with ui.row().classes("items-center gap-2 no-wrap").style(f"margin-left: {depth * 1.2}rem"):
            ui.label(mark).classes(f"{color} text-bold")
            ui.label(node["label"]).classes(
                "text-body2" if node.get("relevant", True) else "text-body2 text-grey"
            )
            detail = matching.condition_text(node)
            if detail:
                ui.label(detail).classes("text-caption text-grey-8").mark(f"cond-{policy_id}-{node['id']}")
            if node.get("review") and node["status"] == "unknown" and not node.get("settled"):
                self.settle_controls(policy_id, node["id"])
        for child in node.get("children", []):
            self.tree(child, policy_id, depth + 1)

    def settle_controls(self, policy_id: str, condition_id: str) -> None:
        key = f"{policy_id}.{condition_id}"
        ui.input(
            tr("match.settle_note"), on_change=lambda e: self.notes.__setitem__(key, e.value or "")
        ).props("dense").classes("w-48").mark(f"note-{policy_id}-{condition_id}")
        for met, label in ((True, "match.settle_met"), (False, "match.settle_not_met")):
            ui.button(tr(label), on_click=lambda _, m=met: self.settle(policy_id, condition_id, m)).props(
                "flat dense no-caps"
            ).mark(f"settle-{'met' if met else 'not'}-{policy_id}-{condition_id}")

    def settle(self, policy_id: str, condition_id: str, met: bool) -> None:
        matching.settle(
            enterprise_id=self.enterprise_id,
            policy_id=policy_id,
            condition_id=condition_id,
            met=met,
            note=self.notes.get(f"{policy_id}.{condition_id}", ""),
        )
        ui.notify(tr("match.settled"), type="positive")
        self.body.refresh()

    def create_application(self, policy_id: str, outcome: str) -> None:
        """One click: open the application of this policy in its current cycle (refused if it exists)."""
        try:
            app = pipeline.create_from_match(self.enterprise_id, policy_id, outcome=outcome)
        except pipeline.DuplicateApplication as exists:
            ui.notify(exists.message(lang()), type="warning", multi_line=True)
            return
        ui.notify(tr("match.app_created", id=app.id, cycle=app.cycle), type="positive")


def _estimated(value: dict[str, Any] | None) -> bool:
    """Whether a verdict's value estimate says anything (a bounded range, or a positive floor)."""
    return value is not None and (value["high"] is not None or (value["low"] or 0) > 0)
