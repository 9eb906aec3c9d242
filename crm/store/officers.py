"""Officer accounts: creation (updates go through the generic version-checked write)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from crm.models import Officer
from crm.records import validation
from crm.store.core import insert_one

# --- officers -------------------------------------------------------------------------------------


def create_officer(
    *, session: Session, data: dict[str, Any], actor: str, password_hash: str | None = None
) -> Officer:
    """Validate and insert an officer account."""
    clean = validation.clean("officer", data)
    return insert_one(session, Officer(**clean, password_hash=password_hash), actor=actor)


def officer_by_id(*, session: Session, officer_id: int) -> Officer | None:
    """The account with this id, deactivated or deleted ones too (None: no such id)."""
    return session.get(Officer, officer_id)


def officer_by_username(*, session: Session, username: str, live: bool = False) -> Officer | None:
    """The account with this username (``live``: not deleted), if any."""
    query = select(Officer).where(Officer.username == username)
    if live:
        query = query.where(col(Officer.deleted_at).is_(None))
    return session.exec(query).first()


def active_officers(*, session: Session) -> list[Officer]:
    """Accounts marked active (deleted ones included: the flag is what counts for assignment lists)."""
    return list(session.exec(select(Officer).where(Officer.active == True)))  # noqa: E712
