"""Starting the app or the server: a busy port is refused before anything says "ready", a too-short secret
is called too short, and `HUIQI_MODE=server huiqi app` runs the server's checks (its secret included)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from crm import config
from ui.cli import app


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


def _server(monkeypatch: pytest.MonkeyPatch, secret: str | None) -> None:
    monkeypatch.setenv("HUIQI_MODE", "server")
    if secret is None:
        monkeypatch.delenv("HUIQI_STORAGE_SECRET", raising=False)
    else:
        monkeypatch.setenv("HUIQI_STORAGE_SECRET", secret)
    config.override_settings(config.load_settings())


def test_a_busy_port_is_refused_before_ready(busy_port: int) -> None:
    result = CliRunner().invoke(app, ["app", "--no-browser", "--port", str(busy_port)])
    assert result.exit_code == 2
    assert f"127.0.0.1:{busy_port}" in result.stderr and "--port" in result.stderr
    assert "http://" not in result.stdout


def test_a_too_short_secret_is_called_too_short(monkeypatch: pytest.MonkeyPatch) -> None:
    _server(monkeypatch, "short")
    result = CliRunner().invoke(app, ["serve", "--port", "1"])
    assert result.exit_code == 2 and "太短（5 个字符" in result.stderr and "未设置" not in result.stderr


def test_app_in_server_mode_runs_the_server_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    _server(monkeypatch, None)
    result = CliRunner().invoke(app, ["app", "--no-browser", "--port", "1"])
    assert result.exit_code == 2 and "未设置 HUIQI_STORAGE_SECRET" in result.stderr
