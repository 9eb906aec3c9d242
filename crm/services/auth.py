"""Sign-in and accounts: what the login page and the settings page call (admin-only where it matters)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from crm import auth, store
from crm.auth import (
    AccountLocked,
    AuthError,
    LoginFailed,
    NotSignedIn,
    PermissionDenied,
    Principal,
    WeakPassword,
    acting_as,
    current_principal,
    require,
    session_expired,
    set_principal_provider,
)
from crm.config import get_settings
from crm.db import session_scope
from crm.models import Officer
from crm.records import validation
from crm.records.validation import ValidationFailed
from crm.store import ConflictError

__all__ = [
    "AccountLocked",
    "AuthError",
    "ConflictError",
    "LoginFailed",
    "NotSignedIn",
    "PermissionDenied",
    "Principal",
    "WeakPassword",
    "acting_as",
    "current_principal",
    "require",
    "session_expired",
    "set_principal_provider",
    "ValidationFailed",
]


def is_server_mode() -> bool:
    """True when officers must sign in (``huiqi serve``)."""
    return get_settings().is_server


def login(username: str, password: str) -> Principal:
    """The principal for a correct password; LoginFailed / AccountLocked otherwise (attempt recorded)."""
    with session_scope() as session:
        try:
            return auth.login(session, username, password)
        except LoginFailed:
            session.commit()  # keep the failure on record: it counts towards the lockout
            raise


def principal_for(username: str) -> Principal | None:
    """The current role of an active account, re-read on every page (None: deactivated or gone)."""
    with session_scope() as session:
        return auth.principal_for(session, username)


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    display_name: str
    role: str
    active: bool
    version: int
    has_password: bool
    locked: bool
    phone: str | None = None
    email: str | None = None


def list_accounts() -> list[Account]:
    """Every officer account, with whether it is locked out (admin)."""
    require("admin")
    with session_scope() as session:
        officers = session.exec(
            select(Officer).where(col(Officer.deleted_at).is_(None)).order_by(col(Officer.username))
        ).all()
        return [_account(session, o) for o in officers]


def create_account(data: dict[str, Any], password: str) -> Account:
    """Add an officer account with a password (admin)."""
    admin = require("admin")
    password_hash = auth.hash_password(password)
    with session_scope() as session:
        officer = store.create_officer(
            session=session, data=data, actor=admin.username, password_hash=password_hash
        )
        return _account(session, officer)


def update_account(officer_id: int, expected_version: int, data: dict[str, Any]) -> Account:
    """Change name, contact, role or active flag (admin); the last active admin cannot be removed."""
    admin = require("admin")
    with session_scope() as session:
        officer = store.get_record(session=session, model=Officer, record_id=officer_id)
        clean = validation.clean("officer", {**_editable(officer), **data})
        clean = {k: v for k, v in clean.items() if k in data and k != "username"}
        if "active" in data:
            clean["active"] = bool(data["active"])
        if (
            officer.role == "admin"
            and officer.active
            and (clean.get("role", "admin") != "admin" or not clean.get("active", True))
        ):
            _keep_one_admin(session, officer_id)
        # store.update_versioned: version-checked and audited like every other record (no public officer update yet)
        officer = store.update_versioned(
            session, Officer, officer_id, expected_version, clean, actor=admin.username
        )
        return _account(session, officer)


def reset_password(officer_id: int, new_password: str) -> None:
    """Set another officer's password (admin); the audit trail records that, never the hash."""
    admin = require("admin")
    with session_scope() as session:
        officer = store.get_record(session=session, model=Officer, record_id=officer_id)
        auth.set_password(session, officer, new_password, actor=admin.username)


def change_own_password(old_password: str, new_password: str) -> None:
    """The signed-in officer changes their own password (any role)."""
    me = require("read")
    with session_scope() as session:
        officer = session.exec(select(Officer).where(Officer.username == me.username)).first()
        if officer is None or not auth.verify_password(officer.password_hash, old_password):
            raise LoginFailed() from None
        auth.set_password(session, officer, new_password, actor=me.username)


def unlock_account(username: str) -> None:
    """Lift a lockout after repeated failed logins (admin)."""
    with session_scope() as session:
        auth.unlock(session, username)


def has_active_admin_with_password() -> bool:
    """Whether anybody can sign in to administer a server (``huiqi serve`` checks this first)."""
    with session_scope() as session:
        query = select(Officer).where(
            Officer.role == "admin",
            Officer.active == True,  # noqa: E712
            col(Officer.password_hash).isnot(None),
            col(Officer.deleted_at).is_(None),
        )
        return session.exec(query).first() is not None


def _keep_one_admin(session: Session, leaving_id: int) -> None:
    others = session.exec(
        select(Officer).where(
            Officer.role == "admin",
            Officer.active == True,  # noqa: E712
            Officer.id != leaving_id,
            col(Officer.deleted_at).is_(None),
        )
    ).all()
    if not others:
        raise auth.LastAdmin()


def _editable(officer: Officer) -> dict[str, Any]:
    return {k: getattr(officer, k) for k in ("username", "display_name", "phone", "email", "role")}


def _account(session: Session, o: Officer) -> Account:
    return Account(
        o.id or 0,
        o.username,
        o.display_name,
        o.role,
        o.active,
        o.version,
        o.password_hash is not None,
        auth.is_locked(session, o.username),
        o.phone,
        o.email,
    )
