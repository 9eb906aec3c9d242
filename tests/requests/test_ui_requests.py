"""The 资料补充 page and the enterprise's 资料补充 tab as an officer uses them (NiceGUI's User fixture)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User

from crm.services import requests as rq
from tests.requests.conftest import fill


@pytest.fixture
async def user(user: User) -> AsyncIterator[User]:
    """Let NiceGUI's outbox drain before teardown (see tests/ui/conftest.py for the py3.11 race)."""
    yield user
    await asyncio.sleep(0.2)


async def test_make_then_import_review_accept_and_see_the_verdicts_move(
    user: User, enterprise_id: int, tmp_path: Path
) -> None:
    await user.open("/requests")
    user.find("requests-find").click()
    await user.should_see("共 1 家企业", retries=50)
    user.find("requests-start").click()
    await user.should_see(marker="requests-made", retries=100)
    await user.should_see("已生成 1 份，0 家无需补充")
    [row] = rq.list_requests()
    assert row["status"] == "sent"

    made = rq.make_requests([enterprise_id], tmp_path / "again", make_zip=False).made[0].path
    fill(made, {"serious_dishonesty_listed": "也许"})  # one mistyped answer among good ones
    user.find("requests-tab-import").click()
    upload = user.find("requests-upload").elements.pop()
    await upload.handle_uploads([SmallFileUpload(made.name, "application/octet-stream", made.read_bytes())])
    await user.should_see(marker="requests-uploaded")
    user.find("requests-read").click()
    await user.should_see(marker="review-file-0", retries=100)
    await user.should_see("是否列入严重失信名单")
    await user.should_see(marker="review-error-0")
    user.find("requests-accept").click()
    await user.should_see(marker="requests-applied", retries=100)
    await user.should_see(marker=f"applied-{enterprise_id}")
    await user.should_see(marker=f"new-pack-{enterprise_id}")


async def test_the_enterprise_tab_lists_requests_and_where_values_came_from(
    user: User, enterprise_id: int
) -> None:
    await user.open(f"/enterprises/{enterprise_id}")
    user.find("tab-requests").click()
    await user.should_see(marker="requests-none")
    await user.should_see("专员录入")  # the values typed in by an officer
    user.find("request-make").click()
    response = await user.download.next()
    assert response.content.startswith(b"PK")  # an .xlsx
    [row] = rq.list_requests(enterprise_id=enterprise_id)
    await user.should_see(marker=f"request-row-{row['id']}", retries=50)
    [source] = user.find("source-name").elements
    assert source.text == "专员录入"
    user.find("verify-name").click()
    await user.should_see(marker="verified-name", retries=20)
    [source] = user.find("source-name").elements
    assert source.text == "已核实"
    await user.should_not_see(marker="verify-name")
