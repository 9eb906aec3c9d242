"""Fixtures for server mode: settings switched to server, and accounts of each role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from crm import config
from crm.services import auth as auth_service
from crm.services.auth import Principal, acting_as

PASSWORD = "correct horse 9"


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its cheapest parameters: the same code path, milliseconds instead of a second per test."""
    from argon2 import PasswordHasher

    from crm import auth

    fast = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    monkeypatch.setattr(auth, "_hasher", fast)
    monkeypatch.setattr(auth, "_DUMMY_HASH", fast.hash("dummy"))


@pytest.fixture
def server_mode(huiqi_env: config.Settings) -> Iterator[config.Settings]:
    """Server-mode settings (login required) over the test's own database."""
    settings = replace(config.get_settings(), mode="server", storage_secret="test-secret")
    config.override_settings(settings)
    yield settings


ADMIN = Principal("chief", "admin", "王主任")


@pytest.fixture
def accounts(server_mode: config.Settings) -> dict[str, Principal]:
    """An admin, an officer and a viewer, each with PASSWORD."""
    from crm.auth import hash_password
    from crm.db import session_scope
    from crm.store import create_officer

    with acting_as(ADMIN), session_scope() as session:
        create_officer(
            session=session,
            actor="setup",
            password_hash=hash_password(PASSWORD),
            data={"username": "chief", "display_name": "王主任", "role": "admin"},
        )
    with acting_as(ADMIN):
        auth_service.create_account({"username": "li", "display_name": "李专员", "role": "officer"}, PASSWORD)
        auth_service.create_account(
            {"username": "zhao", "display_name": "赵只读", "role": "viewer"}, PASSWORD
        )
    return {
        "admin": ADMIN,
        "officer": Principal("li", "officer", "李专员"),
        "viewer": Principal("zhao", "viewer", "赵只读"),
    }
