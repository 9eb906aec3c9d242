"""The radar: who to call before a window closes, what stalls, what expires, what is due, what to collect."""

from __future__ import annotations

from datetime import date

import pytest

from crm.services import deadlines, pipeline, radar
from tests.pipeline.conftest import TODAY, Office, add_credential, add_task

# the SQL behind these two differs per database (anti-join, date arithmetic): run them on both
both_databases = pytest.mark.usefixtures("any_db")


def names(section: radar.Section) -> list[str]:
    return [i.enterprise for i in section.items]


@both_databases
def test_matched_but_untold_with_the_window_closing_within_ten_working_days(office: Office) -> None:
    r = radar.radar(on=TODAY)
    untold = r.section("untold")
    # HNTE closes 2026-12-10: 9 working days away; the ineligible one and the closed demo window are left out,
    # and so is the open verdict (likely: it waits for data, see to_collect)
    assert names(untold) == [
        "上海跃动体育科技有限公司",
        "上海蓝湾电竞有限公司",
    ]  # eligible first, then near miss
    # the countdown is to the materials' deadline at the district office, which comes first
    assert (untold.items[0].due, untold.items[0].due_kind) == (date(2026, 12, 3), "internal_deadline")
    assert untold.items[0].left.label() == "剩 4 个工作日（5 天）"
    assert "材料交区截止 2026-12-03" in untold.items[0].detail


def test_once_the_materials_are_due_the_countdown_is_to_the_close(office: Office) -> None:
    untold = radar.radar(on=date(2026, 12, 4)).section("untold")
    assert (untold.items[0].due, untold.items[0].due_kind) == (date(2026, 12, 10), "window_closes")
    assert untold.items[0].left.label() == "剩 5 个工作日（6 天）"


def test_within_an_outcome_the_more_valuable_verdict_comes_first_and_says_its_value(office: Office) -> None:
    from decimal import Decimal

    from crm.store import match_source
    from crm.store.match_source import MatchRow

    match_source.use(
        match_source.RowsSource(
            [
                MatchRow(office.ent["跃动"], "hnte", "eligible", None, Decimal(100000), Decimal(100000)),
                MatchRow(office.ent["蓝湾"], "hnte", "eligible", None, Decimal(0), Decimal(800000)),
                MatchRow(office.ent["赛途"], "hnte", "eligible"),  # no estimate: after the valued ones
            ]
        )
    )
    untold = radar.radar(on=TODAY).section("untold")
    assert names(untold) == ["上海蓝湾电竞有限公司", "上海跃动体育科技有限公司", "上海赛途体育发展有限公司"]
    assert "预计价值 最高 80.00 万元/年" in untold.items[0].detail
    assert "预计价值 10.00 万元/年" in untold.items[1].detail
    assert "预计价值 未估算" in untold.items[2].detail


def test_opening_an_application_takes_it_off_the_call_list(office: Office) -> None:
    app = pipeline.create_from_match(office.ent["跃动"], "hnte", on=TODAY)
    assert "上海跃动体育科技有限公司" not in names(radar.radar(on=TODAY).section("untold"))
    pipeline.move(app.id, app.version, "told", on=TODAY)
    assert "上海跃动体育科技有限公司" not in names(radar.radar(on=TODAY).section("untold"))


def test_a_window_further_than_the_horizon_is_not_on_the_list(office: Office) -> None:
    assert radar.radar(on=date(2026, 11, 2)).section("untold").total == 0


def test_per_officer_radar_shows_only_their_enterprises(office: Office) -> None:
    assert names(radar.radar(on=TODAY, officer_id=office.zhang).section("untold")) == [
        "上海跃动体育科技有限公司",
        "上海蓝湾电竞有限公司",
    ]
    assert names(radar.radar(on=TODAY, officer_id=office.li).section("untold")) == []


def test_an_officer_set_window_replaces_the_pattern(office: Office) -> None:
    deadlines.set_cycle_window(
        {"policy_id": "hnte", "year": 2026, "batch": "第六批", "opens": "2026-11-01", "closes": "2027-01-29"}
    )
    assert radar.radar(on=TODAY).section("untold").total == 0


def test_stalled_applications(office: Office) -> None:
    old = pipeline.create_from_match(office.ent["蓝湾"], "hnte", on=date(2026, 9, 1))
    pipeline.move(old.id, old.version, "preparing", on=date(2026, 10, 1))
    pipeline.create_from_match(office.ent["跃动"], "hnte", on=date(2026, 11, 20))
    stalled = radar.radar(on=TODAY).section("stalled")
    assert stalled.total == 1
    assert stalled.items[0].detail == "停留在“准备材料”已 58 天"


@both_databases
def test_hnte_certificate_three_years_old_asks_for_re_application(office: Office) -> None:
    add_credential(office.ent["蓝湾"], "hnte", date(2024, 1, 15))  # valid until 2027-01-14
    add_credential(office.ent["赛途"], "hnte", date(2025, 6, 1))  # until 2028: not yet
    expiring = radar.radar(on=TODAY).section("expiring")
    assert expiring.total == 1
    assert expiring.items[0].what == "高新技术企业到期，准备重新申报"
    assert expiring.items[0].due == date(2027, 1, 14)


def test_tasks_due_or_overdue_for_the_assignee(office: Office) -> None:
    add_task(office.ent["跃动"], "催交审计报告", date(2026, 11, 25), office.zhang)
    add_task(office.ent["跃动"], "上门走访", date(2026, 12, 2), office.zhang)
    add_task(office.ent["赛途"], "年底回访", date(2026, 12, 31), office.li)
    tasks = radar.radar(on=TODAY, officer_id=office.zhang).section("tasks")
    assert [i.what for i in tasks.items] == ["催交审计报告", "上门走访"]
    assert tasks.items[0].left.overdue and tasks.items[0].left.label() == "已过期 3 天"


def test_facts_to_collect_block_a_verdict(office: Office) -> None:
    collect = radar.radar(on=TODAY).section("to_collect")
    assert collect.total == 1
    assert collect.items[0].detail == "待收集：近三年研发费用、科技人员数"
    assert names(collect) == ["上海赛途体育发展有限公司"]  # the likely verdict: on this card, not the first


def test_waiting_on_the_authority_is_not_a_stall(office: Office) -> None:
    app = pipeline.create_from_match(office.ent["蓝湾"], "hnte", on=date(2026, 6, 1))
    pipeline.move(app.id, app.version, "reviewing", on=date(2026, 7, 1))
    assert radar.radar(on=TODAY).section("stalled").total == 0
