"""Columns and types every table shares: exact money, UTC timestamps, version and soft delete.

Money is CNY, exact: ``Decimal`` in Python, integer fen (1/100 yuan) in the database.
Any business fact may be unknown (NULL); unknown is never stored as 0.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class Money(TypeDecorator[Decimal]):
    """CNY amount stored exactly as integer fen."""

    impl = sa.BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        if value is None:
            return None
        return int((Decimal(value) * 100).to_integral_value())

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))


def utcnow() -> datetime:
    return datetime.now(UTC)


def money(**kw: Any) -> Any:
    return Field(default=None, sa_type=Money, **kw)


class Versioned(SQLModel):
    """Columns every business record carries: id, optimistic-lock version and soft delete."""

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)
    deleted_at: datetime | None = Field(default=None, index=True)
