"""The radar's query pieces: live (and owned) enterprises, capped counts, stage lookups, credential ends."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from crm.domain import VALIDITY_YEARS
from crm.models import Credential, Enterprise, PipelineStage


def live_owned(officer_id: int | None) -> list[Any]:
    where: list[Any] = [col(Enterprise.deleted_at).is_(None)]
    if officer_id is not None:
        where.append(Enterprise.owner_officer_id == officer_id)
    return where


def owned_matches(m: Any, officer_id: int | None) -> list[Any]:
    """Live enterprises (of one officer): per officer the match rows are probed by the officer's ids."""
    where: list[Any] = [col(Enterprise.deleted_at).is_(None)]
    if officer_id is not None:
        where.append(
            m.c.enterprise_id.in_(select(Enterprise.id).where(Enterprise.owner_officer_id == officer_id))
        )
    return where


def capped_count(session: Session, query: Any, cap: int) -> int:
    """``count(*)`` of ``query`` that stops at ``cap`` rows (bounded work on a big office)."""
    if cap <= 0:
        return 0
    return int(session.exec(select(func.count()).select_from(query.limit(cap).subquery())).one())


def open_stages(session: Session) -> list[str]:
    return list(session.exec(select(PipelineStage.code).where(PipelineStage.outcome == "open")))


def first_stage(session: Session) -> str:
    return (
        session.exec(
            select(PipelineStage.code)
            .where(PipelineStage.active == True)  # noqa: E712
            .order_by(col(PipelineStage.position))
        ).first()
        or "recommended"
    )


def stage_labels(session: Session) -> dict[str, str]:
    return {s.code: s.label_zh for s in session.exec(select(PipelineStage))}


def ends_between(on: date, until: date) -> Any:
    """Credential end in [on, until]: ``expires_on`` when set, else issue date + validity - 1 day."""
    by_kind = [
        sa.and_(
            col(Credential.kind) == kind,
            col(Credential.expires_on).is_(None),
            col(Credential.issued_on).between(
                shift(on, -years) + timedelta(days=1), shift(until, -years) + timedelta(days=1)
            ),
        )
        for kind, years in VALIDITY_YEARS.items()
    ]
    return sa.or_(col(Credential.expires_on).between(on, until), *by_kind)


def shift(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def plus_years(session: Session, column: Any, years: int) -> Any:
    """SQL date ``column`` + ``years`` - 1 day, on SQLite and PostgreSQL."""
    if session.get_bind().dialect.name == "sqlite":
        return func.date(column, f"+{years} years", "-1 day")
    return sa.cast(column + sa.text(f"interval '{years} years'") - sa.text("interval '1 day'"), sa.Date)
