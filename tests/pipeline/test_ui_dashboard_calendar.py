"""工作台 and 日历 as an officer sees them. Dates are relative to today: the pages show the live calendar."""

from __future__ import annotations

from datetime import date, timedelta

from icalendar import Calendar
from nicegui import ui
from nicegui.testing import User

from crm.calendar import internal_deadline
from crm.services import deadlines, pipeline
from tests.pipeline.conftest import Office


def window_closing_soon() -> date:
    today = date.today()
    # 12 calendar days: inside the radar's 10 working days, and the internal deadline (5 working days
    # earlier) still ahead of today
    closes = today + timedelta(days=12)
    deadlines.set_cycle_window(
        {
            "policy_id": "hnte",
            "year": today.year,
            "batch": "末批",
            "opens": (today - timedelta(days=30)).isoformat(),
            "closes": closes.isoformat(),
        }
    )
    return closes


async def test_the_workbench_lists_who_to_call_and_opens_an_application(user: User, office: Office) -> None:
    window_closing_soon()
    await user.open("/")
    await user.should_see("符合条件尚未告知（窗口即将截止）（2）")  # eligible and near miss, not likely
    await user.should_see("告知申报：高新技术企业认定")
    user.find(f"open-app-{office.ent['跃动']}-hnte").click()
    await user.should_see("已建申报")
    [card] = pipeline.for_enterprise(office.ent["跃动"])
    assert (card.policy_id, card.stage, card.cycle) == ("hnte", "recommended", f"{date.today().year}-末批")


async def test_the_call_list_badge_counts_down_to_the_materials_deadline(user: User, office: Office) -> None:
    """The window closes in 12 days but the materials are due at the district 5 working days earlier: the
    badge counts to that date and says so."""
    closes = window_closing_soon()
    internal = internal_deadline(closes)
    await user.open("/")
    await user.should_see(marker=f"due-untold-{office.ent['跃动']}")
    badge = user.find(f"due-untold-{office.ent['跃动']}").elements.pop()
    assert badge.text.startswith("材料交区截止 剩 ")
    assert f"（{(internal - date.today()).days} 天）" in badge.text


async def test_the_workbench_narrows_to_one_officer(user: User, office: Office) -> None:
    window_closing_soon()
    await user.open("/")
    user.find("radar-officer").elements.pop().set_value(office.li)
    await user.should_see("符合条件尚未告知（窗口即将截止）（0）")  # li's one open verdict waits for data
    await user.should_see("待收集信息（影响判定）（1）")
    await user.should_see("上海赛途体育发展有限公司")


async def test_kpi_cards_and_charts_are_shown(user: User, office: Office) -> None:
    await user.open("/")
    await user.should_see("在册企业")
    assert user.find("kpi-enterprises").elements.pop().default_slot.children[1].text == "4"
    chart = user.find("chart-by_street").elements.pop()
    assert chart.options["yAxis"]["data"] == ["江浦路", "殷行", "五角场"]
    assert chart.options["series"][0]["data"] == [1, 1, 2]


async def test_agenda_shows_the_window_and_its_internal_deadline(user: User, office: Office) -> None:
    closes = window_closing_soon()
    await user.open("/calendar")
    await user.should_see("【申报截止】高新技术企业认定（末批）")
    await user.should_see("【材料交区截止】高新技术企业认定（末批）")
    user.find("calendar-view").elements.pop().set_value("month")
    await user.should_see(f"{date.today().year} 年 {date.today().month} 月")
    if closes.month != date.today().month:
        user.find("month-next").click()
        await user.should_see(f"{closes.year} 年 {closes.month} 月")
    cell = user.find(marker=f"day-{closes}").elements.pop()  # the closing day's cell of the month grid
    shown = [e.text for e in cell.descendants() if isinstance(e, ui.label)]
    assert "【申报截止】高新技术企业认定（末批）" in shown


def test_the_ics_download_is_a_valid_calendar(office: Office) -> None:
    closes = window_closing_soon()
    parsed = Calendar.from_ical(deadlines.ics(name="惠企"))
    days = {str(e["SUMMARY"]): e["DTSTART"].dt for e in parsed.walk("VEVENT")}
    assert days["【申报截止】高新技术企业认定（末批）"] == closes


def test_the_officer_feed_file_holds_their_tasks(office: Office) -> None:
    from tests.pipeline.conftest import add_task

    add_task(office.ent["跃动"], "催交审计报告", date.today() + timedelta(days=2), office.zhang)
    add_task(office.ent["赛途"], "年底回访", date.today() + timedelta(days=2), office.li)
    path = deadlines.write_feed(office.zhang)
    assert path.name == "zhang.ics"
    summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT")]
    assert "【待办】催交审计报告｜上海跃动体育科技有限公司" in summaries  # which enterprise to call
    assert not [s for s in summaries if "年底回访" in s]


async def test_a_signed_in_officer_opens_on_their_own_call_list(
    user: User, office: Office, monkeypatch
) -> None:
    from crm import config

    window_closing_soon()
    monkeypatch.setenv("HUIQI_OFFICER", "li")
    config.override_settings(config.load_settings())
    await user.open("/")
    await user.should_see("符合条件尚未告知（窗口即将截止）（0）")
    await user.should_see("待收集信息（影响判定）（1）")
