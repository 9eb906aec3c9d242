"""The 导入导出 and 疑似重复 pages as an officer uses them."""

from __future__ import annotations

import asyncio
import io

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


class _Upload:
    """What NiceGUI's upload event hands the page."""

    def __init__(self, data: bytes, name: str):
        self.data, self.name = data, name

    async def read(self) -> bytes:
        return self.data


async def _upload(user: User, data: bytes, name: str) -> None:
    from types import SimpleNamespace

    upload = user.find("intake-upload").elements.pop()
    for handler in upload._upload_handlers:  # the simulated user cannot pick files
        result = handler(SimpleNamespace(file=_Upload(data, name), sender=upload, client=upload.client))
        if asyncio.iscoroutine(result):
            await result


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
