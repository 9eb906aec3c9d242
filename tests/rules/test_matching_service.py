"""Matching use-cases on a real database: stored verdicts with the rules hash, settlements, re-match diffs,
the batch path agreeing with the one-enterprise path, and the CLI."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from crm import store
from crm.cli import app
from crm.cli.rules import register
from crm.db import session_scope
from crm.errors import HuiqiError
from crm.models import FiscalYear, MatchDiff, MatchResult
from crm.rules import loader
from crm.services import matching

ON = date(2025, 6, 1)


@pytest.fixture
def enterprise_id() -> int:
    with session_scope() as session:
        ent = store.create_enterprise(
            session=session,
            actor="tester",
            data={
                "name": "杨浦测试体育科技有限公司",
                "registration_date": date(2018, 1, 1),
                "resident_enterprise": True,
                "independent_legal_person": True,
                "registered_in_shanghai": True,
                "tax_in_shanghai": True,
                "abnormal_operation_listed": False,
                "serious_dishonesty_listed": False,
                "wenchuang_sector": "esports",
            },
        )
        for year, sales in ((2022, 1.8e7), (2023, 2.4e7), (2024, 3.1e7)):
            store.create_child(
                session=session,
                model=FiscalYear,
                enterprise_id=ent.id,
                actor="tester",
                data={
                    "year": year,
                    "sales_revenue": Decimal(str(sales)),
                    "tax_paid": Decimal("800000"),
                    "staff_total": 80,
                    "tech_staff": 20,
                },
            )
        return ent.id


def test_match_stores_verdicts_with_the_rules_hash(enterprise_id: int) -> None:
    report = matching.match(enterprise_id, on=ON)
    assert len(report.verdicts) == 10
    with session_scope() as session:
        rows = session.exec(select(MatchResult).where(MatchResult.enterprise_id == enterprise_id)).all()
    assert {r.rules_hash for r in rows} == {loader.current().hash}
    assert {r.policy_id: r.outcome for r in rows} == {v.policy_id: v.outcome for v in report.verdicts}


def test_settling_a_manual_condition_moves_the_verdict(enterprise_id: int) -> None:
    def talent() -> str:
        return next(
            v for v in matching.match(enterprise_id, on=ON).verdicts if v.policy_id == "talent_employer"
        ).outcome

    assert talent() == "likely"
    matching.settle(
        enterprise_id=enterprise_id,
        policy_id="talent_employer",
        condition_id="contract",
        met=True,
        officer="wang",
        note="已核劳动合同",
    )
    assert talent() == "eligible"
    with pytest.raises(HuiqiError, match="不是需要人工核定的条件"):
        matching.settle(
            enterprise_id=enterprise_id,
            policy_id="talent_employer",
            condition_id="tax",
            met=True,
            officer="wang",
        )


def test_rematch_agrees_with_one_enterprise_and_records_newly_eligible(enterprise_id: int) -> None:
    one = {v.policy_id: v.outcome for v in matching.match(enterprise_id, on=ON).verdicts}
    matching.settle(
        enterprise_id=enterprise_id,
        policy_id="talent_employer",
        condition_id="contract",
        met=True,
        officer="wang",
    )
    summary = matching.rematch_all(on=ON)
    with session_scope() as session:
        stored = {r.policy_id: r.outcome for r in session.exec(select(MatchResult)).all()}
        diffs = session.exec(select(MatchDiff).where(MatchDiff.run_id == summary.run_id)).all()
    assert stored == one | {"talent_employer": "eligible"}
    assert [(d.policy_id, d.kind) for d in diffs] == [("talent_employer", "newly_eligible")]
    assert summary.enterprises == 1


def test_cli_match_prints_the_documented_json(enterprise_id: int) -> None:
    register(app)
    result = CliRunner().invoke(
        app, ["match", "--enterprise", str(enterprise_id), "--on", "2025-06-01", "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["format"] == "huiqi.match/2" and len(doc["policies"]) == 10
    hnte = next(p for p in doc["policies"] if p["policy"] == "hnte")
    assert hnte["conditions"]["tech_staff"]["status"] == "met"
    assert all(set(item) == {"fact", "field", "year", "label"} for item in hnte["to_collect"])
