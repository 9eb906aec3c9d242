"""PackRecord: one generated service pack in an enterprise's history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import JSON, Column, Field, SQLModel

from crm.models.base import utcnow


class PackRecord(SQLModel, table=True):
    """Who made which pack when, from which rules and data, showing which verdicts; the file's sha256."""

    __tablename__ = "packrecord"

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    officer: str = Field(max_length=64)  # username of the officer who generated it
    officer_name: str = Field(default="", max_length=64)
    as_of: date  # the date the verdicts and deadlines were computed for
    rules_hash: str = Field(max_length=64)
    data_hash: str = Field(max_length=64)  # fingerprint of the enterprise records the pack read
    verdicts: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    file_path: str = Field(max_length=500)  # relative to the packs dir
    sha256: str = Field(max_length=64)
    size: int = 0
    pages: int = 0
    batch_id: str | None = Field(default=None, max_length=40, index=True)
