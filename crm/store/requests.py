"""Data requests (企业信息补充表): create, find by token, mark returned/closed, list with "overdue"; and the
provenance of stored values read back from the audit trail.

Every write is audited (one row per request event, not one per JSON field). "overdue" is never stored: it
is a sent request whose due date has passed, computed in the query.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from crm.models import AuditEntry, DataRequest, Enterprise, FiscalYear, utcnow
from crm.store import core
from crm.store.core import ConflictError, write_audit, write_audits

ENTITY = "datarequest"


def create_requests(*, session: Session, rows: list[dict[str, Any]], actor: str) -> list[DataRequest]:
    """Insert many requests (token, enterprise_id, uscc, due_date, items, checks) at once; audited."""
    records = [DataRequest(officer=actor, status="sent", **row) for row in rows]
    session.add_all(records)
    session.flush()
    write_audits(
        session=session,
        rows=[
            {
                "actor": actor,
                "action": "create",
                "entity": ENTITY,
                "entity_id": r.id or 0,
                "enterprise_id": r.enterprise_id,
                "field": "status",
                "new": f"已发送补充表（{len(r.items)} 项，{r.due_date} 前交回）",
            }
            for r in records
        ],
    )
    return records


def by_tokens(*, session: Session, tokens: list[str]) -> dict[str, DataRequest]:
    """Live requests by their token."""
    if not tokens:
        return {}
    query = select(DataRequest).where(
        col(DataRequest.token).in_(tokens), col(DataRequest.deleted_at).is_(None)
    )
    return {r.token: r for r in session.exec(query)}


def latest_by_uscc(*, session: Session, codes: list[str]) -> dict[str, DataRequest]:
    """The newest live request per USCC (the fallback when a returned file lost its request id)."""
    if not codes:
        return {}
    query = (
        select(DataRequest)
        .where(col(DataRequest.uscc).in_(codes), col(DataRequest.deleted_at).is_(None))
        .order_by(col(DataRequest.id))
    )
    return {r.uscc or "": r for r in session.exec(query)}


def set_status(
    *,
    session: Session,
    request_id: int,
    status: str,
    actor: str,
    applied: int | None = None,
    returned_file: str | None = None,
) -> DataRequest:
    """Move a request to ``status`` (returned/closed/sent), locking its row; audited old -> new."""
    record = session.exec(select(DataRequest).where(DataRequest.id == request_id).with_for_update()).one()
    old = record.status
    values: dict[str, Any] = {"status": status, "version": record.version + 1, "updated_at": utcnow()}
    if status == "returned":
        values["returned_at"] = utcnow()
    if applied is not None:
        values["applied"] = record.applied + applied
    if returned_file is not None:
        values["returned_file"] = returned_file[:255]
    table = DataRequest.__table__  # type: ignore[attr-defined]
    done = session.execute(
        sa.update(table).where(table.c.id == request_id, table.c.version == record.version).values(**values)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(
            entity=ENTITY, record_id=request_id, expected=record.version, actual=-1, actor="?", at="?"
        )
    write_audit(
        session=session,
        actor=actor,
        action="update",
        entity=ENTITY,
        entity_id=request_id,
        enterprise_id=record.enterprise_id,
        field="status",
        old=old,
        new=status,
    )
    session.refresh(record)
    return record


def list_requests(
    *,
    session: Session,
    status: str | None = None,
    enterprise_id: int | None = None,
    today: date | None = None,
    limit: int = 1000,
) -> list[tuple[DataRequest, str]]:
    """(request, enterprise name), newest first; ``status`` may be sent/returned/closed or ``overdue``."""
    today = today or date.today()
    query = (
        select(DataRequest, Enterprise.name)
        .join(Enterprise, col(Enterprise.id) == DataRequest.enterprise_id)
        .where(col(DataRequest.deleted_at).is_(None))
    )
    if status == "overdue":
        query = query.where(DataRequest.status == "sent", col(DataRequest.due_date) < today)
    elif status == "sent":
        query = query.where(DataRequest.status == "sent", col(DataRequest.due_date) >= today)
    elif status:
        query = query.where(DataRequest.status == status)
    if enterprise_id is not None:
        query = query.where(DataRequest.enterprise_id == enterprise_id)
    query = query.order_by(col(DataRequest.created_at).desc(), col(DataRequest.id).desc()).limit(limit)
    return [(r, name) for r, name in session.exec(query)]


def outstanding(
    *, session: Session, officer_id: int | None = None, cap: int = 1000, limit: int = 50
) -> tuple[int, list[tuple[DataRequest, str]]]:
    """Sent requests not yet returned, of live enterprises (owned by the officer): the total (up to ``cap``)
    and the ``limit`` due first, each with its enterprise's name — the radar's 资料待回收."""
    where: list[Any] = [
        DataRequest.status == "sent",
        col(DataRequest.deleted_at).is_(None),
        col(Enterprise.deleted_at).is_(None),
    ]
    if officer_id is not None:
        where.append(Enterprise.owner_officer_id == officer_id)
    base = (
        select(DataRequest.id).join(Enterprise, col(Enterprise.id) == DataRequest.enterprise_id).where(*where)
    )
    total = (
        int(session.exec(select(func.count()).select_from(base.limit(cap).subquery())).one())
        if cap > 0
        else 0
    )
    query = (
        select(DataRequest, Enterprise.name)
        .join(Enterprise, col(Enterprise.id) == DataRequest.enterprise_id)
        .where(*where)
        .order_by(col(DataRequest.due_date), col(DataRequest.id))
        .limit(limit)
    )
    return total, [(r, name) for r, name in session.exec(query)]


# --- provenance ------------------------------------------------------------------------------------


def field_provenance(*, session: Session, enterprise_id: int) -> dict[str, tuple[str | None, str, datetime]]:
    """The newest audit entry of each enterprise field and fiscal-year figure that holds a value:
    ``{"rd_expense@2025" | "hnte_domain": (source, actor, at)}`` — the value's current provenance."""
    years = dict(
        session.exec(
            select(FiscalYear.id, FiscalYear.year).where(FiscalYear.enterprise_id == enterprise_id)
        ).all()
    )
    query = (
        select(AuditEntry)
        .where(
            AuditEntry.enterprise_id == enterprise_id,
            col(AuditEntry.entity).in_(("enterprise", "fiscalyear")),
            col(AuditEntry.field).is_not(None),
        )
        .order_by(col(AuditEntry.id))
    )
    out: dict[str, tuple[str | None, str, datetime]] = {}
    for entry in session.exec(query):
        if entry.entity == "fiscalyear":
            year = years.get(entry.entity_id)
            if year is None:
                continue
            key = f"{entry.field}@{year}"
        else:
            key = entry.field or ""
        out[key] = (entry.source, entry.actor, entry.at)
    return out


def mark_verified(
    *, session: Session, enterprise_id: int, entity: str, entity_id: int, field: str, value: Any, actor: str
) -> None:
    """Record that an officer checked a stored value (the field's provenance becomes ``verified``)."""
    with core.provenance("verified"):
        write_audit(
            session=session,
            actor=actor,
            action="verify",
            entity=entity,
            entity_id=entity_id,
            enterprise_id=enterprise_id,
            field=field,
            old=value,
            new=value,
        )
