"""Who is acting, and what they may do: roles, argon2 passwords, the sessions' write guard, session expiry.

Desktop mode has one user, the configured officer, acting as admin without a login. Server mode has
no default: every call must run as a signed-in principal (set with ``acting_as`` or by the UI's
provider), otherwise it is refused. Permission checks live here and in the services layer; a
session-level guard also refuses any database read without a principal and any write by a principal
without the ``write`` permission, so a service that forgets its ``require`` still cannot read for a
browser whose login ended, nor write for a viewer.

The guard is installed by ``crm.db`` when it makes an engine (``guard_writes``), not on import. This
module holds no data: sign-in, lockout and accounts (``crm.services.auth``) keep their bookkeeping in
the audit trail through ``crm.store.officers``. May import crm.config, crm.errors, crm.i18n and
crm.domain only (``crm.db`` imports it).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession

from crm.config import get_settings
from crm.domain import OFFICER_ROLES
from crm.errors import HuiqiError
from crm.i18n import register, t

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
        "auth.throttled": (
            "来自此地址的登录尝试过多，请 {minutes} 分钟后再试。",
            "Too many sign-in attempts from this address; try again in {minutes} min.",
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


class Throttled(LoginFailed):
    """Too many attempts from one address: refused before any password is checked."""

    key = "auth.throttled"


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
    require("write" if state.is_insert or state.is_update or state.is_delete else "read")


def guard_writes() -> None:
    """Make every ORM session refuse a statement without a principal (server mode: nobody signed in, or
    the login ended) and a write (flush or INSERT/UPDATE/DELETE) by a principal without ``write``.
    Idempotent; ``crm.db`` calls it when it makes an engine, so no session escapes it."""
    if not event.contains(OrmSession, "before_flush", _guard_flush):
        event.listen(OrmSession, "before_flush", _guard_flush)
        event.listen(OrmSession, "do_orm_execute", _guard_execute)


# --- passwords ----------------------------------------------------------------------------------------

_hasher = PasswordHasher()


_DUMMY_HASH: str | None = None  # made at first login, not at import (see _dummy_hash)


def _dummy_hash() -> str:
    """A hash to verify against when the account has none (same time either way); made on first use, not at
    import: it costs an argon2 round that every `huiqi` command would otherwise pay at start."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash("huiqi-timing-equaliser")
    return _DUMMY_HASH


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (refuses one shorter than MIN_PASSWORD_LENGTH)."""
    check_password_strength(password)
    return _hasher.hash(password)


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise WeakPassword(n=MIN_PASSWORD_LENGTH)


class WeakPassword(AuthError):
    key = "auth.weak_password"


def needs_rehash(password_hash: str | None) -> bool:
    """True when a stored hash was made with weaker argon2 parameters than today's (upgrade it at login)."""
    return _hasher.check_needs_rehash(password_hash or "")


def rehash(password: str) -> str:
    """Today's hash of a password that just verified (no strength check: it is not a new password)."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; always spends the same argon2 time, hash or not."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


# --- session expiry -----------------------------------------------------------------------------------


def session_expired(login_at: float, now: float | None = None) -> bool:
    """True when a login made at ``login_at`` (epoch seconds) is older than the session lifetime."""
    now = time.time() if now is None else now
    return not 0 <= now - login_at < get_settings().session_hours * 3600
