"""An application opened in its side panel: amounts in 万元, dates, files' names, result; moves only to the
stages its stage allows, undoable for a minute and audited; the list pages through every application."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from nicegui.testing import User

from crm import store
from crm.db import session_scope
from crm.services import application_panel, enterprises, pipeline
from crm.store.transitions import TransitionRefused
from tests.pipeline.conftest import TODAY, Office


async def test_the_side_panel_edits_amounts_dates_files_and_result(user: User, office: Office) -> None:
    app = pipeline.create_from_match(office.ent["跃动"], "hnte", on=TODAY)
    await user.open("/applications")
    user.find(f"open-{app.id}").click()
    await user.should_see(marker="app-panel-stage")
    user.find("field-amount_applied").type("150万")
    user.find("field-amount_secured").type("120")  # the field is in 万元
    user.find("field-submitted_on").type("2026-05-20")
    user.find("field-files").elements.pop().set_value(["申请书.pdf", "营业执照.pdf"])
    user.find("field-result_note").type("区级配套到位")
    user.find("app-save").click()
    await user.should_see("申报已保存")
    saved = application_panel.record(app.id)
    assert (saved.amount_applied, saved.amount_secured) == (Decimal("1500000.00"), Decimal("1200000.00"))
    assert saved.submitted_on == date(2026, 5, 20) and saved.files == ["申请书.pdf", "营业执照.pdf"]
    assert saved.result_note == "区级配套到位"


async def test_the_panel_offers_only_allowed_moves_and_a_move_can_be_undone(
    user: User, office: Office
) -> None:
    app = pipeline.create_from_match(office.ent["跃动"], "hnte", on=TODAY)
    app = pipeline.move(app.id, app.version, "submitted", on=TODAY)
    await user.open("/applications")
    user.find(f"open-{app.id}").click()
    await user.should_see(marker="app-move-reviewing")
    await user.should_not_see(marker="app-move-recommended")  # no jumping back two stages
    user.find("app-move-reviewing").click()
    await user.should_see(marker="undo-bar")
    assert pipeline.get(app.id).stage == "reviewing"
    user.find("undo-move").click()
    await user.should_see("已撤销这次移动")
    assert pipeline.get(app.id).stage == "submitted"
    trail = [(h.field, h.old, h.new) for h in enterprises.history(office.ent["跃动"]) if h.field == "stage"]
    assert trail[:2] == [("stage", "reviewing", "submitted"), ("stage", "submitted", "reviewing")]


def test_a_move_its_stage_does_not_allow_is_refused_with_the_allowed_stages(office: Office) -> None:
    app = pipeline.create_from_match(office.ent["跃动"], "hnte", on=TODAY)
    app = pipeline.move(app.id, app.version, "reviewing", on=TODAY)
    with pytest.raises(TransitionRefused, match="“评审中”阶段不能直接移到“推荐”；可移到：已申报"):
        pipeline.move(app.id, app.version, "recommended", on=TODAY)
    assert pipeline.get(app.id).stage == "reviewing"


def test_the_allowed_moves_are_configured_with_the_stages(office: Office) -> None:
    stages = pipeline.all_stages()
    told = next(i for i, s in enumerate(stages) if s.code == "told")
    stages[told] = pipeline.Stage(**{**stages[told].__dict__, "next_stages": ("preparing", "rejected")})
    pipeline.save_stages(stages)
    assert [s.code for s in application_panel.next_stages("told")] == ["preparing", "rejected"]
    app = pipeline.create_from_match(office.ent["跃动"], "hnte", on=TODAY)
    app = pipeline.move(app.id, app.version, "told", on=TODAY)
    with pytest.raises(TransitionRefused):
        pipeline.move(app.id, app.version, "submitted", on=TODAY)


def test_an_undo_after_a_minute_is_refused(office: Office) -> None:
    app = pipeline.create_from_match(office.ent["跃动"], "hnte", on=TODAY)
    token = application_panel.move(app.id, app.version, "told", on=TODAY)
    with pytest.raises(application_panel.UndoExpired):
        application_panel.undo(token, now=datetime.now(UTC) + timedelta(seconds=61))
    assert pipeline.get(app.id).stage == "told"


async def test_the_list_pages_through_every_application(user: User, office: Office) -> None:
    with session_scope() as s:
        ids = [
            store.create_enterprise(session=s, data={"name": f"上海第{i:02d}号体育有限公司"}, actor="t").id
            for i in range(55)
        ]
    for eid in ids:
        pipeline.create_from_match(eid, "hnte", on=TODAY)
    await user.open("/applications")
    user.find("view-toggle").elements.pop().set_value("list")
    await user.should_see("共 55 件")
    assert len(user.find("application-table").elements.pop().rows) == 50
    first = {r["id"] for r in user.find("application-table").elements.pop().rows}
    user.find("application-pages").elements.pop().set_value(2)
    for _ in range(50):  # the list is rebuilt by a background refresh
        await asyncio.sleep(0.05)
        rows = user.find("application-table").elements.pop().rows
        if len(rows) != 50:
            break
    assert len(rows) == 5 and not first & {r["id"] for r in rows}
