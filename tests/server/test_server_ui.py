"""Server mode as an officer meets it in the browser, and hostile text shown as text."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from crm.services import enterprises
from crm.services.auth import Principal, acting_as
from tests.server.conftest import PASSWORD


async def _sign_in(user: User, username: str, password: str = PASSWORD) -> None:
    await user.open("/")
    await user.should_see(marker="login-username")  # the guard sent us to the login page
    user.find("login-username").type(username)
    user.find("login-password").type(password)
    user.find("login-submit").click()


async def test_a_stranger_is_sent_to_login_and_a_wrong_password_is_refused(
    accounts: dict, user: User
) -> None:
    await _sign_in(user, "li", "not the password")
    await user.should_see("用户名或密码错误")
    await user.should_not_see(marker="nav-enterprises")


async def test_an_officer_signs_in_and_is_named_in_the_header(accounts: dict, user: User) -> None:
    await _sign_in(user, "li")
    await user.should_see("当前专员：李专员", retries=50)
    await user.should_see(marker="logout")


async def test_an_admin_manages_accounts_on_the_settings_page(accounts: dict, user: User) -> None:
    await _sign_in(user, "chief")
    await user.should_see("当前专员：王主任", retries=50)
    await user.open("/settings")
    await user.should_see("账号与角色")
    rows = user.find("accounts-table").elements.pop().rows  # type: ignore[attr-defined]
    assert {r["username"]: r["role"] for r in rows} == {"chief": "管理员", "li": "专员", "zhao": "只读"}


async def test_a_viewer_only_gets_their_own_password_on_the_settings_page(accounts: dict, user: User) -> None:
    await _sign_in(user, "zhao")
    await user.should_see("当前专员：赵只读", retries=50)
    await user.open("/settings")
    await user.should_see(marker="pw-change")
    await user.should_not_see("账号与角色")


async def test_a_script_in_an_enterprise_name_is_shown_as_text(user: User) -> None:
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    with acting_as(Principal("tester", "admin")):
        created = enterprises.create_enterprise({"name": hostile, "notes": "<b>粗体</b>"})
    await user.open(f"/enterprises/{created.id}")
    await user.should_see(marker="value-name")
    assert user.find("value-name").elements.pop().text == hostile  # type: ignore[attr-defined]
    assert user.find("page-title").elements.pop().text == hostile  # type: ignore[attr-defined]
    raw_html = [
        el
        for el in user.client.layout.descendants()
        if isinstance(el, ui.html | ui.markdown) and "<script>" in el.content
    ]
    assert raw_html == []  # nowhere injected as markup
