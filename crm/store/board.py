"""The applications board and list: filtered, counted and paged queries over live applications.

Rows come back as (application, enterprise name, street, owner's display name); the services turn
them into cards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, func, select

from crm.models import Application, Enterprise, Officer

CardRow = tuple[Application, str, str | None, str | None]


@dataclass(frozen=True)
class PipelineFilter:
    """Board and list filters: owner officer, policy, street, cycle, stage, text in the enterprise name."""

    officer_id: int | None = None
    policy_id: str | None = None
    street: str | None = None
    cycle: str | None = None
    stage: str | None = None
    search: str | None = None


def card_rows(
    *,
    session: Session,
    filters: PipelineFilter,
    stage: str | None = None,
    application_id: int | None = None,
    enterprise_id: int | None = None,
    order: str = "moved",
    offset: int = 0,
    limit: int | None = None,
) -> list[CardRow]:
    """Live applications of live enterprises matching ``filters`` (and one stage, application or
    enterprise); ``order`` "moved": latest stage change first, "newest": latest created first."""
    query = select(Application, Enterprise.name, Enterprise.street, Officer.display_name).join(
        Officer, col(Officer.id) == Application.owner_officer_id, isouter=True
    )
    query = _where(query, filters)
    for column, value in (
        (Application.stage, stage),
        (Application.id, application_id),
        (Application.enterprise_id, enterprise_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if order == "moved":
        query = query.order_by(col(Application.stage_since).desc(), col(Application.id).desc())
    elif order == "newest":
        query = query.order_by(col(Application.id).desc())
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [(a, name, street, owner) for a, name, street, owner in session.exec(query)]


def count(*, session: Session, filters: PipelineFilter) -> int:
    """How many live applications of live enterprises match ``filters``."""
    return int(session.exec(_where(select(func.count()).select_from(Application), filters)).one())


def totals_by_stage(*, session: Session, filters: PipelineFilter) -> dict[str, int]:
    """Stage code -> live applications of live enterprises matching ``filters``."""
    query = _where(select(Application.stage, func.count()), filters).group_by(Application.stage)
    return {stage: int(n) for stage, n in session.exec(query).all()}


def _where(query: Any, f: PipelineFilter) -> Any:
    query = query.join(Enterprise, col(Enterprise.id) == Application.enterprise_id).where(
        col(Application.deleted_at).is_(None), col(Enterprise.deleted_at).is_(None)
    )
    for column, value in (
        (Application.owner_officer_id, f.officer_id),
        (Application.policy_id, f.policy_id),
        (Enterprise.street, f.street),
        (Application.cycle, f.cycle),
        (Application.stage, f.stage),
    ):
        if value is not None and value != "":
            query = query.where(column == value)
    if f.search:
        query = query.where(col(Enterprise.name).contains(f.search.strip(), autoescape=True))
    return query
