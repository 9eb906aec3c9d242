"""Where a login sends the browser, and how long a login lasts: redirects, session ids, revocation."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import httpx
import pytest
from nicegui.testing import User
from sqlmodel import select

from crm import config
from crm.auth import SYSTEM
from crm.db import session_scope
from crm.models import AuditEntry
from crm.services import auth as accounts_service
from crm.services.auth import AccountLocked, LoginFailed, Throttled, acting_as
from tests.server.conftest import PASSWORD
from tests.server.test_server_ui import _sign_in
from ui.auth import forget_cached, same_origin_path

# --- the redirect after login ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        # paths of this server are kept, with their query
        ("/enterprises/12", "/enterprises/12"),
        ("/enterprises?street=五角场", "/enterprises?street=五角场"),
        ("/", "/"),
        # another server, however it is spelled, goes home
        ("//evil.example/x", "/"),
        ("/\\evil.example/path", "/"),  # a browser reads the backslash as a slash
        ("/\t/evil.example/path", "/"),  # '/%09/...' once decoded: browsers drop the tab
        ("/\n/evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("http:/evil.example", "/"),
        ("evil.example", "/"),
        ("", "/"),
    ],
)
def test_only_paths_of_this_server_are_followed_after_login(target: str, expected: str) -> None:
    assert same_origin_path(target) == expected


async def test_a_login_link_to_another_host_lands_on_the_dashboard(accounts: dict, user: User) -> None:
    await user.open("/login?redirect_to=/%09/evil.example/path")
    user.find("login-username").type("li")
    user.find("login-password").type("correct horse 9")
    user.find("login-submit").click()
    await user.should_see("当前专员：李专员", retries=50)
    assert user.client is not None and user.client.request.url.path == "/"


async def test_the_login_brings_the_officer_back_to_the_page_they_asked_for(
    accounts: dict, user: User
) -> None:
    await _sign_in_to(user, "/policies")
    await user.should_see("当前专员：李专员", retries=50)
    assert user.client is not None and user.client.request.url.path == "/policies"


async def _sign_in_to(user: User, path: str) -> None:
    await user.open(path)
    await user.should_see(marker="login-username")
    user.find("login-username").type("li")
    user.find("login-password").type("correct horse 9")
    user.find("login-submit").click()


# --- counting sign-in attempts -----------------------------------------------------------------------------


def _attempts(username: str, password: str, n: int, address: str = "") -> list[str]:
    """``n`` parallel logins; the name of what each raised (or 'ok')."""

    def one(_: int) -> str:
        try:
            accounts_service.login(username, password, address)
        except LoginFailed as refused:
            return type(refused).__name__
        return "ok"

    with ThreadPoolExecutor(n) as pool:
        return sorted(pool.map(one, range(n)))


@pytest.mark.usefixtures("any_db")
def test_parallel_wrong_passwords_are_counted_one_by_one(accounts: dict) -> None:
    results = _attempts("li", "guess", 10)
    assert results == ["AccountLocked"] * 5 + ["LoginFailed"] * 5  # not ten "first tries"
    with pytest.raises(AccountLocked):
        accounts_service.login("li", PASSWORD)
    assert len(_audit("login_failed")) == 5  # a refused attempt checks no password and records nothing


def test_one_address_is_throttled_across_usernames_and_locks_nobody_out(accounts: dict) -> None:
    config.override_settings(replace(config.get_settings(), address_attempts=3))
    for name in ("chief", "zhao", "li"):
        with pytest.raises(LoginFailed) as failed:
            accounts_service.login(name, "guess", "203.0.113.9")
        assert type(failed.value) is LoginFailed
    with pytest.raises(Throttled, match="来自此地址的登录尝试过多"):
        accounts_service.login("chief", PASSWORD, "203.0.113.9")
    assert accounts_service.login("chief", PASSWORD, "198.51.100.7").username == "chief"  # another address


def test_good_logins_from_a_shared_address_are_not_throttled(accounts: dict) -> None:
    config.override_settings(replace(config.get_settings(), address_attempts=3))
    for _ in range(6):
        assert accounts_service.login("li", PASSWORD, "10.0.0.1").username == "li"


def test_a_typed_username_is_recorded_without_control_characters() -> None:
    with pytest.raises(LoginFailed):
        accounts_service.login("=1+1\t\r\n\x00\u202eadmin" + "x" * 100, "guess")
    [entry] = _audit("login_failed")
    assert entry.actor == "=1+1admin" + "x" * 55  # no control or bidi characters, at most 64


def _audit(action: str) -> list[AuditEntry]:
    with acting_as(SYSTEM), session_scope() as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.action == action)))


# --- session ids and revocation -------------------------------------------------------------------------------


async def test_signing_in_gives_the_browser_a_new_session_id(accounts: dict, user: User) -> None:
    await user.open("/login")
    planted = user.http_client.cookies.get("session")
    assert planted
    user.find("login-username").type("li")
    user.find("login-password").type(PASSWORD)
    user.find("login-submit").click()
    await user.should_see("当前专员：李专员", retries=50)
    assert user.http_client.cookies.get("session") != planted
    transport = user.http_client._transport
    async with httpx.AsyncClient(transport=transport, base_url=str(user.http_client.base_url)) as other:
        other.cookies.set("session", planted)  # whoever planted the old id before the login
        response = await other.get("/enterprises", follow_redirects=False)
    assert response.status_code in (302, 307) and response.headers["location"].startswith("/login")


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda li: accounts_service.reset_password(li.id, "another password 7"), id="password"),
        pytest.param(
            lambda li: accounts_service.update_account(li.id, li.version, {"role": "viewer"}), id="role"
        ),
        pytest.param(
            lambda li: (
                accounts_service.update_account(li.id, li.version, {"active": False}),
                accounts_service.update_account(li.id, li.version + 1, {"active": True}),
            ),
            id="deactivated-then-reactivated",
        ),
    ],
)
async def test_an_account_change_ends_the_open_session(
    accounts: dict, user: User, change: Callable[[Any], Any]
) -> None:
    await _sign_in(user, "li")
    await user.should_see("当前专员：李专员", retries=50)
    with acting_as(accounts["admin"]):
        change(next(a for a in accounts_service.list_accounts() if a.username == "li"))
    forget_cached()  # the settings page does this; another server process notices within seconds
    await user.open("/enterprises")
    await user.should_see(marker="login-username")
    await user.should_not_see("当前专员：李专员")
