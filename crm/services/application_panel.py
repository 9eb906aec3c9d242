"""One application opened beside the board: its record for editing, the stages it may move to next, and
moves that can be undone for a minute (the undo is audited like the move)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from crm.auth import require
from crm.db import session_scope
from crm.errors import HuiqiError
from crm.i18n import register
from crm.models import Application
from crm.services import pipeline
from crm.services.enterprises import current_actor
from crm.store import applications as store
from crm.store import get_record, transitions, tx

UNDO_SECONDS = 60

register(
    {
        "app.error.undo_expired": (
            "超过一分钟，不能再撤销这次移动",
            "More than a minute ago: the move can no longer be undone",
        )
    }
)


class UndoExpired(HuiqiError):
    key = "app.error.undo_expired"


@dataclass(frozen=True)
class Undo:
    """What puts a move back: the application's state before it, and when the move was made."""

    application_id: int
    version: int  # the application's version right after the move
    prior: dict[str, Any]
    at: datetime
    stage: str  # where it was moved to

    def live(self, now: datetime | None = None) -> bool:
        return (now or datetime.now(UTC)) - self.at <= timedelta(seconds=UNDO_SECONDS)


def record(application_id: int) -> Application:
    """The application's stored record (the side panel's form)."""
    with session_scope() as session:
        return get_record(session=session, model=Application, record_id=application_id)


def next_stages(current: str) -> list[pipeline.Stage]:
    """The stages an application in ``current`` may move to (the stage's own list, else any later stage,
    the one before it and every closing stage)."""
    with session_scope() as session:
        rows = store.stages(session=session)
        allowed = set(transitions.next_stage_codes(rows, current))
        return [pipeline._stage(s) for s in rows if s.code in allowed]


@tx.retrying
def move(application_id: int, expected_version: int, stage: str, *, on: date | None = None) -> Undo:
    """Move the application if its stage allows it; the returned token undoes it within a minute."""
    require("write")
    with session_scope() as session:
        before = get_record(session=session, model=Application, record_id=application_id)
        prior = {
            "stage": before.stage,
            "stage_since": before.stage_since.isoformat(),
            "stage_dates": dict(before.stage_dates),
            "decided_on": before.decided_on.isoformat() if before.decided_on else None,
        }
        moved = store.move_application(
            session=session,
            application_id=application_id,
            expected_version=expected_version,
            stage=stage,
            on=on or date.today(),
            actor=current_actor(),
        )
        return Undo(application_id, moved.version, prior, datetime.now(UTC), stage)


@tx.retrying
def undo(token: Undo, *, now: datetime | None = None) -> Application:
    """Put the application back as it was before the move (refused after a minute, or if changed since)."""
    require("write")
    if not token.live(now):
        raise UndoExpired()
    with session_scope() as session:
        return transitions.restore_stage(
            session=session,
            application_id=token.application_id,
            expected_version=token.version,
            prior=token.prior,
            actor=current_actor(),
        )
