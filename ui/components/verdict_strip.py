"""The verdict strip at the top of an enterprise page: outcome counts in the vocabulary's colours, the
estimated value of what the enterprise can apply for (万元/年 and one-off), and the next deadline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nicegui import ui

from crm.i18n import register
from crm.services import overview
from ui.format import days_left, outcome, outcome_colour, value_range
from ui.i18n_ui import tr

register(
    {
        "ui.strip.none": ("尚无匹配结果", "No verdicts yet"),
        "ui.strip.value": (
            "预计价值（符合及基本符合）：{value}",
            "Estimated value (eligible and likely): {value}",
        ),
        "ui.strip.value_none": (
            "预计价值：暂无可估算的政策",
            "Estimated value: no policy can be estimated yet",
        ),
        "ui.strip.deadline": ("下一截止：{day} {kind} · {title}", "Next deadline: {day} {kind} · {title}"),
        "ui.strip.deadline_none": (
            "近期没有可申报政策的截止日期",
            "No upcoming deadline of a policy to apply for",
        ),
        "ui.strip.closes": ("（申报截止 {closes}）", " (window closes {closes})"),
    }
)


@dataclass(eq=False)  # refreshable methods find their targets by ==; identity is what we mean
class VerdictStrip:
    """Shown empty first; the match tab hands it the document once the verdicts are computed."""

    doc: dict[str, Any] | None = None

    def show(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.body.refresh()

    @ui.refreshable_method
    def body(self) -> None:
        with ui.card().props("flat bordered").classes("w-full q-pa-sm").mark("verdict-strip"):
            if self.doc is None:
                ui.label(tr("ui.strip.none")).classes("text-grey-7")
                return
            s = overview.strip(self.doc)
            with ui.row().classes("items-center gap-2"):
                for code, n in s.counts.items():
                    ui.badge(f"{outcome(code)} {n}", color=outcome_colour(code)).classes(
                        "text-body2 q-px-sm"
                    ).mark(f"strip-{code}")
            ui.label(_value(s)).classes("text-body2").mark("strip-value")
            _deadline(s.next_deadline)


def _value(s: overview.Strip) -> str:
    parts = [
        value_range(v.low, v.high, per) for v, per in ((s.per_year, "year"), (s.once, "once")) if v.policies
    ]
    return tr("ui.strip.value", value=" · ".join(parts)) if parts else tr("ui.strip.value_none")


def _deadline(d: overview.Deadline | None) -> None:
    if d is None:
        ui.label(tr("ui.strip.deadline_none")).classes("text-body2 text-grey-7").mark("strip-deadline")
        return
    text = tr("ui.strip.deadline", day=d.day.isoformat(), kind=tr(f"ui.deadline.{d.kind}"), title=d.title)
    if d.kind == "internal_deadline":
        text += tr("ui.strip.closes", closes=d.closes.isoformat())
    colour = "text-negative" if d.left.working <= 3 else "text-body2"
    with ui.row().classes("items-center gap-2"):
        ui.label(text).classes("text-body2").mark("strip-deadline")
        ui.label(days_left(d.left)).classes(f"text-caption {colour}")
