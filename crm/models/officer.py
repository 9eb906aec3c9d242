"""Officer accounts: who signs in, with which role."""

from __future__ import annotations

from sqlmodel import Field

from crm.models.base import Versioned


class Officer(Versioned, table=True):
    username: str = Field(index=True, unique=True, max_length=64)
    display_name: str = Field(max_length=64)
    phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=128)
    office: str | None = Field(default=None, max_length=64)  # department, printed on packs (企业服务科)
    role: str = Field(default="officer", max_length=16)
    active: bool = Field(default=True)
    password_hash: str | None = Field(default=None, max_length=255)
