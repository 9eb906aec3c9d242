"""Who is acting, and what they may do: roles, argon2 passwords, login with lockout, session expiry.

Desktop mode has one user, the configured officer, acting as admin without a login. Server mode has
no default: every call must run as a signed-in principal (set with ``acting_as`` or by the UI's
provider), otherwise it is refused. Permission checks live here and in the services layer; a
session-level guard also refuses any database write by a principal without the ``write``
permission, so a service that forgets its ``require`` still cannot write for a viewer.

Login bookkeeping (successes, failures, unlocks) is kept in the audit trail (entity ``officer``),
so lockout works across server processes and admins can see failed logins.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import event, update
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from crm.config import get_settings
from crm.errors import HuiqiError
from crm.i18n import register, t
from crm.models import AuditEntry, Officer, utcnow

PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"read", "write", "admin"}),
    "officer": frozenset({"read", "write"}),
    "viewer": frozenset({"read"}),
}
LOGIN_ACTIONS = ("login", "login_failed", "unlock")
MIN_PASSWORD_LENGTH = 8

register(
    {
        "auth.denied": (
            "权限不足：{name}（{role}）不能{what}。如需此权限，请联系管理员。",
            "Permission denied: {name} ({role}) may not {what_en}. Ask an administrator.",
        ),
        "auth.not_signed_in": ("请先登录。", "Please sign in first."),
        "auth.perm.read": ("查看数据", "read data"),
        "auth.perm.write": ("修改数据", "change data"),
        "auth.perm.admin": ("管理账号和系统设置", "manage accounts and settings"),
        "auth.login_failed": ("用户名或密码错误。", "Wrong username or password."),
        "auth.locked": (
            "连续登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试或联系管理员解锁。",
            "Too many failed logins: the account is locked; try again in {minutes} min or ask an admin.",
        ),
        "auth.weak_password": ("密码至少 {n} 位。", "The password needs at least {n} characters."),
        "auth.last_admin": ("至少要保留一名启用的管理员。", "At least one active administrator must remain."),
        "auth.wrong_old_password": ("原密码不正确。", "The current password is wrong."),
    }
)


@dataclass(frozen=True)
class Principal:
    """A signed-in officer (or the desktop user) and their role."""

    username: str
    role: str
    display_name: str = ""

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())


SYSTEM = Principal("system", "admin", "系统")


class AuthError(HuiqiError):
    """Base of the access errors: nothing was done."""

    key = "auth.denied"


class PermissionDenied(AuthError):
    """The acting principal lacks the permission; nothing was done."""


class NotSignedIn(PermissionDenied):
    key = "auth.not_signed_in"


class LastAdmin(PermissionDenied):
    key = "auth.last_admin"


class LoginFailed(AuthError):
    key = "auth.login_failed"


class AccountLocked(LoginFailed):
    key = "auth.locked"


# --- who is acting ----------------------------------------------------------------------------------

_current: ContextVar[Principal | None] = ContextVar("huiqi_principal", default=None)
_provider: Callable[[], Principal | None] | None = None


def current_principal() -> Principal:
    """The acting principal: set explicitly, else from the UI's provider, else the desktop user."""
    principal = _current.get()
    if principal is None and _provider is not None:
        principal = _provider()
    if principal is not None:
        return principal
    settings = get_settings()
    if settings.is_server:
        raise NotSignedIn()
    return Principal(settings.officer, "admin", settings.officer)


@contextmanager
def acting_as(principal: Principal) -> Iterator[Principal]:
    """Run the block as ``principal`` (CLI, background jobs, tests, the load bench)."""
    token = _current.set(principal)
    try:
        yield principal
    finally:
        _current.reset(token)


def set_principal_provider(provider: Callable[[], Principal | None] | None) -> None:
    """Let the UI say who is signed in for the current request (None: nobody)."""
    global _provider
    _provider = provider


def require(permission: str) -> Principal:
    """The acting principal if it has ``permission``; PermissionDenied (in Chinese) otherwise."""
    principal = current_principal()
    if not principal.can(permission):
        from crm.domain import OFFICER_ROLES

        role = OFFICER_ROLES.get(principal.role, (principal.role,))[0]
        raise PermissionDenied(
            name=principal.display_name or principal.username,
            role=role,
            what=t(f"auth.perm.{permission}", "zh"),
            what_en=t(f"auth.perm.{permission}", "en"),
        )
    return principal


def _guard_flush(session: OrmSession, _context: Any, _instances: Any) -> None:
    if session.new or session.dirty or session.deleted:
        require("write")


def _guard_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        require("write")


event.listen(OrmSession, "before_flush", _guard_flush)
event.listen(OrmSession, "do_orm_execute", _guard_execute)


# --- passwords ----------------------------------------------------------------------------------------

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("huiqi-timing-equaliser")


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (refuses one shorter than MIN_PASSWORD_LENGTH)."""
    check_password_strength(password)
    return _hasher.hash(password)


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise WeakPassword(n=MIN_PASSWORD_LENGTH)


class WeakPassword(AuthError):
    key = "auth.weak_password"


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; always spends the same argon2 time, hash or not."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


# --- login, lockout, session expiry ------------------------------------------------------------------


def login(session: Session, username: str, password: str) -> Principal:
    """Check the password of an active officer; record the attempt; lock after repeated failures."""
    username = (username or "").strip()[:64]
    settings = get_settings()
    if is_locked(session, username):
        raise AccountLocked(minutes=settings.lockout_minutes)
    officer = session.exec(
        select(Officer).where(Officer.username == username, col(Officer.deleted_at).is_(None))
    ).first()
    ok = verify_password(officer.password_hash if officer else None, password)
    if not (ok and officer is not None and officer.active):
        _record(session, username, "login_failed", (officer.id or 0) if officer else 0)
        raise LoginFailed()
    if _hasher.check_needs_rehash(officer.password_hash or ""):
        with acting_as(SYSTEM):  # nobody is signed in yet: the write guard would refuse the upgrade
            _write_password(session, officer, _hasher.hash(password), actor=username, note="rehash")
    _record(session, username, "login", officer.id or 0)
    return Principal(officer.username, officer.role, officer.display_name)


def is_locked(session: Session, username: str) -> bool:
    """True when the last ``lockout_failures`` attempts all failed and the newest is recent."""
    settings = get_settings()
    recent = list(
        session.exec(
            select(AuditEntry)
            .where(
                AuditEntry.entity == "officer",
                AuditEntry.actor == username,
                col(AuditEntry.action).in_(LOGIN_ACTIONS),
            )
            .order_by(col(AuditEntry.id).desc())
            .limit(settings.lockout_failures)
        )
    )
    if len(recent) < settings.lockout_failures or any(e.action != "login_failed" for e in recent):
        return False
    newest = recent[0].at if recent[0].at.tzinfo else recent[0].at.replace(tzinfo=utcnow().tzinfo)
    return utcnow() - newest < timedelta(minutes=settings.lockout_minutes)


def unlock(session: Session, username: str) -> None:
    """Clear a lockout (admin)."""
    admin = require("admin")
    officer = session.exec(select(Officer).where(Officer.username == username)).first()
    with acting_as(SYSTEM):
        session.add(
            AuditEntry(
                actor=username,
                action="unlock",
                entity="officer",
                entity_id=officer.id if officer and officer.id else 0,
                new=f"由 {admin.username} 解锁",
            )
        )
        session.flush()


def session_expired(login_at: float, now: float | None = None) -> bool:
    """True when a login made at ``login_at`` (epoch seconds) is older than the session lifetime."""
    now = time.time() if now is None else now
    return not 0 <= now - login_at < get_settings().session_hours * 3600


def principal_for(session: Session, username: str) -> Principal | None:
    """The current role of an active account (a deactivated or deleted account gets None)."""
    officer = session.exec(select(Officer).where(Officer.username == username)).first()
    if officer is None or not officer.active or officer.deleted_at is not None:
        return None
    return Principal(officer.username, officer.role, officer.display_name)


def _record(session: Session, username: str, action: str, officer_id: int) -> None:
    with acting_as(SYSTEM):
        session.add(AuditEntry(actor=username, action=action, entity="officer", entity_id=officer_id))
        session.flush()


def _write_password(session: Session, officer: Officer, password_hash: str, *, actor: str, note: str) -> None:
    """Store a new hash; the audit row says that it changed, never the hash itself."""
    table = Officer.__table__  # type: ignore[attr-defined]
    session.execute(
        update(table)
        .where(table.c.id == officer.id)
        .values(password_hash=password_hash, version=table.c.version + 1, updated_at=utcnow())
    )
    session.add(
        AuditEntry(
            actor=actor,
            action="update",
            entity="officer",
            entity_id=officer.id or 0,
            field="password",
            new=note,
        )
    )
    session.flush()
    session.refresh(officer)


def set_password(session: Session, officer: Officer, password: str, *, actor: str) -> None:
    """Set an officer's password (admin reset, or the officer's own change)."""
    with acting_as(SYSTEM):
        _write_password(session, officer, hash_password(password), actor=actor, note="（密码已更改）")
