"""The acting officer's own profile: name, office, phone and e-mail, printed on service packs as the contact.

In server mode the profile is the signed-in officer's account. In desktop mode (one user, no sign-in) it is
asked for once in 设置 and stored as the account of the configured officer name; until then packs name the
office, never the operating-system user.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crm import store
from crm.auth import current_principal
from crm.db import session_scope
from crm.models import Officer
from crm.records import validation
from crm.store import officers as officer_store

FIELDS = ("display_name", "office", "phone", "email")


@dataclass(frozen=True)
class Profile:
    """What a pack prints about its officer; ``version`` is None while nothing is stored."""

    display_name: str = ""
    office: str = ""
    phone: str = ""
    email: str = ""
    version: int | None = None

    @property
    def complete(self) -> bool:
        """A name and a way to reach the officer: enough for a pack's contact line."""
        return bool(self.display_name and (self.phone or self.email))


def my_profile() -> Profile:
    """The acting officer's profile (empty when none is stored yet)."""
    username = current_principal().username
    with session_scope() as session:
        row = officer_store.officer_by_username(session=session, username=username, live=True)
        return _profile(row) if row is not None else Profile()


def save_my_profile(data: dict[str, Any], expected_version: int | None) -> Profile:
    """Store the acting officer's name, office, phone and e-mail (version-checked and audited)."""
    principal = current_principal()
    changes = {k: (data.get(k) or None) for k in FIELDS}
    with session_scope() as session:
        row = officer_store.officer_by_username(session=session, username=principal.username, live=True)
        if row is None:  # desktop mode: the one user's profile, asked once
            created = store.create_officer(
                session=session,
                data={"username": principal.username, "role": principal.role, **changes},
                actor=principal.username,
            )
            return _profile(created)
        current = {k: getattr(row, k) for k in ("role", *FIELDS)}  # not the login name: it does not change
        clean = validation.clean("officer", {**current, **changes}, partial=True)
        updated = store.update_versioned(
            session,
            Officer,
            row.id or 0,
            expected_version if expected_version is not None else row.version,
            {k: clean.get(k) for k in FIELDS},
            actor=principal.username,
        )
        return _profile(updated)


def _profile(row: Officer) -> Profile:
    return Profile(row.display_name, row.office or "", row.phone or "", row.email or "", row.version)
