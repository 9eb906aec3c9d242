"""Sign-in and accounts: what the login page and the settings page call (admin-only where it matters)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from crm import auth, store
from crm.auth import (
    LOGIN_ACTIONS,
    SYSTEM,
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
from crm.models import Officer, utcnow
from crm.records import validation
from crm.records.validation import ValidationFailed
from crm.store import ConflictError, Session, tx
from crm.store import officers as officer_store

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
    username = (username or "").strip()[:64]
    with acting_as(SYSTEM), session_scope() as session:  # nobody is signed in yet: the guard wants somebody
        if _is_locked(session, username):
            raise AccountLocked(minutes=get_settings().lockout_minutes)
        principal = _check_password(session, username, password)
    if principal is None:  # raised only now: the failure is committed, it counts towards the lockout
        raise LoginFailed()
    return principal


def _check_password(session: Session, username: str, password: str) -> Principal | None:
    """The principal of an active account whose password matches, else None; the attempt is recorded."""
    officer = officer_store.officer_by_username(session=session, username=username, live=True)
    ok = auth.verify_password(officer.password_hash if officer else None, password)
    if not (ok and officer is not None and officer.active):
        _record(session, username, "login_failed", (officer.id or 0) if officer else 0)
        return None
    if auth.needs_rehash(officer.password_hash):
        officer_store.set_password_hash(
            session=session,
            officer=officer,
            password_hash=auth.rehash(password),
            actor=username,
            note="rehash",
        )
    _record(session, username, "login", officer.id or 0)
    return Principal(officer.username, officer.role, officer.display_name)


def _is_locked(session: Session, username: str) -> bool:
    """True when the last ``lockout_failures`` attempts all failed and the newest is recent."""
    settings = get_settings()
    recent = officer_store.sign_in_events(
        session=session, username=username, actions=LOGIN_ACTIONS, limit=settings.lockout_failures
    )
    if len(recent) < settings.lockout_failures or any(e.action != "login_failed" for e in recent):
        return False
    newest = recent[0].at if recent[0].at.tzinfo else recent[0].at.replace(tzinfo=utcnow().tzinfo)
    return utcnow() - newest < timedelta(minutes=settings.lockout_minutes)


def _record(session: Session, username: str, action: str, officer_id: int, note: str | None = None) -> None:
    with acting_as(SYSTEM):  # sign-in bookkeeping is written before anybody is signed in
        officer_store.record_sign_in_event(
            session=session, username=username, action=action, officer_id=officer_id, note=note
        )


def principal_for(username: str) -> Principal | None:
    """The current role of an active account, re-read on every page (None: deactivated or gone)."""
    with acting_as(SYSTEM), session_scope() as session:  # asked before anybody is known to be acting
        officer = officer_store.officer_by_username(session=session, username=username)
        if officer is None or not officer.active or officer.deleted_at is not None:
            return None
        return Principal(officer.username, officer.role, officer.display_name)


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
        return [_account(session, o) for o in officer_store.live_officers(session=session)]


def create_account(data: dict[str, Any], password: str) -> Account:
    """Add an officer account with a password (admin)."""
    admin = require("admin")
    password_hash = auth.hash_password(password)
    with session_scope() as session:
        officer = store.create_officer(
            session=session, data=data, actor=admin.username, password_hash=password_hash
        )
        return _account(session, officer)


@tx.retrying
def update_account(officer_id: int, expected_version: int, data: dict[str, Any]) -> Account:
    """Change name, contact, role or active flag (admin); the last active admin cannot be removed."""
    admin = require("admin")
    with session_scope() as session:
        officer_store.lock_admins(session=session, officer_id=officer_id)  # the guard below reads them
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
        _set_password(session, officer, new_password, actor=admin.username)


def change_own_password(old_password: str, new_password: str) -> None:
    """The signed-in officer changes their own password (any role)."""
    me = require("read")
    with session_scope() as session:
        officer = officer_store.officer_by_username(session=session, username=me.username)
        if officer is None or not auth.verify_password(officer.password_hash, old_password):
            raise LoginFailed() from None
        _set_password(session, officer, new_password, actor=me.username)


def _set_password(session: Session, officer: Officer, password: str, *, actor: str) -> None:
    """Set an officer's password (admin reset, or the officer's own change); audited, never the hash."""
    password_hash = auth.hash_password(password)
    with acting_as(SYSTEM):
        officer_store.set_password_hash(
            session=session, officer=officer, password_hash=password_hash, actor=actor, note="（密码已更改）"
        )


def unlock_account(username: str) -> None:
    """Lift a lockout after repeated failed logins (admin)."""
    admin = require("admin")
    with session_scope() as session:
        officer = officer_store.officer_by_username(session=session, username=username)
        _record(
            session,
            username,
            "unlock",
            officer.id if officer and officer.id else 0,
            f"由 {admin.username} 解锁",
        )


def has_active_admin_with_password() -> bool:
    """Whether anybody can sign in to administer a server (``huiqi serve`` checks this first)."""
    with acting_as(SYSTEM), session_scope() as session:  # asked before anybody can sign in
        return bool(officer_store.active_admins(session=session, with_password=True))


def _keep_one_admin(session: Session, leaving_id: int) -> None:
    if not officer_store.active_admins(session=session, except_id=leaving_id):
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
        _is_locked(session, o.username),
        o.phone,
        o.email,
    )
