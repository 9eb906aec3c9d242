"""Officer accounts: who signs in, with which role; the sign-in attempt counters."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from crm.models.base import Versioned, utcnow


class Officer(Versioned, table=True):
    username: str = Field(index=True, unique=True, max_length=64)
    display_name: str = Field(max_length=64)
    phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=128)
    office: str | None = Field(default=None, max_length=64)  # department, printed on packs (企业服务科)
    role: str = Field(default="officer", max_length=16)
    active: bool = Field(default=True)
    password_hash: str | None = Field(default=None, max_length=255)
    # raised when the password, the role or the active flag changes: browser sessions signed in under an
    # older epoch end on their next request
    session_epoch: int = Field(default=0, sa_column_kwargs={"server_default": sa.text("0")})


class LoginThrottle(SQLModel, table=True):
    """Sign-in attempts not yet proven good, per key (``user:<name>`` or ``addr:<ip>``): counted atomically
    before a password is checked, so parallel guesses cannot all pass as first tries."""

    key: str = Field(primary_key=True, max_length=128)
    attempts: int = Field(default=0)
    last_at: datetime = Field(default_factory=utcnow)
