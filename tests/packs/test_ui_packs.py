"""The 服务包 tab and page as an officer sees them (two policies only, see conftest, so packs stay small)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from types import ModuleType

import pytest
from nicegui.testing import User

from crm import store
from crm.db import session_scope
from crm.models import FiscalYear
from crm.services import jobs, packs
from crm.services.auth import acting_as

pytestmark = pytest.mark.usefixtures("two_policies")


@pytest.fixture
async def user(user: User) -> AsyncIterator[User]:
    """Let NiceGUI's outbox drain before teardown (see tests/ui/conftest.py for the py3.11 race)."""
    yield user
    await asyncio.sleep(0.2)


@pytest.fixture
def batch_jobs(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The batch-job registry, emptied; one worker: spawned workers would load the full shipped rule set."""
    monkeypatch.setattr(jobs, "BATCH_WORKERS", 1)
    monkeypatch.setattr(jobs, "JOBS", {})
    return jobs


def add_enterprise(name: str, street: str = "五角场") -> int:
    with session_scope() as session:
        enterprise = store.create_enterprise(
            session=session,
            actor="tester",
            data={
                "name": name,
                "street": street,
                "registration_date": date(2019, 3, 12),
                "sports_division": "07",
            },
        )
        store.create_child(
            session=session,
            model=FiscalYear,
            enterprise_id=enterprise.id,
            actor="tester",
            data={"year": 2025, "sales_revenue": Decimal(31250000), "staff_total": 86},
        )
        assert enterprise.id is not None
        return enterprise.id


async def test_generating_a_pack_previews_it_and_lists_it_in_past_packs(user: User) -> None:
    enterprise_id = add_enterprise("上海堃喆体育科技有限公司")
    await user.open(f"/enterprises/{enterprise_id}")
    user.find("tab-packs").click()
    await user.should_see(marker="packs-none")
    user.find("pack-generate").click()
    [view] = await _wait_for(lambda: packs.list_packs(enterprise_id))
    record_id = view.record.id
    await user.should_see(marker=f"pack-row-{record_id}", retries=50)
    await user.should_see(marker=f"pack-current-{record_id}")
    await user.should_see(marker=f"pack-image-{record_id}")
    [image] = user.find(f"pack-image-{record_id}").elements
    assert image.props["src"].startswith("data:image/png;base64,iVBORw0KGgo")  # a real PNG, not an empty one
    user.find(f"pack-download-{record_id}").click()
    response = await user.download.next()
    assert response.content == packs.open_pack(record_id) and response.content.startswith(b"%PDF")


async def test_a_past_pack_shows_why_it_is_out_of_date(user: User) -> None:
    enterprise_id = add_enterprise("上海珺昇健身管理有限公司")
    packs.make_pack(enterprise_id)
    with session_scope() as session:
        store.update_enterprise(
            session=session,
            enterprise_id=enterprise_id,
            expected_version=1,
            actor="tester",
            data={"street": "大桥"},
        )
    await user.open(f"/enterprises/{enterprise_id}")
    user.find("tab-packs").click()
    await user.should_see("已过期：企业数据或人工核定已变更")


async def test_a_batch_shows_progress_then_lists_its_failures(user: User, batch_jobs: ModuleType) -> None:
    made = [add_enterprise("上海旻玥电竞文化传播有限公司"), add_enterprise("上海翀镕赛事运营有限公司")]
    add_enterprise("上海大桥体育有限公司", street="大桥")
    await user.open("/packs")
    user.find("batch-streets").elements.pop().set_value(["五角场"])
    user.find("batch-find").click()
    await user.should_see("共 2 家企业", retries=50)
    user.find("batch-start").click()
    await user.should_see(marker="batch-progress", retries=20)
    first = batch_jobs.JOBS["tester"]
    await user.open("/enterprises")  # the officer works elsewhere; the batch goes on
    await _wait_for(lambda: not first.running)
    await user.open("/packs")
    await user.should_see("已完成：成功 2 份，失败 0 份", retries=20)
    with acting_as(first.principal):
        job = batch_jobs.start_pack_batch([*made, 99999])  # one id that no longer exists
    await user.should_see(marker="batch-progress", retries=20)
    await _wait_for(lambda: not job.running)
    await user.should_see("已完成：成功 2 份，失败 1 份", retries=20)
    await user.should_see(marker="batch-failed-99999")
    await user.should_see(marker="batch-zip")
    assert job.done == job.total == 3


async def _wait_for(check, timeout: float = 60.0):  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (value := check()):
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.1)
    return value


async def test_desktop_mode_asks_for_the_officer_details_once_in_settings(user: User) -> None:
    from crm.services import profile

    await user.open("/packs")
    await user.should_see(marker="packs-no-profile")  # the batch page points to where the details go
    await user.open("/settings")
    await user.should_see(marker="profile-missing")  # the tab opens first while nothing is stored
    user.find("me-name").type("王珺")
    user.find("me-office").type("企业服务科")
    user.find("me-phone").type("021-6543 2100")
    user.find("me-save").click()
    await user.should_see("已保存")
    assert profile.my_profile().display_name == "王珺" and profile.my_profile().office == "企业服务科"
    await user.open("/settings")
    await user.should_not_see(marker="profile-missing")  # asked once
    await user.open("/packs")
    await user.should_not_see(marker="packs-no-profile")
