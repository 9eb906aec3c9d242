"""The service-pack history: one PackRecord per generated pack (who, when, which rules and data, file hash).

A PackRecord is itself the history entry (written once, never edited): no version column, no audit row.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from crm.models import PackRecord


def record_pack(*, session: Session, **fields: Any) -> PackRecord:
    """Write the history record of a pack just made; returns it with its id and creation time."""
    record = PackRecord(**fields)
    session.add(record)
    session.flush()
    session.refresh(record)
    return record


def pack_records(*, session: Session, enterprise_id: int) -> list[PackRecord]:
    """An enterprise's packs, newest first."""
    query = (
        select(PackRecord)
        .where(PackRecord.enterprise_id == enterprise_id)
        .order_by(col(PackRecord.created_at).desc(), col(PackRecord.id).desc())
    )
    return list(session.exec(query))


def pack_record(*, session: Session, record_id: int) -> PackRecord | None:
    """One pack's history record, if it exists."""
    return session.get(PackRecord, record_id)
