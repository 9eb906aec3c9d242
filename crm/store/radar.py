"""The radar's and the calendar's queries: who is not told, what stalls, what expires, which tasks are due.

Each section's query is bounded: totals are counted up to a cap (``_capped_count``), rows are limited.
Rows come back as plain tuples (or a model with the enterprise's name).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from crm.domain import VALIDITY_YEARS
from crm.models import Application, Credential, Enterprise, Task
from crm.store import match_source

# --- matched but not told, facts to collect ---------------------------------------------------------


def untold(
    *,
    session: Session,
    policy_id: str,
    cycle: str,
    outcomes: tuple[str, ...],
    officer_id: int | None,
    limit: int,
) -> list[tuple[int, str, str, Decimal | None, Decimal | None]]:
    """(enterprise id, name, outcome, value low, value high) matched ``outcomes`` on ``policy_id`` with no
    application of ``cycle`` (opening one is acting on it; one left in its first stage shows as stalled);
    live enterprises (of one officer), at most ``limit`` rows."""
    m = match_source.current().select()
    told = (
        select(Application.id)
        .where(
            Application.enterprise_id == m.c.enterprise_id,
            Application.policy_id == policy_id,
            Application.cycle == cycle,
            col(Application.deleted_at).is_(None),
        )
        .exists()
    )
    rows = session.execute(
        sa.select(
            m.c.enterprise_id,
            Enterprise.__table__.c.name,  # type: ignore[attr-defined]
            m.c.outcome,
            m.c.value_low,
            m.c.value_high,
        )
        .join(Enterprise, col(Enterprise.id) == m.c.enterprise_id)
        .where(
            m.c.policy_id == policy_id,
            m.c.outcome.in_(outcomes),
            ~told,
            *_owned_matches(m, officer_id),
        )
        .limit(limit)
    ).all()
    return [(eid, name, outcome, low, high) for eid, name, outcome, low, high in rows]


def to_collect(
    *,
    session: Session,
    policy_ids: tuple[str, ...],
    outcomes: tuple[str, ...],
    officer_id: int | None,
    limit: int,
) -> list[tuple[int, str, str, str, str]]:
    """(enterprise id, name, facts to collect, outcome, policy) of verdicts (``outcomes``) held up by
    unknown facts, on ``policy_ids``; live enterprises (of one officer), at most ``limit`` rows."""
    m = match_source.current().select()
    rows = session.execute(
        sa.select(
            m.c.enterprise_id,
            Enterprise.__table__.c.name,  # type: ignore[attr-defined]
            m.c.to_collect,
            m.c.outcome,
            m.c.policy_id,
        )
        .join(Enterprise, col(Enterprise.id) == m.c.enterprise_id)
        .where(
            col(m.c.policy_id).in_(policy_ids),
            m.c.outcome.in_(outcomes),
            m.c.to_collect.is_not(None),
            m.c.to_collect != "",
            *_owned_matches(m, officer_id),
        )
        .limit(limit)
    ).all()
    return [(eid, name, facts, outcome, pid) for eid, name, facts, outcome, pid in rows]


# --- stalled applications ----------------------------------------------------------------------------


def stalled(
    *, session: Session, stage: str, since: date, officer_id: int | None, cap: int, limit: int
) -> tuple[int, list[tuple[Application, str]]]:
    """Live applications (owned by the officer) in ``stage`` since ``since`` or earlier: the total (up to
    ``cap``) and the ``limit`` longest-waiting, each with the enterprise's name."""
    where: list[Any] = [
        Application.stage == stage,
        Application.stage_since <= since,
        col(Application.deleted_at).is_(None),
        col(Enterprise.deleted_at).is_(None),
    ]
    if officer_id is not None:
        where.append(Application.owner_officer_id == officer_id)
    total = _capped_count(session, select(Application.id).join(Enterprise).where(*where), cap)
    rows = session.exec(
        select(Application, Enterprise.name)
        .join(Enterprise)
        .where(*where)
        .order_by(col(Application.stage_since), col(Application.id))
        .limit(limit)
    ).all()
    return total, [(a, name) for a, name in rows]


# --- expiring certificates ---------------------------------------------------------------------------


def expiring(
    *, session: Session, on: date, until: date, officer_id: int | None, cap: int, limit: int
) -> tuple[int, list[tuple[Credential, str, date]]]:
    """Certificates of a kind with a validity (``VALIDITY_YEARS``) ending in [on, until] of live enterprises
    (of one officer): the total (up to ``cap``) and the ``limit`` ending first, with name and end date."""
    end = sa.case(
        *[
            (
                col(Credential.kind) == kind,
                func.coalesce(Credential.expires_on, _plus_years(session, Credential.issued_on, years)),
            )
            for kind, years in VALIDITY_YEARS.items()
        ],
        else_=Credential.expires_on,
    )
    where = [
        col(Credential.deleted_at).is_(None),
        col(Credential.kind).in_(tuple(VALIDITY_YEARS)),
        _ends_between(on, until),
        *_live_owned(officer_id),
    ]
    total = _capped_count(session, select(Credential.id).join(Enterprise).where(*where), cap)
    query = (
        select(Credential, Enterprise.name, end.label("ends"))
        .join(Enterprise)
        .where(*where)
        .order_by(sa.text("ends"), col(Credential.id))
        .limit(limit)
    )
    rows = []
    for c, name, ends in session.exec(query):
        rows.append((c, name, ends if isinstance(ends, date) else date.fromisoformat(str(ends)[:10])))
    return total, rows


# --- tasks -------------------------------------------------------------------------------------------


def tasks_due(
    *, session: Session, until: date, officer_id: int | None, cap: int, limit: int
) -> tuple[int, list[tuple[Task, str | None]]]:
    """Open tasks (assigned to the officer) due on or before ``until``: the total (up to ``cap``) and the
    ``limit`` due first, each with its enterprise's name (None for a task of no enterprise)."""
    where: list[Any] = [
        col(Task.deleted_at).is_(None),
        Task.status == "open",
        col(Task.due_date).is_not(None),
        col(Task.due_date) <= until,
    ]
    if officer_id is not None:
        where.append(Task.assignee_id == officer_id)
    total = _capped_count(session, select(Task.id).where(*where), cap)
    query = (
        select(Task, Enterprise.name)
        .join(Enterprise, isouter=True)
        .where(*where)
        .order_by(col(Task.due_date), col(Task.id))
        .limit(limit)
    )
    return total, [(t, name) for t, name in session.exec(query)]


def tasks_between(
    *, session: Session, start: date, end: date, officer_id: int | None = None
) -> list[tuple[Task, str | None]]:
    """Open tasks (assigned to the officer) due in [start, end], each with its enterprise's name."""
    query = (
        select(Task, Enterprise.name)
        .join(Enterprise, col(Task.enterprise_id) == Enterprise.id, isouter=True)
        .where(col(Task.deleted_at).is_(None), Task.status == "open", col(Task.due_date).between(start, end))
    )
    if officer_id is not None:
        query = query.where(Task.assignee_id == officer_id)
    return [(t, name) for t, name in session.exec(query)]


# --- query pieces ------------------------------------------------------------------------------------


def _capped_count(session: Session, query: Any, cap: int) -> int:
    """``count(*)`` of ``query`` that stops at ``cap`` rows (bounded work on a big office)."""
    if cap <= 0:
        return 0
    return int(session.exec(select(func.count()).select_from(query.limit(cap).subquery())).one())


def _live_owned(officer_id: int | None) -> list[Any]:
    where: list[Any] = [col(Enterprise.deleted_at).is_(None)]
    if officer_id is not None:
        where.append(Enterprise.owner_officer_id == officer_id)
    return where


def _owned_matches(m: Any, officer_id: int | None) -> list[Any]:
    """Live enterprises (of one officer): per officer the match rows are probed by the officer's ids."""
    where: list[Any] = [col(Enterprise.deleted_at).is_(None)]
    if officer_id is not None:
        where.append(
            m.c.enterprise_id.in_(select(Enterprise.id).where(Enterprise.owner_officer_id == officer_id))
        )
    return where


def _ends_between(on: date, until: date) -> Any:
    """Credential end in [on, until]: ``expires_on`` when set, else issue date + validity - 1 day."""
    by_kind = [
        sa.and_(
            col(Credential.kind) == kind,
            col(Credential.expires_on).is_(None),
            col(Credential.issued_on).between(
                _shift(on, -years) + timedelta(days=1), _shift(until, -years) + timedelta(days=1)
            ),
        )
        for kind, years in VALIDITY_YEARS.items()
    ]
    return sa.or_(col(Credential.expires_on).between(on, until), *by_kind)


def _shift(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _plus_years(session: Session, column: Any, years: int) -> Any:
    """SQL date ``column`` + ``years`` - 1 day, on SQLite and PostgreSQL."""
    if session.get_bind().dialect.name == "sqlite":
        return func.date(column, f"+{years} years", "-1 day")
    return sa.cast(column + sa.text(f"interval '{years} years'") - sa.text("interval '1 day'"), sa.Date)
