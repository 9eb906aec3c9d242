"""The enterprise screens as an officer uses them: list, create, edit, conflicts, delete, language."""

from __future__ import annotations

import asyncio
from typing import Any

from nicegui import ui
from nicegui.testing import User

from crm.services.enterprises import (
    EnterpriseQuery,
    get_enterprise,
    history,
    list_enterprises,
    update_enterprise,
)
from tests.ui.conftest import valid_uscc


def table_rows(user: User, marker: str) -> list[dict[str, Any]]:
    return user.find(marker).elements.pop().rows


async def test_list_shows_enterprises_with_money_in_wan(user: User, enterprises: list[Any]) -> None:
    await user.open("/enterprises")
    rows = table_rows(user, "enterprise-table")
    by_name = {r["name"]: r for r in rows}
    assert len(rows) == 3
    assert by_name["上海杨浦跃动体育科技有限公司"]["registered_capital"] == "500.00"
    assert by_name["上海江湾赛事运营有限公司"]["registered_capital"] == "120.50"
    assert by_name["上海江湾赛事运营有限公司"]["registration_date"] == "2020-09-01"
    await user.should_see("共 3 家企业")


async def test_list_filters_by_street_and_searches(user: User, enterprises: list[Any]) -> None:
    await user.open("/enterprises")
    user.find("filter-streets").elements.pop().set_value(["五角场"])
    assert [r["name"] for r in table_rows(user, "enterprise-table")] == ["上海杨浦跃动体育科技有限公司"]
    user.find("clear-filters").click()
    await user.open("/enterprises")
    user.find("list-search").type("赛事")
    assert [r["name"] for r in table_rows(user, "enterprise-table")] == ["上海江湾赛事运营有限公司"]


async def test_list_pages_and_sorts_on_the_server(user: User, enterprises: list[Any]) -> None:
    await user.open("/enterprises")
    table = user.find("enterprise-table").elements.pop()
    pagination = {"sortBy": "registration_date", "descending": True, "page": 1, "rowsPerPage": 2}
    user.find("enterprise-table").trigger("request", {"pagination": pagination})
    assert [r["registration_date"] for r in table.rows] == ["2020-09-01", "2018-04-12"]
    assert table.pagination["rowsNumber"] == 3
    user.find("enterprise-table").trigger("request", {"pagination": {**pagination, "page": 2}})
    assert [r["registration_date"] for r in table.rows] == ["2016-01-20"]


async def test_row_click_opens_the_detail(user: User, enterprises: list[Any]) -> None:
    await user.open("/enterprises")
    row = next(r for r in table_rows(user, "enterprise-table") if r["name"] == "上海长白健身管理有限公司")
    user.find("enterprise-table").trigger("rowClick", [{}, row, 0])
    await user.should_see("长白新村街道")


async def test_create_an_enterprise_through_the_form(user: User) -> None:
    await user.open("/enterprises/new")
    user.find("field-name").type("上海殷行攀岩俱乐部有限公司")
    user.find("field-uscc").type(valid_uscc("91310110MA1K9P2X3"))
    user.find("field-registered_capital").type("88.5")
    user.find("field-registration_date").type("2021-06-30")
    user.find("field-street").elements.pop().set_value("殷行")
    user.find("save").click()
    await user.should_see("已创建")
    [created] = list_enterprises(EnterpriseQuery()).rows
    assert created.name == "上海殷行攀岩俱乐部有限公司"
    assert str(created.registered_capital) == "885000.00"  # typed in 万元, stored in CNY
    assert created.street == "殷行"
    await user.should_see("88.50")  # the detail shows it in 万元 again


async def test_bad_uscc_shows_its_error_beside_the_field(user: User) -> None:
    await user.open("/enterprises/new")
    user.find("field-name").type("上海某某体育有限公司")
    good = valid_uscc("91310110MA1K9P2X3")
    user.find("field-uscc").type(good[:-1] + ("0" if good[-1] != "0" else "1"))
    user.find("save").click()
    uscc_input = user.find("field-uscc").elements.pop()
    assert uscc_input.error is not None and "校验位错误" in uscc_input.error
    assert user.find("field-name").elements.pop().error is None
    await user.should_see("校验位错误")
    assert list_enterprises(EnterpriseQuery()).total == 0


async def test_an_edit_appears_in_history(user: User, enterprises: list[Any]) -> None:
    record = enterprises[0]
    await user.open(f"/enterprises/{record.id}")
    user.find("edit-enterprise").click()
    await user.should_see(marker="field-name")  # refresh runs as a task: wait for it
    name = user.find("field-name").elements.pop()
    name.set_value("上海杨浦跃动体育科技股份有限公司")
    user.find("save").click()
    await user.should_see("已保存")
    assert get_enterprise(record.id).name == "上海杨浦跃动体育科技股份有限公司"
    await user.should_see(marker="edit-enterprise")
    user.find("tab-history").click()
    rows = table_rows(user, "history-table")
    change = next(r for r in rows if r["action"] == "修改")
    assert change["changes"] == "企业名称：上海杨浦跃动体育科技有限公司 → 上海杨浦跃动体育科技股份有限公司"
    assert change["actor"] == "tester"


async def test_a_stale_edit_shows_the_conflict_and_keeps_the_typed_values(
    user: User, enterprises: list[Any]
) -> None:
    record = enterprises[1]
    await user.open(f"/enterprises/{record.id}")
    user.find("edit-enterprise").click()
    await user.should_see(marker="field-name")  # refresh runs as a task: wait for it
    user.find("field-address").type("国和路 1 号")
    # another officer saves first
    update_enterprise(record.id, record.version, {"notes": "电话回访"}, actor="colleague")
    user.find("save").click()
    await user.should_see("保存失败")
    await user.should_see("colleague")
    assert user.find("field-address").elements.pop().value == "国和路 1 号"
    assert get_enterprise(record.id).address is None  # nothing was overwritten
    user.find("reload-latest").click()
    user.find("field-address").type("国和路 1 号")
    user.find("save").click()
    assert get_enterprise(record.id).address == "国和路 1 号"


async def test_delete_asks_first_and_can_be_undone(user: User, enterprises: list[Any]) -> None:
    record = enterprises[2]
    await user.open(f"/enterprises/{record.id}")
    user.find("delete-enterprise").click()
    await user.should_see("删除后可以撤销")
    user.find("confirm-yes").click()
    await user.should_see(marker="deleted-banner")
    assert list_enterprises(EnterpriseQuery()).total == 2
    user.find("undo-delete").click()
    await user.should_see(marker="edit-enterprise")
    assert list_enterprises(EnterpriseQuery()).total == 3
    assert [e.action for e in history(record.id)][:2] == ["restore", "delete"]


async def test_add_a_visit_to_the_interaction_log(user: User, enterprises: list[Any]) -> None:
    record = enterprises[0]
    await user.open(f"/enterprises/{record.id}")
    user.find("tab-interaction").click()
    user.find("add-interaction").click()
    user.find("child-save").click()  # summary is required
    summary = user.find("field-summary").elements.pop()
    assert summary.error and "纪要" in summary.error
    summary.set_value("走访了解场馆改造进展")
    user.find("child-save").click()
    await user.should_see(marker="interaction-table")
    [row] = table_rows(user, "interaction-table")
    assert row["kind"] == "走访"


async def test_language_switch_shows_english(user: User, enterprises: list[Any]) -> None:
    await user.open("/enterprises")
    await user.should_see("新增企业")
    user.find("lang-switch").click()
    await user.open("/enterprises")
    await user.should_see("New enterprise")
    await user.should_see("Enterprises")
    await user.should_not_see("新增企业")
    assert user.find("enterprise-table").elements.pop().columns[0]["label"] == "Name"


async def test_global_search_offers_matches_and_opens_one(user: User, enterprises: list[Any]) -> None:
    await user.open("/")
    user.find("global-search").type("江湾")
    await user.should_see("上海江湾赛事运营有限公司")
    user.find("search-hit").click()
    await user.should_see(marker="tab-profile")
    assert isinstance(user.find("page-title").elements.pop(), ui.label)


async def test_save_a_filter_clear_and_apply_it_again(user: User, enterprises: list[Any]) -> None:
    from crm.services.saved_filters import delete_filter, saved_filters

    await user.open("/enterprises")
    user.find("filter-streets").elements.pop().set_value(["五角场"])
    assert [r["name"] for r in table_rows(user, "enterprise-table")] == ["上海杨浦跃动体育科技有限公司"]
    user.find("save-filter").click()
    user.find("saved-filter-name").type("五角场企业")
    user.find("saved-filter-confirm").click()
    await user.should_see("已保存筛选「五角场企业」")
    assert [(f.name, f.filters["streets"]) for f in saved_filters()] == [("五角场企业", ["五角场"])]

    user.find("clear-filters").click()
    await user.open("/enterprises")
    assert len(table_rows(user, "enterprise-table")) == 3

    saved = user.find("saved-filters").elements.pop()
    assert list(saved.options) == ["五角场企业"]
    saved.set_value("五角场企业")
    assert [r["name"] for r in table_rows(user, "enterprise-table")] == ["上海杨浦跃动体育科技有限公司"]
    assert user.find("filter-streets").elements.pop().value == [
        "五角场"
    ]  # the widgets show the applied filter

    user.find("delete-saved-filter").click()
    await user.should_see("已删除筛选「五角场企业」")
    assert saved_filters() == [] and not delete_filter("五角场企业")


async def test_the_list_quick_search_finds_what_the_header_finds(user: User, enterprises: list[Any]) -> None:
    """Initials and pinyin, as in the header's search: 'shyp' is 上海杨浦…, 'jiangwan' is 上海江湾…."""
    await user.open("/enterprises")
    for text, name in (("shyp", "上海杨浦跃动体育科技有限公司"), ("jiangwan", "上海江湾赛事运营有限公司")):
        user.find("list-search").elements.pop().set_value(text)
        for _ in range(50):  # the table is rebuilt by a background refresh
            await asyncio.sleep(0.05)
            names = [r["name"] for r in table_rows(user, "enterprise-table")]
            if len(names) < 3:
                break
        assert names == [name]
