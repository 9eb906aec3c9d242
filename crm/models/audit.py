"""The audit trail: one row per changed field of a business record, with who and when."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from crm.models.base import utcnow


class AuditEntry(SQLModel, table=True):
    """One changed field (or a create/delete/restore) of one record, with who and when."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=64, index=True)
    action: str = Field(max_length=16)  # create | update | delete | restore | merge
    entity: str = Field(max_length=32, index=True)
    entity_id: int = Field(index=True)
    enterprise_id: int | None = Field(default=None, index=True)
    field: str | None = Field(default=None, max_length=64)
    old: str | None = None
    new: str | None = None
    # where the value came from: officer | import:<file> | return:<request id> | merge | demo | verified
    # (the newest entry of a field is its current provenance)
    source: str | None = Field(default=None, max_length=120)
