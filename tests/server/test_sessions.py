"""Where a login sends the browser, and how long a login lasts: redirects, session ids, revocation."""

from __future__ import annotations

import pytest
from nicegui.testing import User

from tests.server.test_server_ui import _sign_in
from ui.auth import same_origin_path

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
    await user.should_see("当前专员：李专员")
    assert user.back_history[-1] == "/"


async def test_the_login_brings_the_officer_back_to_the_page_they_asked_for(
    accounts: dict, user: User
) -> None:
    await _sign_in_to(user, "/policies")
    await user.should_see("当前专员：李专员")
    assert user.back_history[-1] == "/policies"


async def _sign_in_to(user: User, path: str) -> None:
    await user.open(path)
    await user.should_see(marker="login-username")
    user.find("login-username").type("li")
    user.find("login-password").type("correct horse 9")
    user.find("login-submit").click()


__all__ = ["_sign_in"]
