"""Sign-in for server mode: who the browser session belongs to, and the guard in front of every page.

In desktop mode nothing here asks for anything: the configured officer acts as admin. In server mode
every page except /login needs a live, unexpired login of an active account; the services layer
learns who is acting from ``principal()`` (registered as crm's principal provider), read afresh from
``app.storage.user`` on every call because NiceGUI runs event handlers outside the page's context.

Signing in gives the browser a new session id (``/login/finish``), so a session id planted before the login
(session fixation) signs nobody in; a login ends when the account's session epoch moves (password reset,
role change, deactivation), at the latest ``_CACHE_SECONDS`` after the change.
"""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response

from crm.services import auth as accounts
from crm.services.auth import Principal

OPEN_ROUTES = ("/login", "/_nicegui", "/fonts/", "/favicon")


def install() -> None:
    """Register the principal provider, the page guard and the sign-in route (once per app)."""
    accounts.set_principal_provider(principal)
    if not any(m.cls is AuthMiddleware for m in app.user_middleware):
        app.add_middleware(AuthMiddleware)
    if not any(getattr(r, "path", None) == FINISH for r in app.routes):
        app.get(FINISH, include_in_schema=False)(finish_sign_in)


class AuthMiddleware(BaseHTTPMiddleware):
    """Server mode: an unauthenticated request for a page goes to /login (and comes back after)."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        path = request.url.path
        if accounts.is_server_mode() and not path.startswith(OPEN_ROUTES) and principal() is None:
            return RedirectResponse(f"/login?redirect_to={quote(path, safe='/')}")
        return await call_next(request)


def same_origin_path(target: str) -> str:
    """``target`` if it is a path on this server (with its query), else "/": where to go after the login.

    Parsed, then compared with what a browser would make of it: browsers drop tabs and newlines from a URL
    and read a backslash as a slash, so ``/\\host`` and ``/%09/host`` (tab, decoded once already) both mean
    ``//host``, another server."""
    if not target or any(c == "\\" or ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return "/"
    base = urlsplit(urljoin("http://huiqi.invalid/", target))
    if (base.scheme, base.netloc) != ("http", "huiqi.invalid"):
        return "/"
    return urlunsplit(("", "", parts.path, parts.query, parts.fragment))


def principal() -> Principal | None:
    """The signed-in officer of this browser session (None: nobody, or the login has ended)."""
    if not accounts.is_server_mode():
        return None
    try:
        user = app.storage.user
    except (RuntimeError, KeyError, AssertionError):  # outside a request / before storage exists
        return None
    username, login_at, epoch = user.get("username"), user.get("login_at"), user.get("epoch")
    if not username or not isinstance(login_at, int | float) or accounts.session_expired(login_at):
        return None
    who, current_epoch = _cached_state(username)
    if epoch != current_epoch:  # ended, or the cached epoch is older than this login: ask the database
        forget_cached(username)
        who, current_epoch = _cached_state(username)
    return who if epoch == current_epoch else None


# --- signing in: a fresh session id, then the login --------------------------------------------------------

FINISH = "/login/finish"
TICKET_SECONDS = 30.0


@dataclass(frozen=True)
class _Ticket:
    who: Principal
    epoch: int
    target: str
    expires: float
    session_id: str | None = None  # the second hop: only the browser holding this new session id


_tickets: dict[str, _Ticket] = {}


def sign_in(who: Principal, target: str) -> str:
    """Where to send the browser to finish signing in as ``who`` and land on ``target``: a one-time ticket."""
    _drop_expired_tickets()
    ticket = secrets.token_urlsafe(24)
    epoch = accounts.session_state(who.username)[1]
    _tickets[ticket] = _Ticket(who, epoch, same_origin_path(target), time.monotonic() + TICKET_SECONDS)
    return f"{FINISH}?ticket={ticket}"


async def finish_sign_in(request: Request, ticket: str = "") -> Response:
    """First hop: the browser gets a new session id. Second hop (that id only): the login is stored in it."""
    found = _tickets.pop(ticket, None)
    if found is None or found.expires < time.monotonic():
        return RedirectResponse("/login")
    if found.session_id is None:
        new_id = str(uuid.uuid4())
        request.session["id"] = new_id  # the session cookie is re-issued with the response
        again = secrets.token_urlsafe(24)
        _tickets[again] = _Ticket(found.who, found.epoch, found.target, found.expires, new_id)
        return RedirectResponse(f"{FINISH}?ticket={again}", status_code=303)
    if request.session.get("id") != found.session_id:
        return RedirectResponse("/login")
    app.storage.user.update({"username": found.who.username, "login_at": time.time(), "epoch": found.epoch})
    return RedirectResponse(found.target, status_code=303)


def _drop_expired_tickets() -> None:
    now = time.monotonic()
    for key in [k for k, t in _tickets.items() if t.expires < now]:
        _tickets.pop(key, None)


def sign_out() -> None:
    for key in ("username", "login_at", "epoch"):
        app.storage.user.pop(key, None)


def display_name(fallback: str) -> str:
    """The signed-in officer's name for the header (desktop: ``fallback``)."""
    who = principal()
    return (who.display_name or who.username) if who else fallback


# the role is re-read from the database at most every few seconds: a deactivated account or a
# changed role takes effect on the next click, without a query on every single service call
_CACHE_SECONDS = 5.0
_cache: dict[str, tuple[float, tuple[Principal | None, int]]] = {}


def _cached_state(username: str) -> tuple[Principal | None, int]:
    now = time.monotonic()
    hit = _cache.get(username)
    if hit is None or now - hit[0] > _CACHE_SECONDS:
        hit = (now, accounts.session_state(username))
        _cache[username] = hit
    return hit[1]


def forget_cached(username: str | None = None) -> None:
    """Drop cached roles (after an admin changed an account)."""
    if username is None:
        _cache.clear()
    else:
        _cache.pop(username, None)
