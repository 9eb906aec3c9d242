"""Reading the audit trail: filtered pages for the settings page's browser and its export.

Audit rows are written only by ``crm.store.core`` (``write_audit`` and the write machinery).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from crm.models import AuditEntry


def entries(
    *,
    session: Session,
    actor: str | None = None,
    entity: str | None = None,
    record_id: int | None = None,
    since: datetime | None = None,
    before: datetime | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[AuditEntry], int]:
    """One page of audit rows, newest first, and how many match in all.

    ``record_id`` is an id of ``entity``; with no entity it is an enterprise (its rows and its children's).
    ``since`` is inclusive, ``before`` exclusive.
    """
    where = _where(actor, entity, record_id, since, before)
    total = session.exec(select(func.count()).select_from(AuditEntry).where(*where)).one()
    rows = session.exec(
        select(AuditEntry)
        .where(*where)
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), int(total)


def actors(*, session: Session) -> list[str]:
    """Everyone who appears in the audit trail, sorted."""
    return sorted(session.exec(select(AuditEntry.actor).distinct()).all())


def _where(
    actor: str | None,
    entity: str | None,
    record_id: int | None,
    since: datetime | None,
    before: datetime | None,
) -> list[Any]:
    where: list[Any] = []
    if actor:
        where.append(AuditEntry.actor == actor)
    if entity:
        where.append(AuditEntry.entity == entity)
        if record_id is not None:
            where.append(AuditEntry.entity_id == record_id)
    elif record_id is not None:
        where.append(AuditEntry.enterprise_id == record_id)
    if since:
        where.append(col(AuditEntry.at) >= since)
    if before:
        where.append(col(AuditEntry.at) < before)
    return where
