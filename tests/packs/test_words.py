"""A pack speaks plainly: yes/no conditions as phrases, relations as policy names and outcome labels, codes as
their labels, and each recommended policy's estimated value in the summary table."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

from pypdf import PdfReader

from crm.config import get_settings
from crm.packs import build_context, render_pdf
from crm.rules import evaluate_all, load_dir
from crm.services.pack_input import verdict_input

ON = date(2026, 11, 28)
CLEAN = {
    "registered_in_shanghai": True,
    "tax_in_shanghai": True,
    "independent_legal_person": True,
    "abnormal_operation_listed": False,
    "serious_dishonesty_listed": False,
    "serious_violation_3y": False,
    "wenchuang_sector": "esports",
    "staff_total": 120,
    "niche_market_years": 5,
    "rd_expense_last_year": 2.5e6,
    "rd_ratio_last_year": 0.05,
    "sales_revenue_last_year": 5e7,
    "equity_financing_2y": 0.0,
    "provincial_award_3y": False,
    "rd_expense_avg_2y": 2e6,
}


def _verdicts() -> dict[str, dict]:
    ruleset, errors = load_dir(get_settings().rules_dir)
    assert not errors
    return {v.policy_id: verdict_input(v) for v in evaluate_all(ruleset.in_force(ON), CLEAN, ON)}


def _condition(verdict: dict, cid: str) -> dict:
    return next(c for c in verdict["conditions"] if c["id"] == cid)


def test_yes_no_conditions_and_codes_are_words() -> None:
    talent, fund = _verdicts()["talent_employer"], _verdicts()["wenchuang_fund"]
    credit = _condition(talent, "credit")
    assert (credit["value"], credit["threshold"]) == ("未列入失信名单", "未列入失信名单")
    sector = _condition(fund, "sector")
    assert sector["value"] == "电竞" and "esports" not in sector["threshold"]


def test_a_relation_names_the_outcome_label() -> None:
    relation = _condition(_verdicts()["zjtx_sme"], "requires_innovative_sme")
    assert relation["value"] in ("需补充资料", "基本符合，待核实", "不符合", "差距较小")
    assert relation["threshold"] == "符合或已持有"


def test_the_pack_prints_words_and_values_not_codes() -> None:
    verdicts = list(_verdicts().values())
    context = build_context(
        enterprise={
            "name": "上海测试体育有限公司",
            "uscc": None,
            "street": "五角场",
            "sports_division": None,
        },
        officer={"name": "王敏", "phone": None, "email": None},
        verdicts=verdicts,
        data_used=[],
        on=ON,
    )
    text = re.sub(
        r"\s+", "", "".join(p.extract_text() for p in PdfReader(BytesIO(render_pdf(context))).pages)
    )
    assert "预计价值" in text and "最高300.00万元（一次性）" in text  # the 文创 fund's capped grant
    credit = _condition(_verdicts()["talent_employer"], "credit")["label"]
    assert "已达标" in text and credit in text  # a met yes/no condition: named, never 是/否
    assert not re.search(r"eligible|likely|needs_data|near_miss|esports|innovative_sme", text)
