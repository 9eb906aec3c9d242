"""Settings → 申报阶段 (admins): rename, reorder, add and deactivate the pipeline's stages in one save."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from nicegui import ui

from crm.i18n import register
from crm.services import pipeline
from ui.i18n_ui import lang, tr

register(
    {
        "ui.stages.tab": ("申报阶段", "Pipeline stages"),
        "ui.stages.hint": (
            "看板按此顺序显示阶段；代码建后不改（申报记录引用它）。停用前请先把该阶段的申报移走。",
            "The board shows the stages in this order; a code never changes (applications refer to it). "
            "Move applications out of a stage before deactivating it.",
        ),
        "ui.stages.code": ("代码", "Code"),
        "ui.stages.label": ("名称", "Name"),
        "ui.stages.label_en": ("英文名称", "English name"),
        "ui.stages.outcome": ("结果类型", "Outcome"),
        "ui.stages.next": ("可转到的阶段", "May move to"),
        "ui.stages.next_hint": (
            "留空：可转到其后任一阶段、退回上一阶段，或任一结束阶段（成功或未成）",
            "Empty: any later stage, one step back, or any closing stage (won or lost)",
        ),
        "ui.stages.active": ("启用", "Active"),
        "ui.stages.up": ("上移", "Move up"),
        "ui.stages.down": ("下移", "Move down"),
        "ui.stages.add": ("添加阶段", "Add a stage"),
        "ui.stages.save": ("保存阶段", "Save stages"),
        "ui.stages.saved": ("已保存申报阶段", "Stages saved"),
        "ui.stages.outcome.open": ("进行中", "Open"),
        "ui.stages.outcome.won": ("成功", "Won"),
        "ui.stages.outcome.lost": ("未成", "Lost"),
    }
)

OUTCOMES = ("open", "won", "lost")


@dataclass(eq=False)  # refreshable methods find their targets by ==; identity is what we mean
class StagesPanel:
    """The stages as being edited (board order) and the widgets that show each row's errors."""

    rows: list[pipeline.Stage] = field(default_factory=pipeline.all_stages)
    widgets: dict[str, Any] = field(default_factory=dict)

    def build(self) -> None:
        ui.label(tr("ui.stages.hint")).classes("text-caption text-grey-7")
        self.table()
        with ui.row().classes("gap-2"):
            ui.button(tr("ui.stages.add"), icon="add", on_click=self.add).props("flat").mark("stage-add")
            ui.button(tr("ui.stages.save"), icon="save", on_click=self.save).props("unelevated").mark(
                "stages-save"
            )

    @ui.refreshable_method
    def table(self) -> None:
        self.widgets = {}
        outcomes = {o: tr(f"ui.stages.outcome.{o}") for o in OUTCOMES}
        with ui.column().classes("w-full gap-1").mark("stages"):
            for i, row in enumerate(self.rows):
                with ui.row().classes("items-start gap-2 no-wrap").mark(f"stage-row-{i}"):
                    self._field(
                        i,
                        "code",
                        ui.input(tr("ui.stages.code"), value=row.code)
                        .classes("w-36")
                        .props("dense outlined" + (" readonly" if row.id else "")),
                    )
                    self._field(
                        i,
                        "label_zh",
                        ui.input(tr("ui.stages.label"), value=row.label)
                        .classes("w-36")
                        .props("dense outlined"),
                        attr="label",
                    )
                    self._field(
                        i,
                        "label_en",
                        ui.input(tr("ui.stages.label_en"), value=row.label_en)
                        .classes("w-40")
                        .props("dense outlined"),
                    )
                    self._field(
                        i,
                        "outcome",
                        ui.select(outcomes, label=tr("ui.stages.outcome"), value=row.outcome)
                        .classes("w-28")
                        .props("dense outlined"),
                    )
                    self._field(
                        i,
                        "next_stages",
                        ui.select(
                            {r.code: r.label for r in self.rows if r.code and r.code != row.code},
                            multiple=True,
                            value=list(row.next_stages),
                            label=tr("ui.stages.next"),
                        )
                        .classes("w-56")
                        .props("dense outlined use-chips")
                        .tooltip(tr("ui.stages.next_hint")),
                    )
                    self._field(i, "active", ui.switch(tr("ui.stages.active"), value=row.active))
                    ui.button(icon="arrow_upward", on_click=lambda _, i=i: self.swap(i, i - 1)).props(
                        "flat dense"
                    ).tooltip(tr("ui.stages.up")).mark(f"stage-up-{i}").set_enabled(i > 0)
                    ui.button(icon="arrow_downward", on_click=lambda _, i=i: self.swap(i, i + 1)).props(
                        "flat dense"
                    ).tooltip(tr("ui.stages.down")).mark(f"stage-down-{i}").set_enabled(
                        i < len(self.rows) - 1
                    )

    def _field(self, i: int, name: str, widget: Any, *, attr: str | None = None) -> None:
        """Keep the row's value in step with its widget; remember the widget for the row's errors."""
        widget.mark(f"stage-{name}-{i}")
        widget.on_value_change(lambda e: self._edit(i, attr or name, e.value))
        self.widgets[f"{i}.{name}"] = widget

    def _edit(self, i: int, attr: str, value: Any) -> None:
        clean: Any = value.strip() if isinstance(value, str) else value
        if isinstance(clean, list):
            clean = tuple(clean)
        self.rows[i] = replace(self.rows[i], **{attr: clean})

    def swap(self, i: int, j: int) -> None:
        self.rows[i], self.rows[j] = self.rows[j], self.rows[i]
        self.table.refresh()

    def add(self) -> None:
        self.rows.append(pipeline.Stage("", "", "", "open", id=None))
        self.table.refresh()

    def save(self) -> None:
        try:
            saved = pipeline.save_stages(self.rows)
        except pipeline.ValidationFailed as bad:
            self.show_errors(bad.by_field(lang()))
            ui.notify(tr("error.validation"), type="warning")
            return
        self.rows = saved
        self.table.refresh()
        ui.notify(tr("ui.stages.saved"), type="positive")

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, widget in self.widgets.items():
            if hasattr(widget, "error"):
                widget.error = errors.get(key)
        unshown = [
            k for k in errors if k not in self.widgets or k.endswith(".active")
        ]  # a switch has no error
        for key in unshown:
            ui.notify(errors[key], type="warning", multi_line=True)
