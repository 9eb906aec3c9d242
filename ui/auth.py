"""Sign-in for server mode: who the browser session belongs to, and the guard in front of every page.

In desktop mode nothing here asks for anything: the configured officer acts as admin. In server mode
every page except /login needs a live, unexpired login of an active account; the services layer
learns who is acting from ``principal()`` (registered as crm's principal provider), read afresh from
``app.storage.user`` on every call because NiceGUI runs event handlers outside the page's context.
"""

from __future__ import annotations

import time
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
    """Register the principal provider and the page guard (once per app)."""
    accounts.set_principal_provider(principal)
    if not any(m.cls is AuthMiddleware for m in app.user_middleware):
        app.add_middleware(AuthMiddleware)


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
    """The signed-in officer of this browser session (None: nobody, or the login has expired)."""
    if not accounts.is_server_mode():
        return None
    try:
        user = app.storage.user
    except (RuntimeError, KeyError, AssertionError):  # outside a request / before storage exists
        return None
    username, login_at = user.get("username"), user.get("login_at")
    if not username or not isinstance(login_at, int | float) or accounts.session_expired(login_at):
        return None
    return _cached_principal(username)


def sign_in(who: Principal) -> None:
    """Remember the officer in this browser session."""
    app.storage.user.update({"username": who.username, "login_at": time.time()})


def sign_out() -> None:
    app.storage.user.pop("username", None)
    app.storage.user.pop("login_at", None)


def display_name(fallback: str) -> str:
    """The signed-in officer's name for the header (desktop: ``fallback``)."""
    who = principal()
    return (who.display_name or who.username) if who else fallback


# the role is re-read from the database at most every few seconds: a deactivated account or a
# changed role takes effect on the next click, without a query on every single service call
_CACHE_SECONDS = 5.0
_cache: dict[str, tuple[float, Principal | None]] = {}


def _cached_principal(username: str) -> Principal | None:
    now = time.monotonic()
    hit = _cache.get(username)
    if hit is None or now - hit[0] > _CACHE_SECONDS:
        hit = (now, accounts.principal_for(username))
        _cache[username] = hit
    return hit[1]


def forget_cached(username: str | None = None) -> None:
    """Drop cached roles (after an admin changed an account)."""
    if username is None:
        _cache.clear()
    else:
        _cache.pop(username, None)
