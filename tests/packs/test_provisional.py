"""A placeholder threshold is never presented as official: the pack marks it and names its source."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from pypdf import PdfReader

from crm.config import get_settings
from crm.packs import build_context, render_pdf
from crm.rules import evaluate, load_dir
from crm.services.pack_input import verdict_input

ON = date(2026, 11, 28)


def verdict_of(policy_id: str, facts: dict[str, object]) -> dict[str, object]:
    ruleset, errors = load_dir(get_settings().rules_dir)
    assert not errors
    policy = next(p for p in ruleset.policies if p.id == policy_id)
    return verdict_input(evaluate(policy, facts, ON))


def test_placeholder_thresholds_are_marked_with_their_source_and_official_ones_are_not() -> None:
    municipal = verdict_of("demo_unit_municipal", {"sales_revenue_last_year": 25_000_000.0})
    marked = {c["id"]: c["provisional"] for c in municipal["conditions"] if c["provisional"]}
    assert any("参考值" in text and "2024-01-01" in text for text in marked.values()), marked
    hnte = verdict_of("hnte", {"rd_ratio_3y": 0.06, "sales_revenue_last_year": 30_000_000.0})
    assert not [c for c in hnte["conditions"] if c["provisional"]]  # HNTE's thresholds are official (H)


def test_the_pack_prints_the_placeholder_note() -> None:
    # 1,800 万元 against the 2,000 万元 placeholder: a near miss, so the policy gets its section
    verdict = verdict_of("demo_unit_municipal", {"sales_revenue_last_year": 18_000_000.0})
    assert verdict["outcome"] == "near_miss"
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
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(render_pdf(context))).pages)
    assert "为参考值" in text.replace("\n", "") and "以当年申报通知为准" in text.replace("\n", "")
