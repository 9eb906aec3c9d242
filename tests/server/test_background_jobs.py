"""Server mode: slow work runs off the event loop as the officer who asked for it, and nothing reads for a
browser whose login has ended.

Each job is driven by a signed-in officer through NiceGUI's simulated user; before ``ui.background.io_bound``
the worker thread acted as nobody and the page said "请先登录".
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import date
from types import ModuleType
from typing import Any

import pytest
from nicegui.testing import User
from openpyxl import Workbook, load_workbook

from crm import config
from crm.db import session_scope
from crm.models import MatchResult, PackRecord
from crm.services import enterprises, intake, jobs, packs, search
from crm.services.auth import NotSignedIn, acting_as
from tests.packs.conftest import two_policies  # noqa: F401 - a fixture: small packs keep these tests fast
from tests.packs.test_ui_packs import add_enterprise
from tests.server.test_server_ui import _sign_in

pytestmark = pytest.mark.usefixtures("two_policies")


@pytest.fixture
async def user(user: User) -> AsyncIterator[User]:
    """Let NiceGUI's outbox drain before teardown (see tests/ui/conftest.py for the py3.11 race)."""
    yield user
    await asyncio.sleep(0.2)


@pytest.fixture
def batch_jobs(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setattr(jobs, "BATCH_WORKERS", 1)
    monkeypatch.setattr(jobs, "JOBS", {})
    return jobs


def _records(model: type) -> list[Any]:
    from sqlmodel import select

    with acting_as(jobs.Principal("chief", "admin")), session_scope() as session:
        return list(session.exec(select(model)).all())


async def _wait_for(check: Callable[[], Any], timeout: float = 60.0) -> Any:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not (result := check()):
        assert loop.time() < end, "gave up waiting"
        await asyncio.sleep(0.1)
    return result


# --- each background job, as a signed-in officer ----------------------------------------------------------


async def test_a_pack_made_on_the_enterprise_page_is_made_as_the_officer(accounts: dict, user: User) -> None:
    with acting_as(accounts["admin"]):
        enterprise_id = add_enterprise("上海堃喆体育科技有限公司")
    await _sign_in(user, "li")
    await user.should_see("当前专员：李专员", retries=50)
    await user.open(f"/enterprises/{enterprise_id}")
    user.find("tab-packs").click()
    user.find("pack-generate").click()
    await user.should_see("已生成服务包", retries=100)
    [record] = _records(PackRecord)
    assert record.officer == "li"


async def test_the_batch_page_finds_and_makes_packs_as_the_officer(
    accounts: dict, user: User, batch_jobs: ModuleType
) -> None:
    with acting_as(accounts["admin"]):
        add_enterprise("上海旻玥电竞文化传播有限公司")
        add_enterprise("上海翀镕赛事运营有限公司")
    await _sign_in(user, "li")
    await user.should_see("当前专员：李专员", retries=50)
    await user.open("/packs")
    user.find("batch-find").click()
    await user.should_see("共 2 家企业", retries=50)
    user.find("batch-start").click()
    job = await _wait_for(lambda: batch_jobs.JOBS.get("li"))
    await _wait_for(lambda: not job.running)
    await user.should_see("已完成：成功 2 份，失败 0 份", retries=50)
    assert {r.officer for r in _records(PackRecord)} == {"li"}


async def test_rematch_all_runs_as_the_officer(accounts: dict, user: User) -> None:
    with acting_as(accounts["admin"]):
        add_enterprise("上海旻玥电竞文化传播有限公司")
    await _sign_in(user, "li")
    await user.should_see("当前专员：李专员", retries=50)
    await user.open("/policies")
    user.find("rematch-all").click()
    await user.should_see("已重新匹配 1 家企业", retries=100)
    assert _records(MatchResult)


async def test_import_and_export_run_as_the_officer(accounts: dict, user: User) -> None:
    from nicegui.elements.upload_files import SmallFileUpload

    wb = Workbook()
    wb.active.append(["企业名称", "成立日期"])
    wb.active.append(["上海跃动体育科技有限公司", "2019-03-05"])
    data = io.BytesIO()
    wb.save(data)
    await _sign_in(user, "li")
    await user.should_see("当前专员：李专员", retries=50)
    await user.open("/intake")
    upload = user.find("intake-upload").elements.pop()
    await upload.handle_uploads([SmallFileUpload("名单.xlsx", "application/octet-stream", data.getvalue())])
    await user.should_see(marker="intake-preview", retries=50)
    user.find("intake-preview").click()
    await user.should_see(marker="intake-run", retries=50)
    user.find("intake-run").click()
    await user.should_see("已导入：新建 1 家", retries=50)
    user.find("intake-export").click()
    exported = await user.download.next()
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert "上海跃动体育科技有限公司" in [c.value for row in sheet.iter_rows() for c in row]
    with acting_as(accounts["admin"]):
        [created] = enterprises.list_enterprises(enterprises.EnterpriseQuery()).rows
        assert {e.actor for e in enterprises.history(created.id or 0)} == {"li"}


def test_a_pack_worker_process_acts_as_the_officer_who_asked(accounts: dict) -> None:
    """The worker is another process: no browser session, no context variable; it is handed the principal."""
    with acting_as(accounts["admin"]):
        enterprise_id = add_enterprise("上海堃喆体育科技有限公司")
    rendered = packs._render_in_worker(enterprise_id, accounts["officer"], "li", date.today(), "any")
    assert isinstance(rendered, dict), rendered
    assert rendered["officer_name"] == "李专员"


# --- reads refused when nobody is signed in ------------------------------------------------------------------


@pytest.mark.parametrize(
    "read",
    [
        pytest.param(lambda: enterprises.list_enterprises(enterprises.EnterpriseQuery()), id="list"),
        pytest.param(lambda: enterprises.get_enterprise(1), id="get"),
        pytest.param(lambda: search.search("跃动"), id="search"),
        pytest.param(intake.export_enterprises, id="export"),
        pytest.param(jobs.latest, id="jobs"),
    ],
)
def test_server_mode_reads_nothing_for_nobody(accounts: dict, read: Callable[[], Any]) -> None:
    with acting_as(accounts["admin"]):
        add_enterprise("上海跃动体育科技有限公司")
        search.search("跃动")  # the in-memory index is built: it must not answer nobody either
    with pytest.raises(NotSignedIn, match="请先登录"):
        read()


async def test_an_ended_login_sends_the_header_search_to_the_login_page(accounts: dict, user: User) -> None:
    with acting_as(accounts["admin"]):
        add_enterprise("上海跃动体育科技有限公司")
    await _sign_in(user, "li")
    await user.should_see("当前专员：李专员", retries=50)
    await user.open("/enterprises")
    user.find("global-search").type("跃动")
    await user.should_see(marker="search-hit", retries=20)
    config.override_settings(replace(config.get_settings(), session_hours=0))  # the login has just ended
    user.find("global-search").clear().type("江湾")
    await user.should_see(marker="login-username", retries=20)
    await user.should_not_see(marker="search-hit")
