"""The 政策 page: the list with level and confidence, a policy's criteria tree, and who matches it."""

from __future__ import annotations

from nicegui.testing import User

from crm.services import matching
from crm.services.enterprises import create_enterprise


async def test_the_list_shows_every_policy(user: User) -> None:
    await user.open("/policies")
    rows = user.find("policy-table").elements.pop().rows
    assert len(rows) == 10
    assert {"国家级", "市级"} == {r["level"] for r in rows}
    assert "上海市体育产业示范单位" in {r["title"] for r in rows}


async def test_a_policy_shows_its_criteria_parameters_and_matching_enterprises(user: User) -> None:
    ent = create_enterprise(
        {
            "name": "上海杨浦政策页测试有限公司",
            "registered_in_shanghai": True,
            "tax_in_shanghai": True,
            "independent_legal_person": True,
            "abnormal_operation_listed": False,
            "serious_dishonesty_listed": False,
        }
    )
    matching.match(ent.id)
    await user.open("/policies/demo_unit_municipal")
    await user.should_see("上年销售收入 ≥ 2,000.00 万元（参数 revenue_min）")
    await user.should_see("上年营业收入下限（占位）（revenue_min）")
    await user.should_see("规则参数（在规则文件中修改）")  # nothing here is editable on the page
    await user.open("/policies/talent_employer")
    await user.should_see("基本符合，待核实（1）")


async def test_rematch_all_shows_what_it_wrote_and_the_new_counts(user: User) -> None:
    ent = create_enterprise({"name": "上海杨浦重新匹配测试有限公司", "registered_in_shanghai": True})
    await user.open("/policies")
    before = {r["id"]: r["matches"] for r in user.find("policy-table").elements.pop().rows}
    assert before["talent_employer"] == "0 / 0 / 0 / 0"
    user.find("rematch-all").click()
    await user.should_see("已重新匹配 1 家企业")
    await user.should_see("写入 10 条变化的结果")
    after = {r["id"]: r["matches"] for r in user.find("policy-table").elements.pop().rows}
    assert after != before and ent.id
    user.find("rematch-all").click()
    await user.should_see("写入 0 条变化的结果，1 家企业结果未变")


async def test_a_policys_enterprises_come_a_page_at_a_time(user: User, monkeypatch) -> None:
    from ui.pages import policies

    monkeypatch.setattr(policies, "PAGE", 2)
    for name in ("上海甲体育有限公司", "上海乙体育有限公司", "上海丙体育有限公司"):
        matching.match(create_enterprise({"name": name}).id)
    counts = matching.outcome_totals("hnte")["hnte"]
    code, total = next((c, n) for c, n in counts.items() if n == 3)
    await user.open("/policies/hnte")
    user.find(f"members-{code}").elements.pop().open()  # opening the outcome loads its first page only
    await user.should_see("上海丙体育有限公司")  # by name: 丙 乙 first, 甲 on the next page
    await user.should_not_see("上海甲体育有限公司")
    user.find(f"more-{code}").click()
    await user.should_see("上海甲体育有限公司")
    assert total == 3
