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
    user.find("whatif-open").click()
    user.find("whatif-fact").elements.pop().set_value("abnormal_operation_listed")
    await user.should_see(marker="whatif-value")
    user.find("whatif-value").elements.pop().set_value("是")
    user.find("whatif-apply").click()
    await user.should_see("当前假设：列入经营异常名录＝已列入异常名录")  # no fact key, no True
    await user.should_see("人才引进（用人单位申办本市常住户口） —— 不符合")
    # the drawer beside the verdicts says what moved
    await user.should_see("基本符合，待核实", marker="whatif-changes")


async def _assume(user: User, fact: str, text: str) -> None:
    user.find("whatif-fact").elements.pop().set_value(fact)
    await user.should_see(marker="whatif-now")
    user.find("whatif-value").type(text)
    user.find("whatif-apply").click()


async def test_what_if_reads_money_in_wan_as_officers_type_it(user: User) -> None:
    """150 is 150 万元 (the unit beside the box), 150万 too, 1.5亿 is 15,000 万元; no key is shown."""
    ent = _enterprise()
    await user.open(f"/enterprises/{ent.id}")
    user.find("whatif-open").click()
    await _assume(user, "sales_revenue_last_year", "150")
    await user.should_see("当前假设：上年销售收入＝150.00 万元")
    user.find("whatif-remove-sales_revenue_last_year").click()
    await _assume(user, "sales_revenue_last_year", "1.5亿")
    await user.should_see("当前假设：上年销售收入＝15,000.00 万元")
    await _assume(user, "tech_staff_ratio", "12%")
    await user.should_see("上年科技人员占比＝12.00%")
    active = user.find("whatif-active").elements.pop().text
    assert "sales_revenue" not in active and "tech_staff_ratio" not in active and "0.12" not in active


async def test_what_if_refuses_a_percentage_for_money_beside_the_field(user: User) -> None:
    ent = _enterprise()
    await user.open(f"/enterprises/{ent.id}")
    user.find("whatif-open").click()
    await _assume(user, "sales_revenue_last_year", "6%")
    box = user.find("whatif-value").elements.pop()
    assert box.error == "上年销售收入是金额（单位：万元），不能填百分比：6%"
    await user.should_not_see(marker="whatif-active")


async def test_the_fact_list_shows_labels_and_units_not_keys(user: User) -> None:
    ent = _enterprise()
    await user.open(f"/enterprises/{ent.id}")
    user.find("whatif-open").click()
    select = user.find("whatif-fact").elements.pop()
    assert "上年研发费用" in select.options.values()
    assert not any("_" in label for label in select.options.values())
    select.set_value("rd_expense_last_year")
    await user.should_see(marker="whatif-value")
    box = user.find("whatif-value").elements.pop()
    assert box.props["suffix"] == "万元"


async def test_the_verdict_strip_counts_outcomes_and_names_the_next_deadline(user: User) -> None:
    ent = _enterprise()
    await user.open(f"/enterprises/{ent.id}")
    await user.should_see(marker="verdict-strip")
    likely = user.find("strip-likely").elements.pop().text
    assert likely.startswith("基本符合，待核实 ") and int(likely.split()[-1]) >= 1
    assert user.find("strip-value").elements.pop().text.startswith("预计价值")
    deadline = user.find("strip-deadline").elements.pop().text
    assert deadline.startswith("下一截止：") or deadline == "近期没有可申报政策的截止日期"


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
