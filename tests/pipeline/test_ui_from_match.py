"""One click from the 政策匹配 tab opens an application; the enterprise's 申报 tab lists it."""

from __future__ import annotations

from typing import Any

from nicegui.testing import User

from crm.services import pipeline
from crm.services.enterprises import create_enterprise


def _enterprise() -> Any:
    return create_enterprise(
        {
            "name": "上海杨浦匹配测试有限公司",
            "registration_date": "2018-04-12",
            "registered_in_shanghai": True,
            "tax_in_shanghai": True,
            "independent_legal_person": True,
            "abnormal_operation_listed": False,
            "serious_dishonesty_listed": False,
        }
    )


async def test_create_application_from_a_match_then_refuse_the_same_cycle(user: User) -> None:
    ent = _enterprise()
    await user.open(f"/enterprises/{ent.id}")
    await user.should_see("人才引进（用人单位申办本市常住户口） —— 基本符合，待核实")
    user.find("create-app-talent_employer").click()
    await user.should_see("已建申报 #")
    [card] = pipeline.for_enterprise(ent.id)
    assert (card.policy_id, card.stage) == ("talent_employer", "recommended")

    user.find("create-app-talent_employer").click()
    await user.should_see(f"该企业本批次已有此政策的申报：#{card.id}（推荐）")
    assert len(pipeline.for_enterprise(ent.id)) == 1


async def test_the_enterprise_page_lists_its_applications_with_stage_and_board_link(user: User) -> None:
    ent = _enterprise()
    app = pipeline.create_from_match(ent.id, "talent_employer", outcome="likely")
    pipeline.move(app.id, app.version, "told")
    await user.open(f"/enterprises/{ent.id}")
    user.find("tab-applications").click()
    await user.should_see(f"#{app.id}")
    await user.should_see("已告知（")
    assert user.find("enterprise-apps-board").elements.pop().props["href"] == "/applications"


async def test_an_enterprise_without_applications_says_how_to_create_one(user: User) -> None:
    ent = _enterprise()
    await user.open(f"/enterprises/{ent.id}")
    await user.should_see(marker="enterprise-apps-none")
