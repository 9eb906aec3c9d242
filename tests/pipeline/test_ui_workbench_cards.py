"""工作台 cards as an officer works through them: see every item, an item leaves once acted on, and the
charts draw each verdict in its own colour with the legend clear of the title."""

from __future__ import annotations

from nicegui.testing import User

from crm import store
from crm.db import session_scope
from crm.domain import OUTCOME_HEX
from crm.store import match_source
from crm.store.match_source import MatchRow
from tests.pipeline.conftest import Office
from tests.pipeline.test_ui_dashboard_calendar import window_closing_soon


def _many_eligible(n: int) -> list[int]:
    with session_scope() as s:
        ids = [
            store.create_enterprise(session=s, data={"name": f"上海第{i:02d}号体育有限公司"}, actor="t").id
            for i in range(n)
        ]
    match_source.use(match_source.RowsSource([MatchRow(e, "hnte", "eligible") for e in ids]))
    return ids


async def test_a_card_with_more_items_than_it_shows_lists_them_all(user: User, office: Office) -> None:
    window_closing_soon()
    ids = _many_eligible(14)
    await user.open("/")
    await user.should_see("共 14 项，显示前 10 项")
    user.find("show-all-untold").click()
    await user.should_see(marker="all-untold")
    table = user.find("all-untold").elements.pop()
    assert len(table.rows) == 14
    assert {r["enterprise_id"] for r in table.rows} == set(ids)


async def test_an_item_leaves_the_call_list_once_its_application_is_opened(
    user: User, office: Office
) -> None:
    window_closing_soon()
    await user.open("/")
    marker = f"open-app-{office.ent['跃动']}-hnte"
    await user.should_see(marker=marker)
    user.find(marker).click()
    await user.should_see("已建申报")
    await user.should_not_see(marker=marker)
    await user.should_see("符合条件尚未告知（窗口即将截止）（1）")


async def test_verdicts_are_drawn_in_their_vocabulary_colours(user: User, office: Office) -> None:
    await user.open("/")
    await user.should_see(marker="chart-matches")
    options = user.find("chart-matches").elements.pop().options
    colours = {s["name"]: s["itemStyle"]["color"] for s in options["series"]}
    assert colours["不符合"] == OUTCOME_HEX["ineligible"] and colours["符合"] == OUTCOME_HEX["eligible"]
    # the legend sits below the bars, the title alone at the top
    assert "bottom" in options["legend"] and "top" not in options["legend"]
