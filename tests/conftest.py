"""Shared fixtures: every test gets its own data dir and database (SQLite by default).

Store tests that take the ``any_db`` fixture run twice: on SQLite and on PostgreSQL when
HUIQI_TEST_POSTGRES_URL is set (`.ci/run` sets it); without it the PostgreSQL half is skipped loudly.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from crm import config, db

PG_URL = os.environ.get("HUIQI_TEST_POSTGRES_URL")


@pytest.fixture(autouse=True)
def huiqi_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[config.Settings]:
    """Isolated settings for each test: a temp data dir and SQLite file, officer 'tester'."""
    env = {"HUIQI_DATA_DIR": str(tmp_path / "data"), "HUIQI_OFFICER": "tester"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("HUIQI_DATABASE_URL", raising=False)
    settings = config.load_settings()
    config.override_settings(settings)
    yield settings
    db.dispose_engines()
    config.override_settings(None)


@pytest.fixture(scope="session")
def pg_server_url() -> str | None:
    return PG_URL


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say loudly, at the end of the run, that the PostgreSQL half did not run."""
    if not PG_URL:
        terminalreporter.write_sep(
            "!", "HUIQI_TEST_POSTGRES_URL not set: PostgreSQL tests were SKIPPED", red=True, bold=True
        )


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(
    request: pytest.FixtureRequest,
    huiqi_env: config.Settings,
    pg_server_url: str | None,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[str]:
    """Run the test on SQLite, then on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield "sqlite"
        return
    if not pg_server_url:
        pytest.skip("PostgreSQL not configured: set HUIQI_TEST_POSTGRES_URL (see .ci/run)")
    with db.scratch_database(pg_server_url, prefix="huiqi_test") as url:
        monkeypatch.setenv("HUIQI_DATABASE_URL", url)
        config.override_settings(config.load_settings())
        yield "postgresql"
