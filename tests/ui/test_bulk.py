"""Bulk work on the enterprise list: tick rows (or everything the filter matches), then assign an officer,
add or remove a tag, or export; each change is one audited save per enterprise."""

from __future__ import annotations

import io
from typing import Any

import pytest
from nicegui.testing import User
from openpyxl import load_workbook

from crm import store
from crm.db import session_scope
from crm.services import bulk
from crm.services.enterprises import EnterpriseQuery, create_enterprise, get_enterprise, history


@pytest.fixture
def many() -> list[Any]:
    return [
        create_enterprise({"name": f"上海杨浦批量{i:02d}体育有限公司", "street": "五角场"}) for i in range(30)
    ]


def _officer() -> int:
    with session_scope() as s:
        return (
            store.create_officer(
                session=s, data={"username": "wangmin", "display_name": "王敏", "role": "officer"}, actor="t"
            ).id
            or 0
        )


async def test_select_all_matching_the_filter_and_assign_an_officer(user: User, many: list[Any]) -> None:
    officer = _officer()
    await user.open("/enterprises")
    await user.should_see(marker="enterprise-table")
    first_two = user.find("enterprise-table").elements.pop().rows[:2]
    # ticking two rows' boxes: the browser sends the table's selection event
    user.find("enterprise-table").trigger(
        "selection", {"added": True, "rows": first_two, "keys": [r["id"] for r in first_two]}
    )
    await user.should_see(marker="bulk-bar")
    assert user.find("bulk-count").elements.pop().text == "已选 2 家"
    user.find("bulk-select-all").click()
    await user.should_see("已选全部符合筛选的 30 家")
    user.find("bulk-officer").elements.pop().set_value(officer)
    user.find("bulk-assign").click()
    await user.should_see("已更新 30 家企业")
    assert {get_enterprise(e.id).owner_officer_id for e in many} == {officer}
    assert any(h.field == "owner_officer_id" for h in history(many[-1].id))
    # the 负责专员 column names the officer
    await user.should_see(marker="enterprise-table")
    assert {r["owner"] for r in user.find("enterprise-table").elements.pop().rows} == {"王敏"}


def test_tags_are_added_and_removed_in_one_save(many: list[Any]) -> None:
    ids = [e.id for e in many[:5]]
    assert bulk.change_tag(ids, "重点企业", add=True) == 5
    assert bulk.change_tag(ids, "重点企业", add=True) == 0  # already there: nothing written
    assert all("重点企业" in get_enterprise(i).tags for i in ids)
    assert bulk.change_tag(ids[:2], "重点企业", add=False) == 2
    assert [("重点企业" in get_enterprise(i).tags) for i in ids] == [False, False, True, True, True]
    with pytest.raises(bulk.BlankTag):
        bulk.change_tag(ids, "  ", add=True)
    with pytest.raises(bulk.NothingSelected):
        bulk.assign_officer([], None)


def test_the_filter_selects_every_page_with_pinyin_too(many: list[Any]) -> None:
    create_enterprise({"name": "上海江湾赛事运营有限公司", "street": "新江湾城"})
    assert len(bulk.matching_ids(EnterpriseQuery(streets=("五角场",), page_size=10))) == 30
    assert len(bulk.matching_ids(EnterpriseQuery(search="jiangwan"))) == 1


def test_the_export_holds_only_the_selection(many: list[Any]) -> None:
    from crm.services import intake

    data = intake.export_enterprises(EnterpriseQuery(ids=(many[0].id, many[1].id)))
    sheet = load_workbook(io.BytesIO(data)).active
    names = {cell for row in sheet.iter_rows(values_only=True) for cell in row}
    assert {many[0].name, many[1].name} <= names and many[2].name not in names
