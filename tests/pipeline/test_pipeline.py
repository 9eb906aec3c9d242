"""Applications: one click from a match, audited stage moves, conflicts, board and list filters."""

from __future__ import annotations

from datetime import date

import pytest

from crm.services import enterprises, pipeline
from tests.pipeline.conftest import TODAY, Office


def test_one_click_from_a_match_opens_the_current_cycle_owned_by_the_enterprise_officer(
    office: Office,
) -> None:
    app = pipeline.create_from_match(office.ent["跃动"], "hnte", on=TODAY, outcome="eligible")
    card = pipeline.get(app.id)
    assert (card.stage, card.cycle, card.owner, card.policy) == (
        "recommended",
        "2026",
        "张三",
        "高新技术企业认定",
    )
    # the demonstration window of 2026 is over: the next one is 2027's
    assert pipeline.create_from_match(office.ent["跃动"], "demo_unit", on=TODAY).cycle == "2027"


def test_the_same_enterprise_policy_and_cycle_is_refused_with_the_existing_one_named(office: Office) -> None:
    first = pipeline.create_from_match(office.ent["跃动"], "hnte", on=TODAY)
    with pytest.raises(pipeline.DuplicateApplication, match=f"#{first.id}（推荐）"):
        pipeline.create_from_match(office.ent["跃动"], "hnte", on=TODAY)


def test_a_stage_move_is_audited_and_dated(office: Office) -> None:
    app = pipeline.create_from_match(office.ent["跃动"], "hnte", on=TODAY)
    moved = pipeline.move(app.id, app.version, "told", on=date(2026, 11, 30), actor="zhang")
    assert moved.stage_dates == {"recommended": "2026-11-28", "told": "2026-11-30"}
    assert moved.stage_since == date(2026, 11, 30)
    trail = [
        (h.actor, h.field, h.old, h.new)
        for h in enterprises.history(office.ent["跃动"])
        if h.entity == "application"
    ]
    assert ("zhang", "stage", "recommended", "told") in trail


def test_a_decision_sets_the_decision_date_and_a_stale_move_is_refused(office: Office) -> None:
    app = pipeline.create_from_match(office.ent["跃动"], "hnte", on=TODAY)
    approved = pipeline.move(app.id, app.version, "approved", on=date(2026, 12, 20))
    assert approved.decided_on == date(2026, 12, 20)
    with pytest.raises(pipeline.ConflictError, match="保存失败"):
        pipeline.move(app.id, app.version, "rejected", on=date(2026, 12, 21))
    assert pipeline.get(app.id).stage == "approved"


def test_an_unknown_stage_is_refused_in_chinese(office: Office) -> None:
    app = pipeline.create_from_match(office.ent["跃动"], "hnte", on=TODAY)
    with pytest.raises(pipeline.UnknownStage, match="未知的申报阶段：won"):
        pipeline.move(app.id, app.version, "won")


def test_board_and_list_filter_by_officer_policy_and_street(office: Office) -> None:
    for key in ("跃动", "蓝湾", "赛途"):
        pipeline.create_from_match(office.ent[key], "hnte", on=TODAY)
    told = pipeline.create_from_match(office.ent["跃动"], "demo_unit", on=TODAY)
    pipeline.move(told.id, told.version, "told", on=TODAY)

    columns = pipeline.board(pipeline.PipelineFilter(officer_id=office.zhang))
    assert [c.stage.label for c in columns][:3] == ["推荐", "已告知", "准备材料"]
    assert {c.stage.code: c.total for c in columns if c.total} == {"recommended": 2, "told": 1}
    street = pipeline.board(pipeline.PipelineFilter(street="殷行"))
    assert [card.enterprise for c in street for card in c.cards] == ["上海赛途体育发展有限公司"]
    rows, total = pipeline.list_applications(pipeline.PipelineFilter(policy_id="demo_unit"))
    assert total == 1 and rows[0].stage == "told"
