"""HTTP guards in front of every page: upload size, the Host header in desktop mode, security headers.

Plain ASGI middlewares (a ``BaseHTTPMiddleware`` cannot watch a request body as it streams in).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from nicegui import app

from crm.services import auth as auth_service
from crm.services import intake

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MULTIPART_SLACK = 64 * 1024  # the form's boundaries and headers around the file


def install() -> None:
    """Add the guards to the app (once): upload size, and in server mode the security headers and the
    websocket's origin. The desktop Host check is added by ``install_desktop`` when the desktop app starts."""
    for guard in (UploadLimit, ServerHeaders):
        if not any(m.cls is guard for m in app.user_middleware):
            app.add_middleware(guard)


def install_desktop() -> None:
    """Desktop mode: answer only requests addressed to this computer (a DNS-rebinding page cannot read)."""
    if not any(m.cls is LocalHostOnly for m in app.user_middleware):
        app.add_middleware(LocalHostOnly)


LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]"})

# NiceGUI's page builds Vue components from inline scripts and compiles templates at run time, so scripts
# need 'unsafe-inline' and 'unsafe-eval'; everything else comes from this server (images also as data:).
CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


class LocalHostOnly:
    """Refuse (421) any request whose Host is not 127.0.0.1 / localhost / [::1] (any port)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and _host_name(_header(scope, b"host")) not in LOCAL_HOSTS:
            await _refuse(scope, send, 421, "只接受本机地址（127.0.0.1 / localhost）的访问。")
            return
        await self.app(scope, receive, send)


class ServerHeaders:
    """Server mode: X-Frame-Options and a Content-Security-Policy on every response, and a websocket (or
    socket.io request) from a page of another origin is refused."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not _server_mode():
            await self.app(scope, receive, send)
            return
        origin = _header(scope, b"origin")
        socket = scope["type"] == "websocket" or scope["path"].startswith("/_nicegui_ws")
        if socket and origin and urlsplit(origin).netloc != _header(scope, b"host"):
            await _refuse(scope, send, 403, "来源不符，已拒绝。")
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


def _server_mode() -> bool:
    return auth_service.is_server_mode()


def _header(scope: Scope, name: bytes) -> str:
    return dict(scope.get("headers") or []).get(name, b"").decode("latin-1")


def _host_name(host: str) -> str:
    """The host part of a Host header ('[::1]:8080' -> '[::1]', 'localhost:8080' -> 'localhost')."""
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0].lower() if host.count(":") == 1 else host.lower()


async def _refuse(scope: Scope, send: Send, status: int, text: str) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    body = text.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class UploadLimit:
    """Refuse (413) an upload whose body is over the import limit, by its Content-Length or as it streams.

    NiceGUI spools an upload to disk before any handler sees it; without this, one request could fill the
    disk however small the page's own limit is.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_upload(scope["path"]):
            await self.app(scope, receive, send)
            return
        limit = intake.max_upload_bytes() + MULTIPART_SLACK
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            await _too_large(send)
            return
        received, started = 0, False

        async def counting() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise _BodyTooLarge
            return message

        async def watching(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting, watching)
        except _BodyTooLarge:
            if not started:
                await _too_large(send)


class _BodyTooLarge(Exception):
    """The body grew over the limit while it was read."""


def _is_upload(path: str) -> bool:
    return path.startswith("/_nicegui/client/") and "/upload/" in path


async def _too_large(send: Send) -> None:
    body = "文件过大，已拒绝上传。".encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
