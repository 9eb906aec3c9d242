"""Re-match everyone: fingerprints agree between the batch and one-enterprise paths, an unchanged office
writes nothing, a changed enterprise rewrites only its changed verdicts, and a verdict an officer stored
while the re-match ran is never overwritten (SQLite and PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select
from typer.testing import CliRunner

from crm import store
from crm.cli import app
from crm.db import session_scope
from crm.demo import AS_OF, load_demo
from crm.facts import columns
from crm.models import FiscalYear, MatchDiff, MatchResult
from crm.rules import evaluate_all, evaluate_batch
from crm.rules.digest import digest_of, digests
from crm.services import matching
from tests.rules.test_batch_property import ON, ROW, RULESET, SETTLED, _settled_columns, _settled_maps


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(ROW, SETTLED), min_size=1, max_size=5), year=st.sampled_from([None, 2019]))
def test_batch_fingerprints_equal_the_one_enterprise_fingerprints(rows, year) -> None:
    batch = evaluate_batch(
        RULESET.policies, columns([r[0] for r in rows]), ON, settled=_settled_columns([r[1] for r in rows])
    )
    years = np.full(len(rows), np.nan if year is None else float(year))
    prints = {pid: digests(v, ON.year, years) for pid, v in batch.items()}
    for i, (facts, settled) in enumerate(rows):
        for verdict in evaluate_all(RULESET.policies, facts, ON, settled=_settled_maps(settled)):
            assert int(prints[verdict.policy_id][i]) == digest_of(verdict, year), verdict.policy_id


def test_a_fingerprint_changes_with_the_verdict() -> None:
    one = evaluate_batch(RULESET.policies, columns([{"tech_staff_ratio": 0.05}]), ON)["hnte"]
    other = evaluate_batch(RULESET.policies, columns([{"tech_staff_ratio": 0.06}]), ON)["hnte"]
    none = np.array([np.nan])
    assert digests(one, ON.year, none)[0] != digests(other, ON.year, none)[0]
    assert digests(one, ON.year, none)[0] != digests(one, ON.year + 1, none)[0]


def _stored() -> dict[tuple[int, str], MatchResult]:
    with session_scope() as session:
        return {(r.enterprise_id, r.policy_id): r for r in session.exec(select(MatchResult)).all()}


def test_nothing_changed_writes_nothing_and_one_edit_rewrites_only_its_verdicts(any_db: str) -> None:
    load_demo(count=40)
    first = matching.rematch_all(on=AS_OF)
    assert first.written == first.enterprises * len(first_policies(first)) and first.unchanged == 0
    before = _stored()
    again = matching.rematch_all(on=AS_OF)
    assert (again.written, again.deleted, again.unchanged) == (0, 0, again.enterprises)
    assert {k: r.computed_at for k, r in _stored().items()} == {k: r.computed_at for k, r in before.items()}
    eid = _edit_one_enterprise()
    third = matching.rematch_all(on=AS_OF)
    changed = {k for k, r in _stored().items() if r.digest != before[k].digest}
    assert third.written == len(changed) > 0 and {e for e, _ in changed} == {eid}
    assert third.unchanged == third.enterprises - 1


def test_the_stored_verdicts_equal_the_one_enterprise_path(any_db: str) -> None:
    load_demo(count=30)
    matching.rematch_all(on=AS_OF)
    batch = _stored()
    eid = next(iter(batch))[0]
    matching.match(eid, on=AS_OF)
    single = {k: r for k, r in _stored().items() if k[0] == eid}
    for key, row in single.items():
        got = batch[key]
        assert (got.outcome, got.digest, _items(got.to_collect), sorted(got.pending)) == (
            row.outcome,
            row.digest,
            _items(row.to_collect),
            sorted(row.pending),
        ), key
        assert (got.value_low, got.value_high) == (row.value_low, row.value_high)
    assert matching.rematch_all(on=AS_OF).written == 0  # the one-enterprise write left nothing to redo


def test_a_verdict_stored_while_the_rematch_runs_is_not_overwritten(any_db: str) -> None:
    load_demo(count=20)
    matching.rematch_all(on=AS_OF)
    eid = _edit_one_enterprise(sales=Decimal(1))  # the re-match will find this enterprise's verdicts changed
    stale = _digests(matching.match(eid, on=AS_OF, store=False))
    fresh: dict = {}

    def officer_rematches_meanwhile(step: str, share: float) -> None:
        if step == "compare" and not fresh:  # after the re-match read the facts, an officer edits and matches
            _edit_one_enterprise(sales=Decimal(80_000_000), eid=eid)
            matching.match(eid, on=AS_OF)
            fresh.update({k[1]: r.digest for k, r in _stored().items() if k[0] == eid})

    summary = matching.rematch_all(on=AS_OF, progress=officer_rematches_meanwhile)
    assert stale != fresh and summary.written > 0  # the re-match did want to write its (older) verdicts
    assert {k[1]: r.digest for k, r in _stored().items() if k[0] == eid} == fresh


def _items(text: str | None) -> list[str]:
    return sorted((text or "").split("、"))


def _digests(report) -> dict[str, int]:
    registered = report.aggregate.enterprise.registration_date
    return {v.policy_id: digest_of(v, registered and registered.year) for v in report.verdicts}


def test_cli_rematch_prints_the_summary_and_writes_nothing_the_second_time(any_db: str) -> None:
    load_demo(count=15)
    runner = CliRunner()
    first = runner.invoke(app, ["rematch", "--on", AS_OF.isoformat()])
    assert first.exit_code in (0, 1), first.output
    assert "重新匹配 15 家企业" in first.stdout and "写入 150 条" in first.stdout
    second = runner.invoke(app, ["rematch", "--on", AS_OF.isoformat()])
    assert "写入 0 条" in second.stdout and "15 家企业结果未变" in second.stdout
    with session_scope() as session:
        assert session.exec(select(MatchDiff)).first() is not None


def first_policies(summary) -> list[str]:
    return [p.id for p in matching.policies(summary.on)]


def _edit_one_enterprise(sales: Decimal = Decimal(1), eid: int | None = None) -> int:
    """Set last year's sales (and R&D to almost nothing) of one enterprise; returns its id."""
    with session_scope() as session:
        rows = session.exec(select(FiscalYear).where(FiscalYear.year == AS_OF.year - 1)).all()
        row = next(r for r in rows if eid is None or r.enterprise_id == eid)
        store.update_child(
            session=session,
            model=FiscalYear,
            record_id=row.id,
            expected_version=row.version,
            actor="tester",
            data={"sales_revenue": sales, "rd_expense": Decimal(1)},
        )
        return row.enterprise_id
