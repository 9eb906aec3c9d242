"""The HTTP guards, driven as ASGI apps with a recording inner app (no server needed)."""

from __future__ import annotations

from typing import Any

from ui.guards import UploadLimit

UPLOAD = "/_nicegui/client/abc/upload/12"


async def _call(
    guard_cls: type, path: str, chunks: list[bytes], headers: dict[str, str] | None = None
) -> Any:
    seen: dict[str, Any] = {"read": 0, "status": None}

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            seen["read"] += len(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    queue = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)
    ]

    async def receive() -> Any:
        return queue.pop(0)

    async def send(message: Any) -> None:
        if message["type"] == "http.response.start":
            seen["status"] = message["status"]

    scope = {
        "type": "http",
        "path": path,
        "headers": [(k.encode(), v.encode()) for k, v in (headers or {}).items()],
    }
    await guard_cls(inner)(scope, receive, send)
    return seen


async def test_an_upload_over_the_limit_is_refused_by_its_length_and_as_it_streams(monkeypatch: Any) -> None:
    from crm import config

    monkeypatch.setenv("HUIQI_MAX_UPLOAD_MB", "1")
    config.override_settings(config.load_settings())
    mib = b"x" * (1 << 20)
    by_length = await _call(UploadLimit, UPLOAD, [mib * 3], {"content-length": str(3 << 20)})
    assert by_length == {"read": 0, "status": 413}
    streamed = await _call(UploadLimit, UPLOAD, [mib, mib, mib, mib])  # chunked: no length announced
    assert streamed["status"] == 413 and streamed["read"] <= 2 << 20
    assert (await _call(UploadLimit, UPLOAD, [mib[: 1 << 19]]))["status"] == 200
    assert (await _call(UploadLimit, "/intake", [mib, mib, mib]))["status"] == 200  # not an upload
