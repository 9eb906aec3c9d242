"""SavedFilter: an officer's named filter set on a list screen."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import JSON, Column, Field, SQLModel

from crm.models.base import utcnow


class SavedFilter(SQLModel, table=True):
    """One named filter set of one officer on one screen (``screen`` = "enterprises" for now)."""

    __tablename__ = "savedfilter"
    __table_args__ = (
        UniqueConstraint("officer", "screen", "name", name="uq_savedfilter_officer_screen_name"),
    )

    id: int | None = Field(default=None, primary_key=True)
    officer: str = Field(max_length=64, index=True)  # username
    screen: str = Field(max_length=40)
    name: str = Field(max_length=80)
    filters: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
