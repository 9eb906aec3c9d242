"""The what-if drawer beside an enterprise's verdicts: assume a few facts (typed in their own units:
万元, %, 人, dates, 是/否) and see at once which verdicts would change. Nothing is saved."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nicegui import ui

from crm.errors import HuiqiError
from crm.i18n import register
from crm.services import matching
from ui.format import outcome, outcome_colour
from ui.i18n_ui import lang, tr

register(
    {
        "match.whatif": ("假设分析（不保存）", "What-if (not saved)"),
        "match.whatif_open": ("假设分析", "What-if"),
        "match.whatif_fact": ("要假设的事实", "Fact to assume"),
        "match.whatif_value": ("假设值", "Assumed value"),
        "match.whatif_now": ("当前：{value}", "Now: {value}"),
        "match.whatif_apply": ("试算", "Apply"),
        "match.whatif_clear": ("清除全部假设", "Clear all"),
        "match.whatif_active": ("当前假设：{items}", "Assuming: {items}"),
        "match.whatif_none": (
            "尚未假设任何事实。选择一项事实、填写假设值后点“试算”，左侧结果随即更新。",
            "No assumption yet. Pick a fact, type a value and apply: the verdicts on the left update.",
        ),
        "match.whatif_changes": ("与实际相比的变化", "Changes against the actual verdicts"),
        "match.whatif_no_change": ("没有政策的结论改变", "No verdict changes"),
        "match.whatif_unknown": ("未知", "unknown"),
    }
)

# a drawer that stays in view beside a long list of verdicts (below the page header)
DRAWER_STYLE = "width: 24rem; position: sticky; top: 64px; max-height: calc(100vh - 80px); overflow-y: auto"


@dataclass(eq=False)  # refreshable methods find their targets by ==; identity is what we mean
class WhatIfDrawer:
    """The assumptions (fact name -> typed value) and the drawer showing them; ``on_change`` re-runs the
    verdicts, which report back through ``show_changes``."""

    on_change: Callable[[], None]
    overrides: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)  # the actual fact values, for "now: ..."
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (policy title, before, after)
    fact: str | None = None
    text: str = ""
    panel: Any = None
    value_input: Any = None
    catalogue: dict[str, matching.WhatIfFact] = field(default_factory=dict)

    def build(self) -> None:
        self.catalogue = {f.name: f for f in matching.what_if_facts(lang())}
        self.panel = ui.card().props("flat bordered").classes("shrink-0 q-pa-sm gap-2").style(DRAWER_STYLE)
        self.panel.mark("whatif")
        self.panel.visible = False
        with self.panel:
            with ui.row().classes("w-full items-center no-wrap"):
                ui.label(tr("match.whatif")).classes("text-subtitle1")
                ui.space()
                ui.button(icon="close", on_click=self.toggle).props("flat round dense").mark("whatif-close")
            ui.select(
                {name: f.label for name, f in self.catalogue.items()},
                label=tr("match.whatif_fact"),
                with_input=True,
                on_change=lambda e: self.pick(e.value),
            ).classes("w-full").mark("whatif-fact")
            self.entry()
            with ui.row().classes("gap-2"):
                ui.button(tr("match.whatif_apply"), icon="calculate", on_click=self.apply).props(
                    "unelevated dense no-caps"
                ).mark("whatif-apply")
                ui.button(tr("match.whatif_clear"), on_click=self.clear).props("flat dense no-caps").mark(
                    "whatif-clear"
                )
            self.assumptions()

    def toggle(self) -> None:
        self.panel.visible = not self.panel.visible

    def pick(self, name: str | None) -> None:
        self.fact, self.text = name, ""
        self.entry.refresh()

    @ui.refreshable_method
    def entry(self) -> None:
        fact = self.catalogue.get(self.fact or "")
        if fact is None:
            self.value_input = None
            return
        now = matching.fact_value_text(fact.name, self.facts.get(fact.name))
        ui.label(tr("match.whatif_now", value=now)).classes("text-caption text-grey-8").mark("whatif-now")
        if fact.kind == "bool":
            self.text = "未知"
            options = {"是": tr("common.yes"), "否": tr("common.no"), "未知": tr("match.whatif_unknown")}
            ui.toggle(options, value="未知", on_change=lambda e: setattr(self, "text", e.value)).props(
                "dense no-caps"
            ).mark("whatif-value")
            self.value_input = None
            return
        self.value_input = (
            ui.input(
                tr("match.whatif_value"),
                placeholder=fact.hint,
                on_change=lambda e: self.typed(e.value),
            )
            .props(f'dense suffix="{fact.unit}" hint="{fact.hint}"')
            .classes("w-full")
            .mark("whatif-value")
        )
        self.value_input.on("keydown.enter", self.apply)

    def typed(self, text: str | None) -> None:
        self.text = text or ""
        if self.value_input is not None and self.value_input.error:
            self.value_input.error = None  # the old complaint is about what was there before

    def apply(self) -> None:
        if not self.fact:
            return
        try:
            value = matching.parse_assumption(self.fact, self.text)
        except HuiqiError as bad:
            if self.value_input is not None:
                self.value_input.error = bad.message(lang())
            ui.notify(bad.message(lang()), type="warning")
            return
        self.overrides[self.fact] = value
        self.on_change()
        self.pick(self.fact)
        self.assumptions.refresh()

    def remove(self, name: str) -> None:
        self.overrides.pop(name, None)
        self._changed()

    def clear(self) -> None:
        self.overrides.clear()
        self._changed()

    def _changed(self) -> None:
        if not self.overrides:
            self.changes = []
        self.on_change()
        self.assumptions.refresh()

    def show_changes(self, changes: list[tuple[str, str, str]]) -> None:
        """Told by the verdicts which policies an assumption moves (before, after)."""
        self.changes = changes

    def summary(self) -> str:
        """The assumptions in words: each fact's label and value, no keys."""
        return "、".join(self._assumption(name, value) for name, value in self.overrides.items())

    def _assumption(self, name: str, value: Any) -> str:
        label = self.catalogue[name].label if name in self.catalogue else name
        return f"{label}＝{matching.fact_value_text(name, value)}"

    @ui.refreshable_method
    def assumptions(self) -> None:
        if not self.overrides:
            ui.label(tr("match.whatif_none")).classes("text-caption text-grey-7")
            return
        for name, value in self.overrides.items():
            with ui.row().classes("w-full items-center no-wrap gap-1"):
                ui.label(self._assumption(name, value)).classes("text-body2 col")
                ui.button(icon="close", on_click=lambda _, n=name: self.remove(n)).props(
                    "flat round dense size=sm"
                ).mark(f"whatif-remove-{name}")
        ui.separator()
        ui.label(tr("match.whatif_changes")).classes("text-subtitle2")
        if not self.changes:
            ui.label(tr("match.whatif_no_change")).classes("text-caption text-grey-7").mark("whatif-changes")
        for title, before, after in self.changes:
            with ui.row().classes("items-center gap-1").mark("whatif-changes"):
                ui.label(title).classes("text-body2")
                ui.label(outcome(before)).classes(f"text-{outcome_colour(before)} text-body2")
                ui.icon("arrow_forward", size="xs")
                ui.label(outcome(after)).classes(f"text-{outcome_colour(after)} text-bold text-body2")
