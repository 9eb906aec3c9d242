"""设置 → 申报阶段: an admin renames, reorders, adds and deactivates stages; the board follows."""

from __future__ import annotations

from nicegui.testing import User

from crm.services import pipeline
from tests.pipeline.conftest import TODAY, Office


def _set(user: User, marker: str, value: object) -> None:
    user.find(marker).elements.pop().set_value(value)


async def _open(user: User) -> None:
    await user.open("/settings")
    user.find("tab-stages").click()
    await user.should_see(marker="stage-row-0")


async def test_an_admin_renames_reorders_and_adds_a_stage_and_the_board_follows(user: User) -> None:
    await _open(user)
    _set(user, "stage-label_zh-1", "已电话告知")
    user.find("stage-up-1").click()  # 已告知 before 推荐
    await user.should_see(marker="stage-row-0")
    user.find("stage-add").click()
    await user.should_see(marker="stage-row-8")
    _set(user, "stage-code-8", "site_visit")
    _set(user, "stage-label_zh-8", "上门走访")
    _set(user, "stage-label_en-8", "Site visit")
    _set(user, "stage-active-3", False)  # 已申报, empty
    user.find("stages-save").click()
    await user.should_see("已保存申报阶段")
    assert [(s.code, s.label, s.active) for s in pipeline.all_stages()][:4] == [
        ("told", "已电话告知", True),
        ("recommended", "推荐", True),
        ("preparing", "准备材料", True),
        ("submitted", "已申报", False),
    ]
    assert pipeline.stages()[-1].code == "site_visit"

    await user.open("/applications")
    await user.should_see("已电话告知 · 0")
    await user.should_see("上门走访 · 0")
    await user.should_not_see("已申报 · 0")


async def test_a_bad_new_code_is_named_beside_its_field_and_nothing_is_saved(user: User) -> None:
    before = pipeline.all_stages()
    await _open(user)
    user.find("stage-add").click()
    await user.should_see(marker="stage-row-8")
    _set(user, "stage-code-8", "Site Visit")
    _set(user, "stage-label_zh-8", "上门走访")
    _set(user, "stage-label_en-8", "Site visit")
    user.find("stages-save").click()
    await user.should_see("请修正标红的字段")
    assert "只能用小写字母" in user.find("stage-code-8").elements.pop().error
    assert pipeline.all_stages() == before


async def test_a_stage_holding_applications_is_not_deactivated(user: User, office: Office) -> None:
    pipeline.create_from_match(office.ent["跃动"], "hnte", on=TODAY)
    await _open(user)
    _set(user, "stage-active-0", False)
    user.find("stages-save").click()
    await user.should_see("还有 1 件申报处在该阶段，请先移走再停用")
    assert [s.code for s in pipeline.stages()][0] == "recommended"
