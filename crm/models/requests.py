"""DataRequest: one 企业信息补充表 sent to an enterprise, the facts it asks, and whether it came back."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field

from crm.models.base import Versioned

# stored statuses; "overdue" is a sent request past its due date, computed when read (never stale)
REQUEST_STATUSES = ("sent", "returned", "closed")


class DataRequest(Versioned, table=True):
    """Who asked which enterprise for which facts, when it is due, and where it stands.

    ``token`` is the request's id on the workbook's hidden sheet (random: a returned file cannot name
    another enterprise's request by guessing); ``items`` the facts asked ({field, year, label, unit, kind,
    policies}); ``checks`` the held values offered for checking.
    """

    __tablename__ = "datarequest"
    __table_args__ = (
        sa.CheckConstraint("status IN ('sent', 'returned', 'closed')", name="ck_datarequest_status"),
    )

    token: str = Field(max_length=32, unique=True, index=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    uscc: str | None = Field(default=None, max_length=18)  # the code the workbook was made for
    officer: str = Field(max_length=64)  # username of the officer who made it
    due_date: date = Field(index=True)
    status: str = Field(default="sent", max_length=16, index=True)
    items: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    checks: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    returned_at: datetime | None = None
    returned_file: str | None = Field(default=None, max_length=255)
    applied: int = 0  # values accepted from the return
