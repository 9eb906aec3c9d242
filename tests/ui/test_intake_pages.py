"""The 导入导出 and 疑似重复 pages as an officer uses them."""

from __future__ import annotations

import io

import pytest
from nicegui.testing import User
from openpyxl import Workbook

from crm.services import enterprises
from crm.services.enterprises import EnterpriseQuery, list_enterprises


def _xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["2024年杨浦区体育企业名单"])
    ws.merge_cells("A1:C1")
    ws.append(["企业名称", "成立日期", "2023年营业收入(万元)"])
    ws.append(["上海跃动体育科技有限公司", "2019/3/5", 100])
    ws.append(["上海坏日期体育有限公司", "2019-02-30", 50])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def _upload(user: User, data: bytes, name: str) -> None:
    from nicegui.elements.upload_files import SmallFileUpload

    upload = user.find("intake-upload").elements.pop()
    await upload.handle_uploads([SmallFileUpload(name, "application/octet-stream", data)])  # as NiceGUI does


async def test_import_page_reports_row_and_field_then_imports_valid_rows(user: User) -> None:
    await user.open("/intake")
    await _upload(user, _xlsx(), "名单.xlsx")
    await user.should_see("表头在第 2 行")
    user.find("intake-preview").click()
    await user.should_see("intake-errors", retries=50)
    [problem] = user.find("intake-errors").elements.pop().rows
    assert (problem["row"], problem["column"]) == (4, "成立日期") and "不是有效日期" in problem["message"]
    user.find("intake-mode").elements.pop().set_value("valid-only")
    user.find("intake-run").click()
    await user.should_see("已导入：新建 1 家", retries=50)
    await user.should_see("下载未导入的行（含错误原因）")
    names = [e.name for e in list_enterprises(EnterpriseQuery()).rows]
    assert names == ["上海跃动体育科技有限公司"]


async def test_duplicates_page_merges_and_undoes(user: User) -> None:
    a = enterprises.create_enterprise({"name": "上海力动体育有限公司"})
    b = enterprises.create_enterprise({"name": "力动体育（上海）有限公司"})
    await user.open("/intake/duplicates")
    await user.should_see("共 1 对疑似重复", retries=50)
    user.find(f"keep-{a.id}").click()
    user.find("dup-confirm").click()
    await user.should_see("没有发现疑似重复的企业", retries=50)
    assert [e.id for e in list_enterprises(EnterpriseQuery()).rows] == [a.id]
    user.find("dup-undo").click()
    await user.should_see("共 1 对疑似重复", retries=50)
    assert {e.id for e in list_enterprises(EnterpriseQuery()).rows} == {a.id, b.id}


async def test_a_hostile_workbook_is_refused_with_the_limit_and_the_page_keeps_working(user: User) -> None:
    from tests.intake.test_limits import sparse_xlsx

    await user.open("/intake")
    await _upload(user, sparse_xlsx("XFD1048576"), "名单.xlsx")
    await user.should_see("超过上限 500 列", retries=50)
    await _upload(user, _xlsx(), "名单.xlsx")  # the next file reads as usual
    await user.should_see("表头在第 2 行", retries=50)


async def test_a_file_over_the_upload_limit_is_refused_before_it_is_read(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crm import config

    monkeypatch.setenv("HUIQI_MAX_UPLOAD_MB", "0.5")
    config.override_settings(config.load_settings())
    await user.open("/intake")
    await user.should_see("单个文件不超过 0.5 MB")
    await _upload(user, ("企业名称\n" + "上海跃动体育科技有限公司\n" * 20_000).encode(), "名单.csv")
    await user.should_see("文件过大（0.7 MB），上限为 0.5 MB", retries=50)


async def test_the_upload_is_read_off_the_event_loop(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from crm.services import intake

    readers: list[str] = []
    read_file = intake.read_file

    def recording(data: bytes, name: str) -> intake.Table:
        readers.append(threading.current_thread().name)
        return read_file(data, name)

    monkeypatch.setattr(intake, "read_file", recording)
    await user.open("/intake")
    await _upload(user, _xlsx(), "名单.xlsx")
    await user.should_see("表头在第 2 行", retries=50)
    assert readers and readers[0] != threading.main_thread().name  # the event loop runs on the main thread
