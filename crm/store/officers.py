"""Officer accounts: creation (updates go through the generic version-checked write)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

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
