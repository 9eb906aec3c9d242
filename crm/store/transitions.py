"""Which stage an application may move to next, and putting a move back (undo).

Each stage may list its next stages (set with the stages in 设置); a stage with an empty list allows every
later stage, one step back (a mistaken move) and every closing stage (won or lost): no jumping back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlmodel import Session

from crm import i18n
from crm.models import Application, PipelineStage
from crm.store.core import StoreError, update_versioned

i18n.register(
    {
        "app.error.transition": (
            "“{current}”阶段不能直接移到“{target}”；可移到：{allowed}",
            "An application in '{current}' cannot move to '{target}' directly; it can move to: {allowed}",
        ),
        "app.error.none": ("无", "none"),
    }
)


class TransitionRefused(StoreError):
    """The move is not among the current stage's allowed next stages; nothing was written."""

    key = "app.error.transition"

    def __init__(self, current: str, target: str, allowed: str) -> None:
        super().__init__(current=current, target=target, allowed=allowed)


def next_stage_codes(stages: Sequence[PipelineStage], current: str) -> list[str]:
    """The stage codes an application in ``current`` may move to, in board order: the stage's own list, else
    any later stage (an officer catching up may skip some), the one just before it, and every closing stage."""
    codes = [s.code for s in stages]
    here = next((s for s in stages if s.code == current), None)
    if here is not None and here.next_stages:
        return [c for c in codes if c in here.next_stages and c != current]
    if current not in codes:  # a stage no longer active: anywhere
        return codes
    i = codes.index(current)
    closing = {s.code for s in stages if s.outcome != "open"}
    return [c for j, c in enumerate(codes) if j != i and (j > i or j == i - 1 or c in closing)]


def check_move(stages: Sequence[PipelineStage], current: str, target: PipelineStage) -> None:
    """Raise ``TransitionRefused`` (with the stages it may go to) unless ``current`` -> ``target`` is allowed."""
    allowed = next_stage_codes(stages, current)
    if target.code in allowed:
        return
    labels = {s.code: s.label_zh for s in stages}
    names = "、".join(labels[c] for c in allowed) or i18n.t("app.error.none")
    raise TransitionRefused(labels.get(current, current), target.label_zh, names)


def restore_stage(
    *, session: Session, application_id: int, expected_version: int, prior: dict[str, Any], actor: str
) -> Application:
    """Put back the stage, its dates and decision date an application had before a move (audited)."""
    changes = {
        "stage": prior["stage"],
        "stage_since": date.fromisoformat(prior["stage_since"]),
        "stage_dates": dict(prior["stage_dates"]),
        "decided_on": date.fromisoformat(prior["decided_on"]) if prior.get("decided_on") else None,
    }
    return update_versioned(session, Application, application_id, expected_version, changes, actor=actor)
