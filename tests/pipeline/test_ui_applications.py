"""The 申报 board as an officer uses it: drag a card to another stage, the menu fallback, filters."""

from __future__ import annotations

from nicegui.testing import User

from crm.services import pipeline
from tests.pipeline.conftest import TODAY, Office


async def test_dragging_a_card_to_another_stage_moves_the_application(user: User, office: Office) -> None:
    app = pipeline.create_from_match(office.ent["跃动"], "hnte", on=TODAY)
    await user.open("/applications")
    await user.should_see("上海跃动体育科技有限公司")
    await user.should_see("推荐 · 1")
    user.find(f"card-{app.id}").trigger("dragstart")
    user.find("stage-told").trigger("drop")
    await user.should_see("已移到“已告知”")
    await user.should_see("已告知 · 1")
    assert pipeline.get(app.id).stage == "told"


async def test_the_card_menu_moves_without_dragging(user: User, office: Office) -> None:
    app = pipeline.create_from_match(office.ent["跃动"], "hnte", on=TODAY)
    await user.open("/applications")
    user.find(f"move-{app.id}-preparing").click()
    await user.should_see("准备材料 · 1")
    assert pipeline.get(app.id).stage == "preparing"


async def test_a_move_someone_else_made_first_is_refused(user: User, office: Office) -> None:
    app = pipeline.create_from_match(office.ent["跃动"], "hnte", on=TODAY)
    await user.open("/applications")
    pipeline.move(app.id, app.version, "told", on=TODAY, actor="li")  # a colleague, meanwhile
    user.find(f"move-{app.id}-submitted").click()
    await user.should_see("保存失败")
    assert pipeline.get(app.id).stage == "told"


async def test_filter_by_street_and_the_list_view(user: User, office: Office) -> None:
    for key in ("跃动", "赛途"):
        pipeline.create_from_match(office.ent[key], "hnte", on=TODAY)
    await user.open("/applications")
    user.find("filter-street").elements.pop().set_value("殷行")
    await user.should_not_see("上海跃动体育科技有限公司")
    await user.should_see("上海赛途体育发展有限公司")
    user.find("view-toggle").elements.pop().set_value("list")
    await user.should_see("共 1 件")
    rows = user.find("application-table").elements.pop().rows
    assert [(r["enterprise"], r["stage"], r["owner"]) for r in rows] == [
        ("上海赛途体育发展有限公司", "推荐", "李四")
    ]
