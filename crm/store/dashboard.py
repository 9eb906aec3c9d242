"""The counts behind the 工作台's cards and charts and the yearly report: grouped scans, plain rows back."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from crm.models import Application, Enterprise, PackRecord
from crm.store import match_source


def enterprise_counts(*, session: Session) -> dict[tuple[Any, Any], int]:
    """Live enterprises per (street, division): one scan feeds both charts and the card."""
    rows = session.exec(
        select(col(Enterprise.street), col(Enterprise.sports_division), func.count())
        .where(col(Enterprise.deleted_at).is_(None))
        .group_by(col(Enterprise.street), col(Enterprise.sports_division))
    )
    return {(street, division): int(n) for street, division, n in rows.all()}


def application_counts(*, session: Session) -> list[tuple[str, str, int]]:
    """(stage, cycle, live applications): grouped by the raw pair so the count scans the covering index."""
    rows = session.exec(
        select(Application.stage, Application.cycle, func.count())
        .where(col(Application.deleted_at).is_(None))
        .group_by(Application.stage, Application.cycle)
    ).all()
    return [(stage, cycle, int(n)) for stage, cycle, n in rows]


def match_counts(*, session: Session) -> list[tuple[str, str, int]]:
    """(policy, outcome, count) of the current match source (live enterprises only)."""
    m = match_source.current().select()
    rows = session.exec(
        select(m.c.policy_id, m.c.outcome, func.count()).group_by(m.c.policy_id, m.c.outcome)
    ).all()
    return [(policy, outcome, n) for policy, outcome, n in rows]


def approvals(*, session: Session, year: int, won: list[str]) -> list[tuple[str, int, Any]]:
    """(policy, count, amount secured in 元) of live applications decided in ``year`` in a ``won`` stage."""
    rows = session.exec(
        select(Application.policy_id, func.count(), func.sum(Application.amount_secured))
        .where(
            col(Application.decided_on).between(date(year, 1, 1), date(year, 12, 31)),
            col(Application.stage).in_(won),
            col(Application.deleted_at).is_(None),
        )
        .group_by(Application.policy_id)
        .order_by(Application.policy_id)
    ).all()
    return [(policy, n, amount) for policy, n, amount in rows]


def packs_per_month(*, session: Session, year: int) -> dict[int, int]:
    """Month (1-12) -> service packs made in that month of ``year`` (months without packs left out)."""
    month = sa.extract("month", col(PackRecord.created_at))
    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    rows = session.exec(
        select(month, func.count())
        .where(PackRecord.created_at >= start, PackRecord.created_at < end)
        .group_by(month)
    ).all()
    return {int(m): int(n) for m, n in rows}
