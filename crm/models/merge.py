"""Merges of duplicate enterprises: enough to show each one and to undo it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import JSON, Column, Field, SQLModel

from crm.models.base import utcnow


class MergeRecord(SQLModel, table=True):
    """One merge of a duplicate enterprise into another: enough to show it and to undo it."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=64)
    winner_id: int = Field(foreign_key="enterprise.id", index=True)
    loser_id: int = Field(foreign_key="enterprise.id", index=True)
    # moved child rows by table, winner fields before the merge, fiscal-year fields filled in
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    undone_at: datetime | None = None
    undone_by: str | None = Field(default=None, max_length=64)
