"""The desktop app answers only this computer; a server sends framing and content rules and checks origins.

The guards are driven as ASGI apps around a recording inner app (the pages themselves run with these
headers in the headless-Chromium test of server mode, tests/server/test_two_browsers.py).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from crm import config
from ui.guards import LocalHostOnly, ServerHeaders


async def _call(guard: type, headers: dict[str, str], kind: str = "http", path: str = "/") -> dict[str, Any]:
    seen: dict[str, Any] = {"reached": False, "status": None, "headers": {}, "closed": None}

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        seen["reached"] = True
        if kind == "http":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})

    async def receive() -> Any:
        return {"type": "http.request", "body": b""}

    async def send(message: Any) -> None:
        if message["type"] == "http.response.start":
            seen["status"] = message["status"]
            seen["headers"] = {k.decode(): v.decode() for k, v in message["headers"]}
        if message["type"] == "websocket.close":
            seen["closed"] = message["code"]

    scope = {"type": kind, "path": path, "headers": [(k.encode(), v.encode()) for k, v in headers.items()]}
    await guard(inner)(scope, receive, send)
    return seen


@pytest.mark.parametrize("host", ["127.0.0.1:8080", "localhost:8080", "LOCALHOST", "[::1]:8080", "127.0.0.1"])
async def test_the_desktop_app_answers_its_own_computer(host: str) -> None:
    assert (await _call(LocalHostOnly, {"host": host}))["status"] == 200


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8080", "127.0.0.1.evil.example:8080", "192.168.1.5:8080", ""]
)
async def test_the_desktop_app_refuses_any_other_host_name(host: str) -> None:
    """A DNS-rebinding page reaches 127.0.0.1 under its own name: it gets a refusal, not the data."""
    refused = await _call(LocalHostOnly, {"host": host})
    assert refused["status"] == 421 and not refused["reached"]
    socket = await _call(LocalHostOnly, {"host": host}, kind="websocket")
    assert socket["closed"] == 1008 and not socket["reached"]


@pytest.fixture
def server() -> None:
    config.override_settings(replace(config.get_settings(), mode="server", storage_secret="test-secret"))


@pytest.mark.usefixtures("server")
async def test_a_server_forbids_framing_and_limits_where_content_comes_from() -> None:
    headers = (await _call(ServerHeaders, {"host": "huiqi.example"}))["headers"]
    assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


@pytest.mark.usefixtures("server")
async def test_a_server_refuses_a_websocket_opened_by_a_page_of_another_origin() -> None:
    own = {"host": "huiqi.example", "origin": "https://huiqi.example"}
    other = {"host": "huiqi.example", "origin": "https://evil.example"}
    assert (await _call(ServerHeaders, own, kind="websocket"))["reached"]
    refused = await _call(ServerHeaders, other, kind="websocket")
    assert refused["closed"] == 1008 and not refused["reached"]
    polling = await _call(ServerHeaders, other, path="/_nicegui_ws/socket.io/")
    assert polling["status"] == 403 and not polling["reached"]


async def test_the_desktop_app_sends_no_server_headers() -> None:
    assert "content-security-policy" not in (await _call(ServerHeaders, {"host": "127.0.0.1"}))["headers"]
