"""日历: an officer enters this cycle's announced window of a policy, sees errors beside the field, corrects it."""

from __future__ import annotations

from datetime import date

from nicegui.testing import User

from crm.services import deadlines
from tests.pipeline.conftest import Office

YEAR = date.today().year


def _fill(user: User, **values: str) -> None:
    for name, value in values.items():
        user.find(f"field-{name}").elements.pop().set_value(value)


async def test_an_officer_enters_a_second_batch_and_sees_errors_beside_the_field(
    user: User, office: Office
) -> None:
    await user.open("/calendar")
    await user.should_see(marker="window-none")
    _fill(user, policy_id="hnte", batch="第二批", opens=f"{YEAR}-10-08", closes=f"{YEAR}-09-30")
    user.find("window-save").click()
    await user.should_see("请修正标红的字段")
    assert "不能早于开始受理日期" in (user.find("field-closes").elements.pop().error or "")
    assert deadlines.list_cycle_windows(YEAR) == []

    _fill(user, closes=f"{YEAR}-10-31")
    user.find("window-save").click()
    await user.should_see("已保存申报窗口")
    [saved] = deadlines.list_cycle_windows(YEAR)
    assert (saved.policy_id, saved.batch, saved.opens, saved.closes, saved.lead_days) == (
        "hnte",
        "第二批",
        date(YEAR, 10, 8),
        date(YEAR, 10, 31),
        5,
    )
    await user.should_see(f"高新技术企业认定 第二批：{YEAR}-10-08 至 {YEAR}-10-31（材料提前 5 个工作日）")


async def test_a_required_field_left_empty_is_named_beside_it(user: User, office: Office) -> None:
    await user.open("/calendar")
    _fill(user, opens=f"{YEAR}-10-08", closes=f"{YEAR}-10-31")
    user.find("window-save").click()
    await user.should_see("请修正标红的字段")
    assert user.find("field-policy_id").elements.pop().error.startswith("政策")
    assert deadlines.list_cycle_windows(YEAR) == []


async def test_an_officer_corrects_an_announced_window(user: User, office: Office) -> None:
    window = deadlines.set_cycle_window(
        {"policy_id": "demo_unit", "year": YEAR, "opens": f"{YEAR}-08-30", "closes": f"{YEAR}-09-30"}
    )
    await user.open("/calendar")
    user.find(f"window-edit-{window.id}").click()
    await user.should_see(f"正在修改 #{window.id}")
    assert user.find("field-policy_id").elements.pop().value == "demo_unit"
    _fill(user, closes=f"{YEAR}-10-15", lead_days="3")
    user.find("window-save").click()
    await user.should_see("已保存申报窗口")
    [saved] = deadlines.list_cycle_windows(YEAR)
    assert (saved.id, saved.version, saved.closes, saved.lead_days) == (window.id, 2, date(YEAR, 10, 15), 3)
