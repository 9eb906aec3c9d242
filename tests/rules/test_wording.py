"""Conditions in plain words: a yes/no condition says what holds, a relation names the other policy and its
outcome label; no bare 是/否 that contradicts the label, no codes."""

from __future__ import annotations

import re
from datetime import date

import pytest

from crm.facts import CATALOGUE
from crm.facts.states import STATES
from crm.rules import evaluate_all, load_dir, render_text
from crm.rules.explain import criteria_outline
from tests.rules.test_engine import LIBRARY

ON = date(2025, 6, 1)
RULESET = load_dir(LIBRARY)[0]
CLEAN = {
    "registered_in_shanghai": True,
    "tax_in_shanghai": True,
    "independent_legal_person": True,
    "abnormal_operation_listed": False,
    "serious_dishonesty_listed": False,
    "serious_violation_3y": False,
}


def test_every_yes_no_fact_has_its_two_phrases() -> None:
    bools = {name for name, fact in CATALOGUE.items() if fact.type == "bool"}
    assert bools - set(STATES) == set(), "add the fact's phrases to crm/facts/states.py"


def test_the_terminal_text_never_prints_a_bare_yes_or_no() -> None:
    text = render_text(evaluate_all(RULESET.in_force(ON), CLEAN, ON))
    assert "✓ 未列入经营异常名录：未列入异常名录" in text
    assert "✓ 未列入严重失信名单：未列入失信名单" in text
    assert not re.search(r"[：，]\s*[是否](，|$|\s)", text, flags=re.M), text
    assert "要求 为" not in text


def test_a_relation_names_the_outcome_not_its_code() -> None:
    text = render_text(evaluate_all(RULESET.in_force(ON), CLEAN, ON))
    line = next(x for x in text.splitlines() if "须先取得：创新型中小企业" in x)
    assert line.strip().endswith("要求 符合或已持有")
    assert not re.search(r"eligible|likely|needs_data|held|near_miss", line)


@pytest.mark.parametrize("policy", RULESET.policies, ids=lambda p: p.id)
def test_the_policy_page_describes_yes_no_conditions_positively(policy) -> None:
    outline = criteria_outline(policy.criteria)
    stack, texts = [outline], []
    while stack:
        node = stack.pop()
        texts.append(node["text"])
        stack.extend(node.get("children", []))
    assert not [t for t in texts if t.endswith((" 为 否", " 为 是")) or "不属于 不属于" in t]
