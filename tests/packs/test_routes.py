"""How conditions read in a pack: alternatives (an any/n_of group) are not each a must-fix, and a
threshold shows its relation and unit (a staff ceiling is "≤ 500 人", not "≥ 500 项")."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO
from typing import Any

from pypdf import PdfReader

from crm.config import get_settings
from crm.packs import build_context, render_pdf
from crm.rules import evaluate, load_dir
from crm.services.pack_input import verdict_input

ON = date(2026, 11, 28)
REVENUE = "上年营业收入不低于1000万元"
EQUITY = "近两年新增股权融资总额不低于2000万元"


def zjtx_policy(facts: dict[str, object], policy_id: str = "zjtx_sme") -> dict[str, Any]:
    ruleset, errors = load_dir(get_settings().rules_dir)
    assert not errors
    policy = next(p for p in ruleset.policies if p.id == policy_id)
    verdict = verdict_input(evaluate(policy, facts, ON))
    verdict["outcome"] = "near_miss"  # shown in the pack whatever the other conditions say
    context = build_context(
        enterprise={
            "name": "上海测试体育有限公司",
            "uscc": None,
            "street": "五角场",
            "sports_division": None,
        },
        officer={"name": "王敏", "phone": None, "email": None},
        verdicts=[verdict],
        data_used=[],
        on=ON,
    )
    return context


def test_an_unmet_alternative_is_no_gap_while_another_route_is_open() -> None:
    context = zjtx_policy({"sales_revenue_last_year": 8_000_000.0})  # equity financing unknown
    policy = context["summary"][0]
    assert REVENUE not in [c["label"] for c in policy["short"]]
    assert policy["routes_short"] == []
    assert EQUITY in [c["label"] for c in policy["unknown"]]
    text = _text(context)
    assert f"未达标：{REVENUE}" not in text
    assert f"其他可选途径（目前未满足，满足其一即可）：{REVENUE}" in text  # still named, as another way in


def test_when_every_alternative_failed_the_pack_asks_for_one_of_them_with_each_gap() -> None:
    context = zjtx_policy({"sales_revenue_last_year": 8_000_000.0, "equity_financing_2y": 5_000_000.0})
    policy = context["summary"][0]
    assert [r["n"] for r in policy["routes_short"]] == [1]
    assert [c["label"] for c in policy["routes_short"][0]["options"]] == [REVENUE, EQUITY]
    text = _text(context)
    assert "以下满足其一即可：" in text
    assert f"{REVENUE}（目前800.00万元，要求≥1,000.00万元，还差200.00万元）" in text, text


def test_a_ceiling_reads_as_at_most_in_people() -> None:
    context = zjtx_policy({"staff_total": 33}, "tech_sme")
    staff = next(c for c in context["summary"][0]["conditions"] if c["id"] == "staff")
    assert (staff["op"], staff["unit"]) == ("le", "people")
    text = _text(context)
    assert "33人≤500人" in text, text


def _text(context: dict[str, Any]) -> str:
    reader = PdfReader(BytesIO(render_pdf(context)))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
