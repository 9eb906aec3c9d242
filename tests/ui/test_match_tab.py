"""The enterprise's 政策匹配 tab as an officer sees it: verdicts, value vs threshold, settling, what-if."""

from __future__ import annotations

from typing import Any

from nicegui.testing import User

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


async def test_the_match_tab_shows_verdicts_and_settles_a_manual_condition(user: User) -> None:
    ent = _enterprise()
    await user.open(f"/enterprises/{ent.id}")
    await user.should_see("人才引进（用人单位申办本市常住户口） —— 基本符合，待核实")
    await user.should_see("与引进人才签订劳动合同并缴纳本市社会保险")
    user.find("note-talent_employer-contract").type("已核劳动合同")
    user.find("settle-met-talent_employer-contract").click()
    await user.should_see("人才引进（用人单位申办本市常住户口） —— 符合")
    await user.should_see("已核定：tester 已核劳动合同")


async def test_what_if_moves_a_verdict_without_saving(user: User) -> None:
    ent = _enterprise()
    await user.open(f"/enterprises/{ent.id}")
    user.find("whatif-fact").elements.pop().set_value("abnormal_operation_listed")
    user.find("whatif-value").type("是")
    user.find("whatif-apply").click()
    await user.should_see("当前假设：列入经营异常名录＝已列入异常名录")  # no fact key, no True
    await user.should_see("人才引进（用人单位申办本市常住户口） —— 不符合")


def _text(user: User, marker: str) -> str:
    return user.find(marker).elements.pop().text


async def test_conditions_read_in_plain_words(user: User) -> None:
    """A yes/no condition shows what holds ("未列入失信名单"), never a bare 是/否; a relation shows the other
    policy's outcome label, never its code."""
    ent = _enterprise()
    await user.open(f"/enterprises/{ent.id}")
    await user.should_see("人才引进（用人单位申办本市常住户口）")
    assert _text(user, "cond-talent_employer-credit") == "未列入失信名单"
    assert _text(user, "cond-talent_employer-normal") == "未列入异常名录"
    relation = _text(user, "cond-zjtx_sme-requires_innovative_sme")
    assert (
        relation.endswith("要求 符合或已持有")
        and "innovative" not in relation
        and "needs_data" not in relation
    )


async def test_each_policy_shows_its_estimated_value_and_basis(user: User) -> None:
    ent = _enterprise()
    await user.open(f"/enterprises/{ent.id}")
    await user.should_see("上海市文化创意产业发展财政扶持资金")
    assert _text(user, "value-wenchuang_fund").startswith("预计价值 最高 300.00 万元（一次性）；估算依据：")
    assert "未估算" in _text(user, "value-tech_sme")
