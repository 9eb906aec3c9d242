"""Many officers at once: actors started together on a barrier, through the services, on both databases.

Each test lets several threads (each its own signed-in officer, its own session) do the same thing at
the same moment and then checks what the database holds (counts, versions, the audit chain) and what
each officer was told: one success and clear refusals, never a duplicate, never a raw database error.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlmodel import col, func, select

from crm import db, store
from crm.auth import LastAdmin, Principal, acting_as
from crm.db import session_scope
from crm.errors import HuiqiError
from crm.intake import commit
from crm.models import Application, AuditEntry, Contact, Enterprise, FiscalYear, Officer
from crm.records.validation import ValidationFailed
from crm.services import auth as accounts
from crm.services import enterprises, intake, matching, pack_input, packs, pipeline
from crm.store.applications import DuplicateApplication
from tests.intake.conftest import officer_xlsx, uscc

pytestmark = pytest.mark.usefixtures("any_db")

ADMIN = Principal("chief", "admin", "王主任")


@dataclass
class Told:
    """What one actor was told: its result, or the error it got."""

    value: Any = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def together(actions: list[Callable[[], Any]], principal: Principal = ADMIN) -> list[Told]:
    """Run ``actions`` in threads released at once by a barrier; what each was told, in order."""
    db.get_engine()  # migrated before the race (first use from many threads is its own test)
    barrier = threading.Barrier(len(actions))
    told = [Told() for _ in actions]

    def run(i: int) -> None:
        with acting_as(principal):
            barrier.wait(timeout=10)
            try:
                told[i].value = actions[i]()
            except BaseException as exc:  # noqa: BLE001 - recorded and asserted on by the test
                told[i].error = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "an actor hung"
    return told


def raw_errors(told: list[Told]) -> list[BaseException]:
    """Errors that are not HuiqiError (a raw database error, a traceback): there must be none."""
    return [t.error for t in told if t.error is not None and not isinstance(t.error, HuiqiError)]


def audit_chain(entity: str, entity_id: int, field: str) -> list[tuple[str | None, str | None]]:
    """(old, new) of every audited change of one field, in order."""
    with session_scope() as s:
        rows = s.exec(
            select(AuditEntry)
            .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id, AuditEntry.field == field)
            .order_by(col(AuditEntry.id))
        ).all()
    return [(r.old, r.new) for r in rows]


def assert_chained(chain: list[tuple[str | None, str | None]]) -> None:
    """Each audit row's old value is the previous row's new value: no write was lost or interleaved."""
    for (_, before), (old, _) in zip(chain, chain[1:], strict=False):
        assert old == before, chain


# --- 1. one live enterprise per credit code ---------------------------------------------------------


def test_simultaneous_creates_of_one_credit_code_make_one_enterprise() -> None:
    code = uscc("91310110MA1G8XKX0")
    told = together(
        [
            lambda n=n: enterprises.create_enterprise({"name": f"上海同码体育{n}有限公司", "uscc": code})
            for n in range(5)
        ]
    )
    assert raw_errors(told) == []
    assert sum(t.ok for t in told) == 1
    refused = [t.error for t in told if not t.ok]
    assert all(isinstance(e, ValidationFailed) and "已被其他企业使用" in e.message("zh") for e in refused)
    winner = next(t.value for t in told if t.ok)
    assert all(winner.name in e.message("zh") for e in refused if e is not None)  # names the existing one
    with session_scope() as s:
        live = s.exec(
            select(func.count()).where(Enterprise.uscc == code, col(Enterprise.deleted_at).is_(None))
        )
        assert live.one() == 1


def test_a_deleted_enterprise_keeps_its_code_without_blocking_a_new_one() -> None:
    code = uscc("91310110MA1G8XKY0")
    first = enterprises.create_enterprise({"name": "上海旧码体育有限公司", "uscc": code})
    enterprises.delete_record("enterprise", first.id or 0, first.version)
    enterprises.create_enterprise({"name": "上海新码体育有限公司", "uscc": code})
    with pytest.raises(ValidationFailed, match="上海新码体育有限公司"):
        enterprises.restore_record("enterprise", first.id or 0)  # would make two live ones


def _import_file(rows: int, salt: str) -> bytes:
    headers = ["企业名称", "统一社会信用代码", "所属街道"]
    data = [
        [f"上海并发导入{salt}{k:03d}体育有限公司", uscc(f"91310110MA{salt}{k:05d}"), "五角场"]
        for k in range(rows)
    ]
    return officer_xlsx(headers, data)


@pytest.mark.parametrize("mode", ["valid-only", "all-or-nothing"])
def test_two_imports_of_the_same_new_enterprises_at_once_duplicate_none(mode: str) -> None:
    data = _import_file(40, "1G")

    def run() -> Any:
        table = intake.read_file(data, "名单.xlsx")
        return intake.run_import(table, intake.suggest_mapping(table), mode=mode)[1]  # type: ignore[arg-type]

    told = together([run, run])
    assert raw_errors(told) == []
    with session_scope() as s:
        live = s.exec(select(Enterprise.uscc).where(col(Enterprise.deleted_at).is_(None))).all()
    assert len(live) == len(set(live)) == 40
    created = [len(t.value.created) for t in told if t.ok]
    assert sum(created) == 40  # one import created them; the other created none
    for t in told:
        if t.ok and not t.value.created:  # it lost the race (or planned after the winner: then updates)
            assert all("已属于在册企业" in str(r.errors[0]) for r in t.value.rejected) or t.value.updated
        elif not t.ok:  # all-or-nothing: refused whole, naming the row
            assert isinstance(t.error, HuiqiError) and "第 2 行" in t.error.message("zh")
            assert "已属于在册企业" in t.error.message("zh")


# --- 7. one live application per enterprise x policy x cycle ---------------------------------------


def test_simultaneous_applications_make_one_and_a_deleted_one_does_not_block() -> None:
    e = enterprises.create_enterprise({"name": "上海申报体育有限公司"})
    on = date(2026, 3, 2)

    def open_it() -> Application:
        return pipeline.create_from_match(e.id or 0, "hnte", on=on, cycle="2026")

    told = together([open_it] * 4)
    assert raw_errors(told) == []
    assert sum(t.ok for t in told) == 1
    assert all(isinstance(t.error, DuplicateApplication) for t in told if not t.ok)
    first = next(t.value for t in told if t.ok)
    enterprises.delete_record("application", first.id, first.version)
    again = together([open_it] * 3)  # after the soft delete: one new application, the same clear message
    assert raw_errors(again) == []
    assert sum(t.ok for t in again) == 1
    assert all("已有此政策的申报" in (t.error.message("zh") if t.error else "") for t in again if not t.ok)
    with session_scope() as s:
        rows = s.exec(select(Application.deleted_at).where(Application.enterprise_id == e.id)).all()
    assert sorted(r is None for r in rows) == [False, True]  # the deleted one and one live one


# --- 3. never zero administrators -------------------------------------------------------------------


def _admin(username: str) -> Officer:
    with session_scope() as s:
        return store.create_officer(
            session=s, data={"username": username, "display_name": username, "role": "admin"}, actor="test"
        )


@pytest.mark.parametrize("change", [{"role": "officer"}, {"active": False}])
def test_two_admins_removing_each_other_at_once_leave_one(change: dict[str, Any]) -> None:
    a, b = _admin("admin_a"), _admin("admin_b")
    told = together(
        [
            lambda: accounts.update_account(b.id or 0, b.version, change),  # a removes b
            lambda: accounts.update_account(a.id or 0, a.version, change),  # b removes a
        ]
    )
    assert raw_errors(told) == []
    assert sum(t.ok for t in told) == 1
    assert [type(t.error) for t in told if not t.ok] == [LastAdmin]
    with session_scope() as s:
        admins = store.officers.active_admins(session=s)
    assert len(admins) == 1
    field = next(iter(change))
    chains = [audit_chain("officer", officer.id or 0, field) for officer in (a, b)]
    assert sorted(len(c) for c in chains) == [1, 2]  # each created, one of them changed
    for chain in chains:
        assert_chained(chain)


# --- 8. the engine on first use from many threads ----------------------------------------------------


def test_first_use_of_the_engine_from_many_threads_migrates_once() -> None:
    db.dispose_engines()
    barrier = threading.Barrier(6)
    got: list[Any] = []

    def first_use() -> None:
        barrier.wait(timeout=10)
        try:
            got.append(db.get_engine())
        except BaseException as exc:  # noqa: BLE001 - asserted below
            got.append(exc)

    threads = [threading.Thread(target=first_use) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(got) == 6 and all(g is got[0] for g in got), got
    assert db.current_revision(got[0]) is not None


# --- 4. stored verdicts: never a raw error, never stale -------------------------------------------------

ON = date(2025, 6, 1)


def _matchable(name: str) -> int:
    """An enterprise that some policies find eligible until it is put on the dishonesty list."""
    with session_scope() as s:
        e = store.create_enterprise(
            session=s,
            actor="test",
            data={
                "name": name,
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
                session=s,
                model=FiscalYear,
                enterprise_id=e.id or 0,
                actor="test",
                data={
                    "year": year,
                    "sales_revenue": sales,
                    "tax_paid": 800000,
                    "staff_total": 80,
                    "tech_staff": 20,
                },
            )
        return e.id or 0


def test_matches_during_edits_and_rematches_store_no_stale_verdict() -> None:
    ids = [_matchable(f"上海并发匹配{k}体育有限公司") for k in range(6)]
    for k in range(12):  # filler, so that a re-match takes a while
        enterprises.create_enterprise({"name": f"上海陪跑{k:02d}体育有限公司"})

    def editor(mine: list[int]) -> Callable[[], int]:
        def run() -> int:
            for round_ in range(4):
                for eid in mine:
                    e = enterprises.get_enterprise(eid)
                    flip = {"serious_dishonesty_listed": round_ % 2 == 0}
                    enterprises.update_enterprise(eid, e.version, flip)
                    matching.match(eid, on=ON)
            return len(mine)

        return run

    def rematcher() -> int:
        for _ in range(3):
            matching.rematch_all(on=ON)
        return 3

    told = together([editor(ids[0:2]), editor(ids[2:4]), editor(ids[4:6]), rematcher, rematcher])
    assert raw_errors(told) == []
    assert all(t.ok for t in told), [t.error for t in told]
    for eid in ids:
        fresh = {v.policy_id: v.outcome for v in matching.match(eid, on=ON, store=False).verdicts}
        stored = {r["policy_id"]: r["outcome"] for r in matching.stored_results(eid)}
        assert stored == fresh, eid  # round 3 took it off the list: never the listed verdicts
        chain = audit_chain("enterprise", eid, "serious_dishonesty_listed")
        assert len(chain) == 5
        assert_chained(chain)


# --- 2. a pack's provenance is what it was made from ------------------------------------------------------


def test_a_settlement_saved_while_a_pack_renders_leaves_the_pack_out_of_date(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    eid = _matchable("上海并发服务包体育有限公司")
    evaluated, settled = threading.Event(), threading.Event()
    original = pack_input.evaluate

    def evaluate_then_wait(enterprise_id: int, on: date) -> Any:
        report = original(enterprise_id, on)
        evaluated.set()  # the verdicts are computed; the pack renders from here
        assert settled.wait(timeout=20)
        return report

    monkeypatch.setattr(pack_input, "evaluate", evaluate_then_wait)

    def settle() -> None:
        assert evaluated.wait(timeout=20)
        try:
            matching.settle(
                enterprise_id=eid,
                policy_id="talent_employer",
                condition_id="contract",
                met=True,
                officer="王专员",
            )
        finally:
            settled.set()

    told = together([lambda: packs.make_pack(eid, on=ON), settle])
    assert [t.error for t in told] == [None, None]
    outcome = {v["policy"]: v["outcome"] for v in told[0].value.record.verdicts}["talent_employer"]
    fresh = {v.policy_id: v.outcome for v in matching.match(eid, on=ON, store=False).verdicts}
    assert fresh["talent_employer"] != outcome  # the settlement changed the verdict the pack printed
    [view] = packs.list_packs(eid)
    assert view.out_of_date and view.reasons == ["企业数据或人工核定已变更"]


# --- 5. one conflict does not kill an import ---------------------------------------------------------------


@pytest.mark.parametrize("officer_does", ["adds the year", "edits the enterprise"])
@pytest.mark.parametrize("mode", ["valid-only", "all-or-nothing"])
def test_a_concurrent_save_during_an_import_is_one_rows_outcome(
    mode: str, officer_does: str, any_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if any_db == "sqlite":
        pytest.skip("SQLite serialises writers: the officer's save waits until the import has committed")
    codes = [uscc(f"91310110MA1H{k:05d}") for k in range(3)]
    ids = [
        enterprises.create_enterprise({"name": f"上海年度并发{k}体育有限公司", "uscc": code}).id or 0
        for k, code in enumerate(codes)
    ]
    data = officer_xlsx(
        ["企业名称", "统一社会信用代码", "注册资本（万元）", "2023年营业收入(万元)"],
        [[f"上海年度并发{k}体育有限公司", code, 500, 100 + k] for k, code in enumerate(codes)],
    )
    loaded, saved = threading.Event(), threading.Event()
    original = commit._Existing.load.__func__  # type: ignore[attr-defined]

    def load_then_wait(cls: type, session: Any, wanted: list[int]) -> Any:
        known = original(cls, session, wanted)  # what the import believes exists
        loaded.set()
        assert saved.wait(timeout=20)
        return known

    monkeypatch.setattr(commit._Existing, "load", classmethod(load_then_wait))

    def officer_saves() -> None:
        assert loaded.wait(timeout=20)
        try:
            if officer_does == "adds the year":
                enterprises.add_child("fiscalyear", ids[1], {"year": 2023, "sales_revenue": "9万元"})
            else:
                enterprises.update_enterprise(ids[1], 1, {"address": "国定路 1 号"})
        finally:
            saved.set()

    def run() -> Any:
        table = intake.read_file(data, "名单.xlsx")
        return intake.run_import(table, intake.suggest_mapping(table), mode=mode)[1]  # type: ignore[arg-type]

    told = together([run, officer_saves])
    assert raw_errors(told) == [] and told[1].ok
    with session_scope() as s:
        years = {
            y.enterprise_id: y.sales_revenue
            for y in s.exec(select(FiscalYear).where(FiscalYear.year == 2023))
        }
        capital = {e.id: e.registered_capital for e in s.exec(select(Enterprise))}
    officers_year = {ids[1]: 90000} if officer_does == "adds the year" else {}
    if mode == "valid-only":
        result = told[0].value
        assert sorted(result.updated) == [ids[0], ids[2]]
        [rejected] = result.rejected
        why = "年度" if officer_does == "adds the year" else "已被 chief"
        assert rejected.row == 3 and why in str(rejected.errors[0])
        assert years == {ids[0]: 1000000, ids[2]: 1020000, **officers_year}
        assert capital == {ids[0]: 5000000, ids[1]: None, ids[2]: 5000000}  # row 3 rolled back whole
    else:
        assert isinstance(told[0].error, HuiqiError) and "第 3 行" in told[0].error.message("zh")
        assert years == officers_year and set(capital.values()) == {None}  # nothing of the import kept


# --- 6. merges -----------------------------------------------------------------------------------------------


def test_contacts_added_while_the_enterprise_is_merged_away_are_moved_or_refused() -> None:
    loser = enterprises.create_enterprise({"name": "上海被并体育有限公司"}).id or 0
    winner = enterprises.create_enterprise({"name": "上海承接体育有限公司"}).id or 0

    def add(k: int) -> Callable[[], Any]:
        return lambda: enterprises.add_child("contact", loser, {"name": f"联系人{k}", "phone": "13812345678"})

    told = together([*(add(k) for k in range(6)), lambda: intake.merge_enterprises(winner, loser)])
    assert raw_errors(told) == [] and told[-1].ok
    confirmed = [t.value.id for t in told[:-1] if t.ok]
    assert all("已删除" in t.error.message("zh") for t in told[:-1] if t.error is not None)
    with session_scope() as s:
        owners = {c.id: c.enterprise_id for c in s.exec(select(Contact))}
    assert {owners[i] for i in confirmed} <= {winner}  # nothing confirmed was left on the deleted one
    assert len(owners) == len(confirmed)


def test_crossed_merges_end_with_one_merge_and_a_clear_refusal() -> None:
    for k in range(3):
        a = enterprises.create_enterprise({"name": f"上海交叉甲{k}体育有限公司"}).id or 0
        b = enterprises.create_enterprise({"name": f"上海交叉乙{k}体育有限公司"}).id or 0
        told = together(
            [lambda a=a, b=b: intake.merge_enterprises(b, a), lambda a=a, b=b: intake.merge_enterprises(a, b)]
        )
        assert raw_errors(told) == []
        assert sum(t.ok for t in told) == 1
        assert all("已被合并或删除" in t.error.message("zh") for t in told if t.error is not None)
        with session_scope() as s:
            live = s.exec(
                select(Enterprise.id).where(
                    col(Enterprise.id).in_([a, b]), col(Enterprise.deleted_at).is_(None)
                )
            )
            assert len(live.all()) == 1


def test_undo_refuses_when_the_winner_changed_after_the_merge_and_says_which_field() -> None:
    loser = enterprises.create_enterprise({"name": "上海旧址体育有限公司", "address": "国定路 1 号"}).id or 0
    winner = enterprises.create_enterprise({"name": "上海新址体育有限公司"}).id or 0
    merge_id = intake.merge_enterprises(winner, loser)
    w = enterprises.get_enterprise(winner)
    assert w.address == "国定路 1 号"
    enterprises.update_enterprise(winner, w.version, {"address": "政立路 2 号"})
    with pytest.raises(HuiqiError, match="地址"):
        intake.undo_merge(merge_id)
    assert enterprises.get_enterprise(winner).address == "政立路 2 号"  # the officer's edit stands
    chain = audit_chain("enterprise", winner, "address")
    assert [new for _, new in chain] == ["国定路 1 号", "政立路 2 号"]
    assert_chained(chain)


# --- 8. smaller: children of a deleted enterprise; who settled ---------------------------------------------


def test_children_of_a_deleted_enterprise_cannot_be_edited_added_or_deleted() -> None:
    e = enterprises.create_enterprise({"name": "上海已删体育有限公司"})
    fy = enterprises.add_child("fiscalyear", e.id or 0, {"year": 2023, "sales_revenue": "100万元"})
    enterprises.delete_record("enterprise", e.id or 0, e.version)
    with pytest.raises(store.NotFoundError):
        enterprises.update_child("fiscalyear", fy.id, fy.version, {"sales_revenue": "200万元"})
    with pytest.raises(store.NotFoundError):
        enterprises.delete_record("fiscalyear", fy.id, fy.version)
    with pytest.raises(store.NotFoundError):
        enterprises.add_child("contact", e.id or 0, {"name": "张伟"})
    assert [new for _, new in audit_chain("fiscalyear", fy.id, "sales_revenue")] == ["1000000.00"]


def test_officers_settling_at_once_are_each_recorded_under_their_own_name() -> None:
    eid = _matchable("上海核定体育有限公司")
    officers = [Principal("li", "officer", "李专员"), Principal("wang", "officer", "王专员")]

    def settle_as(p: Principal, met: bool) -> Callable[[], Any]:
        def run() -> Any:
            with acting_as(p):
                return matching.settle(
                    enterprise_id=eid, policy_id="talent_employer", condition_id="contract", met=met
                )

        return run

    told = together([settle_as(officers[0], True), settle_as(officers[1], False)])
    assert [t.error for t in told] == [None, None]
    assert {(t.value.officer, t.value.met) for t in told} == {("李专员", True), ("王专员", False)}
