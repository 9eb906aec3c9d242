"""HTTP guards in front of every page: upload size, the Host header in desktop mode, security headers.

Plain ASGI middlewares (a ``BaseHTTPMiddleware`` cannot watch a request body as it streams in).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from nicegui import app

from crm.services import intake

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MULTIPART_SLACK = 64 * 1024  # the form's boundaries and headers around the file


def install() -> None:
    """Add the guards to the app (once)."""
    if not any(m.cls is UploadLimit for m in app.user_middleware):
        app.add_middleware(UploadLimit)


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
