"""Sign-in and accounts: what the login page and the settings page call (admin-only where it matters)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from crm import auth, store
from crm.auth import (
    SYSTEM,
    AccountLocked,
    AuthError,
    LoginFailed,
    NotSignedIn,
    PermissionDenied,
    Principal,
    Throttled,
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
    "Throttled",
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


def login(username: str, password: str, address: str = "") -> Principal:
    """The principal for a correct password; LoginFailed / AccountLocked / Throttled otherwise.

    The attempt is counted first, in one atomic statement per counter (the username's and the address's),
    and only then is the password checked: ten parallel guesses are attempts 1 to 10, and those over the
    limit are refused without a check. A good password takes its attempts back."""
    username = _clean_username(username)
    user_key, addr_key = f"user:{username.lower()}", f"addr:{address[:100]}"
    settings = get_settings()
    since = utcnow() - timedelta(minutes=settings.lockout_minutes)
    with acting_as(SYSTEM), session_scope() as session:  # nobody is signed in yet: the guard wants somebody
        if address and officer_store.count_attempt(session=session, key=addr_key, since=since) > (
            settings.address_attempts
        ):
            raise Throttled(minutes=settings.lockout_minutes)
        if (
            officer_store.count_attempt(session=session, key=user_key, since=since)
            > settings.lockout_failures
        ):
            raise AccountLocked(minutes=settings.lockout_minutes)
    with acting_as(SYSTEM), session_scope() as session:
        principal = _check_password(session, username, password)
        if principal is not None:
            officer_store.forgive_attempt(session=session, key=user_key, all_of_them=True)
            if address:
                officer_store.forgive_attempt(session=session, key=addr_key)
    if principal is None:  # raised only now: the failure is committed
        raise LoginFailed()
    return principal


def _clean_username(typed: str | None) -> str:
    """A typed username as it may be looked up and recorded: no control or format characters, at most 64."""
    text = "".join(c for c in (typed or "") if unicodedata.category(c) not in {"Cc", "Cf", "Zl", "Zp"})
    return text.strip()[:64]


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
            end_sessions=False,
        )
    _record(session, username, "login", officer.id or 0)
    return Principal(officer.username, officer.role, officer.display_name)


def _is_locked(session: Session, username: str) -> bool:
    """True when the username's attempts not proven good reached the limit within the lockout period."""
    settings = get_settings()
    since = utcnow() - timedelta(minutes=settings.lockout_minutes)
    key = f"user:{username.lower()}"
    return officer_store.attempts(session=session, key=key, since=since) >= settings.lockout_failures


def _record(session: Session, username: str, action: str, officer_id: int, note: str | None = None) -> None:
    with acting_as(SYSTEM):  # sign-in bookkeeping is written before anybody is signed in
        officer_store.record_sign_in_event(
            session=session, username=username, action=action, officer_id=officer_id, note=note
        )


def principal_for(username: str) -> Principal | None:
    """The current role of an active account, re-read on every page (None: deactivated or gone)."""
    return session_state(username)[0]


def session_state(username: str) -> tuple[Principal | None, int]:
    """The account's principal (None: deactivated or gone) and its session epoch: a browser signed in under
    another epoch has been signed out by a password change, a role change or a deactivation."""
    with acting_as(SYSTEM), session_scope() as session:  # asked before anybody is known to be acting
        officer = officer_store.officer_by_username(session=session, username=username)
        if officer is None or not officer.active or officer.deleted_at is not None:
            return None, -1
        return Principal(officer.username, officer.role, officer.display_name), officer.session_epoch


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
        # the login name is not editable (and one made before names were restricted stays valid)
        clean = validation.clean("officer", {**_editable(officer), **data}, partial=True)
        clean = {k: v for k, v in clean.items() if k in data and k != "username"}
        if "active" in data:
            clean["active"] = bool(data["active"])
        if (
            officer.role == "admin"
            and officer.active
            and (clean.get("role", "admin") != "admin" or not clean.get("active", True))
        ):
            _keep_one_admin(session, officer_id)
        if (
            clean.get("role", officer.role) != officer.role
            or clean.get("active", officer.active) != officer.active
        ):
            officer_store.end_sessions(session=session, officer_id=officer_id)  # signed in under the old role
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
        officer_store.forgive_attempt(session=session, key=f"user:{username.lower()}", all_of_them=True)
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
    return {k: getattr(officer, k) for k in ("display_name", "phone", "email", "role")}


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
