"""Issue 7's "done means": two officers in two real browsers edit the same enterprise at once.

`huiqi serve` runs as a subprocess over the test's database (SQLite; PostgreSQL too when
HUIQI_TEST_POSTGRES_URL is set). Two headless Chromium sessions sign in as 李专员 and 王专员 and open
the same enterprise's edit form. 李 changes the website and saves; 王 changes the address and saves
on the version he loaded: he is told about the conflict in Chinese, keeps what he typed, nothing
of his is written and the audit trail shows 李's edit only. He loads the latest version, types his
address again and saves; both edits are then stored.

Elements are found as an officer finds them, by their visible Chinese labels (NiceGUI's `.mark()`
markers are not in the DOM).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from crm import config, db
from crm.services import auth as auth_service
from crm.services import enterprises
from crm.services.auth import Principal, acting_as
from tests.server.conftest import ADMIN, PASSWORD
from tests.serving import chromium, needs_chromium, running_huiqi

SECRET = "two-browsers-test-secret-0123456789"
WAIT = 20  # seconds for any one step; the whole test stays well under a minute

pytestmark = needs_chromium


def test_the_second_save_reports_the_conflict_and_nothing_is_lost(
    any_db: str, served: tuple[str, int], browser: Callable[[str], Any]
) -> None:
    url, eid = served
    li, wang = browser("li"), browser("wang")
    for driver, username in ((li, "li"), (wang, "wang")):
        _sign_in_at(driver, f"{url}/enterprises/{eid}", username)
        _click(driver, "编辑")
        _field(driver, "网站")  # both forms are open on version 1
    _type(_field(li, "网站"), "https://li.example.cn")
    _click(li, "保存")
    _wait(li, lambda d: _buttons(d, "编辑"))  # 李's form closed: saved

    _type(_field(wang, "注册地址"), "上海市杨浦区国权路 1 号")
    _click(wang, "保存")
    banner = _wait(
        wang, lambda d: d.find_elements("xpath", "//*[contains(@class,'bg-red-1')][contains(., '保存失败')]")
    )[0]
    assert "li" in banner.text and "当前版本 2" in banner.text and "您编辑的是版本 1" in banner.text
    assert "您的修改未写入" in banner.text
    assert _field(wang, "注册地址").get_attribute("value") == "上海市杨浦区国权路 1 号"  # what he typed stays
    assert _field(wang, "网站").get_attribute("value") == "https://old.example.cn"  # his form is untouched

    with acting_as(ADMIN):  # the test reads as somebody: in server mode nobody reads nothing
        stored = enterprises.get_enterprise(eid)
    assert (stored.version, stored.website, stored.address) == (
        2,
        "https://li.example.cn",
        "上海市杨浦区政通路 100 号",
    )
    assert _edits(eid) == [("li", "website", "https://li.example.cn")]

    _click(wang, "载入最新版本")
    _wait(wang, lambda d: _field(d, "网站").get_attribute("value") == "https://li.example.cn")
    _type(_field(wang, "注册地址"), "上海市杨浦区国权路 1 号")
    _click(wang, "保存")
    _wait(wang, lambda d: _buttons(d, "编辑"))

    with acting_as(ADMIN):
        stored = enterprises.get_enterprise(eid)
    assert (stored.version, stored.website, stored.address) == (
        3,
        "https://li.example.cn",
        "上海市杨浦区国权路 1 号",
    )
    assert _edits(eid) == [
        ("li", "website", "https://li.example.cn"),
        ("wang", "address", "上海市杨浦区国权路 1 号"),
    ]


def _edits(eid: int) -> list[tuple[str, str | None, str | None]]:
    with acting_as(ADMIN):
        history = enterprises.history(eid)
    return [(e.actor, e.field, e.new) for e in reversed(history) if e.action == "update"]


# --- the server ------------------------------------------------------------------------------


@pytest.fixture
def served(any_db: str, huiqi_env: config.Settings) -> Iterator[tuple[str, int]]:
    """`huiqi serve` over the test's database with an admin, two officers and one enterprise."""
    config.override_settings(replace(config.get_settings(), mode="server", storage_secret=SECRET))
    eid = _seed()
    db.dispose_engines()
    with running_huiqi(
        "serve", data_dir=huiqi_env.data_dir, env={"HUIQI_STORAGE_SECRET": SECRET}, ready_path="/login"
    ) as url:
        yield url, eid


def _seed() -> int:
    from crm.auth import hash_password
    from crm.db import session_scope
    from crm.store import create_officer

    with acting_as(ADMIN), session_scope() as session:  # the first admin, as `huiqi officer add` makes it
        create_officer(
            session=session,
            actor="setup",
            password_hash=hash_password(PASSWORD),
            data={"username": "chief", "display_name": "王主任", "role": "admin"},
        )
    with acting_as(ADMIN):
        auth_service.create_account({"username": "li", "display_name": "李专员", "role": "officer"}, PASSWORD)
        auth_service.create_account(
            {"username": "wang", "display_name": "王专员", "role": "officer"}, PASSWORD
        )
    with acting_as(Principal("chief", "admin", "王主任")):
        return int(
            enterprises.create_enterprise(
                {
                    "name": "上海杨浦冰雪运动科技有限公司",
                    "address": "上海市杨浦区政通路 100 号",
                    "website": "https://old.example.cn",
                }
            ).id
        )


# --- the browsers ----------------------------------------------------------------------------


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Callable[[str], Any]]:
    """A factory of headless Chromium sessions, each with its own profile (its own cookies)."""
    drivers: list[Any] = []

    def start(name: str) -> Any:
        driver = chromium(tmp_path / f"chromium-{name}")
        drivers.append(driver)
        return driver

    try:
        yield start
    finally:
        for driver in drivers:
            driver.quit()


def _sign_in_at(driver: Any, page: str, username: str) -> None:
    """Open ``page``: the guard sends us to the login page, and back after signing in."""
    driver.get(page)
    _type(_field(driver, "用户名"), username)
    _type(_field(driver, "密码"), PASSWORD)
    _click(driver, "登录")
    _wait(driver, lambda d: _buttons(d, "编辑"))


def _field(driver: Any, label: str) -> Any:
    """The input of the Quasar field labelled ``label``."""
    xpath = (
        f"//label[contains(@class,'q-field')][.//div[contains(@class,'q-field__label')]"
        f"[normalize-space()='{label}']]//*[self::input or self::textarea]"
    )
    return _wait(driver, lambda d: d.find_elements("xpath", xpath))[0]


def _buttons(driver: Any, text: str) -> list[Any]:
    return [
        b
        for b in driver.find_elements("xpath", f"//button[.//span[normalize-space()='{text}']]")
        if b.is_displayed()
    ]


def _click(driver: Any, text: str) -> None:
    _wait(driver, lambda d: _buttons(d, text))[0].click()


def _type(element: Any, text: str) -> None:
    from selenium.webdriver.common.keys import Keys

    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(text)  # replaces the selection; each keystroke reaches the server as an input event


def _wait(driver: Any, condition: Callable[[Any], Any]) -> Any:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, WAIT).until(condition)
    except TimeoutException:
        body = driver.find_element("tag name", "body").text
        raise AssertionError(
            f"waited {WAIT} s in vain at {driver.current_url}; the page says:\n{body}"
        ) from None
