"""Race bench: the write paths driven by several actors at once on PostgreSQL, through crm.services.

Each scenario starts its actors (threads, each its own signed-in officer) on a barrier and counts what
the database holds afterwards and what each actor was told, for the eight races of the concurrency issue:
duplicate enterprises, pack provenance, the last admin, stored verdicts, import conflicts, merges,
duplicate applications and the engine's first use. "raw" counts errors that are not HuiqiError (a
database error or traceback an officer would have seen).

Usage: python bench/bench_races.py [--baseline-ref REF]
With --baseline-ref, the same scenarios also run against that commit's code (exported with git archive)
and the table shows baseline -> this tree. PostgreSQL from HUIQI_BENCH_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/postgres); temporary databases are created and dropped.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(ROOT))  # this tree's code (the baseline run sets PYTHONPATH to its own tree)
ON = date(2025, 6, 1)
SERVER = os.environ.get("HUIQI_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def together(actions: list[Callable[[], Any]], who: Any = None) -> list[tuple[Any, BaseException | None]]:
    """Run ``actions`` in threads released at once; (value, error) of each."""
    from crm.auth import Principal, acting_as

    barrier = threading.Barrier(len(actions))
    told: list[tuple[Any, BaseException | None]] = [(None, None)] * len(actions)

    def run(i: int) -> None:
        with acting_as(who or Principal("chief", "admin", "王主任")):
            barrier.wait(timeout=30)
            try:
                told[i] = (actions[i](), None)
            except BaseException as exc:  # noqa: BLE001 - counted below
                told[i] = (None, exc)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(actions))]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 120
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
    hung = TimeoutError("still waiting after 120 s (hung)")
    return [told[i] if not t.is_alive() else (None, hung) for i, t in enumerate(threads)]


def raw(told: list[tuple[Any, BaseException | None]]) -> int:
    from crm.errors import HuiqiError

    return sum(1 for _, e in told if e is not None and not isinstance(e, HuiqiError))


def uscc(body: str) -> str:
    from stdnum.cn import uscc as code

    return body + code.calc_check_digit(body)


def xlsx(headers: list[str], rows: list[list[Any]]) -> bytes:
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- the scenarios ------------------------------------------------------------------------------------


def duplicates() -> dict[str, Any]:
    """1. Two imports of the same 300 new enterprises at once; 5 creates of one credit code at once."""
    from crm.services import enterprises, intake

    data = xlsx(
        ["企业名称", "统一社会信用代码"],
        [[f"上海竞速导入{k:03d}体育有限公司", uscc(f"91310110MA2B{k:05d}")] for k in range(300)],
    )

    def run() -> Any:
        table = intake.read_file(data, "名单.xlsx")
        return intake.run_import(table, intake.suggest_mapping(table), mode="valid-only")[1]

    told = together([run, run])
    codes = [e.uscc for e in _live()]
    code = uscc("91310110MA2C00000")
    creates = together(
        [
            lambda n=n: enterprises.create_enterprise({"name": f"上海同码{n}有限公司", "uscc": code})
            for n in range(5)
        ]
    )
    return {
        "live": len(codes),
        "dup_codes": len(codes) - len(set(codes)),
        "imports_ok": sum(e is None for _, e in told),
        "raw": raw(told) + raw(creates),
        "creates_ok": sum(e is None for _, e in creates),
    }


def packs_in_flight() -> dict[str, Any]:
    """2. A settlement saved while a pack renders: packs left looking up to date (of 10)."""
    from crm.services import matching, pack_input, packs

    original = pack_input.evaluate
    up_to_date = 0
    for k in range(10):
        eid = _matchable(f"上海竞速服务包{k}体育有限公司")
        evaluated, settled = threading.Event(), threading.Event()

        def wait_after(enterprise_id: int, on: date, ev: Any = evaluated, st: Any = settled) -> Any:
            report = original(enterprise_id, on)
            ev.set()
            st.wait(timeout=30)
            return report

        def settle(eid: int = eid, ev: Any = evaluated, st: Any = settled) -> None:
            ev.wait(timeout=30)
            try:
                matching.settle(
                    enterprise_id=eid,
                    policy_id="talent_employer",
                    condition_id="contract",
                    met=True,
                    officer="王专员",
                )
            finally:
                st.set()

        pack_input.evaluate = wait_after  # type: ignore[assignment]
        try:
            together([lambda eid=eid: packs.make_pack(eid, on=ON), settle])
        finally:
            pack_input.evaluate = original  # type: ignore[assignment]
        up_to_date += sum(not v.out_of_date for v in packs.list_packs(eid))
    return {"packs": 10, "up_to_date": up_to_date}


def admins() -> dict[str, Any]:
    """3. Two admins demoting each other at once, 3 times: how often both succeeded (zero admins)."""
    from crm import store
    from crm.db import session_scope
    from crm.services import auth

    both, raws = 0, 0
    for k in range(3):
        with session_scope() as s:
            for o in store.officers.active_admins(session=s):
                store.update_versioned(s, type(o), o.id, o.version, {"role": "officer"}, actor="bench")
            a, b = (
                store.create_officer(
                    session=s,
                    data={"username": f"adm{k}{x}", "display_name": x, "role": "admin"},
                    actor="bench",
                )
                for x in "ab"
            )
        told = together(
            [
                lambda a=a, b=b: auth.update_account(b.id, b.version, {"role": "officer"}),
                lambda a=a, b=b: auth.update_account(a.id, a.version, {"role": "officer"}),
            ]
        )
        both += all(e is None for _, e in told)
        raws += raw(told)
    return {"trials": 3, "zero_admins": both, "raw": raws}


def verdicts() -> dict[str, Any]:
    """4. Edits with single matches while re-matches run: raw failures, and stale stored verdicts after."""
    from crm.services import enterprises, matching

    ids = [_matchable(f"上海竞速匹配{k:02d}体育有限公司") for k in range(40)]
    counts = {"rematch_runs": 0, "rematch_raw": 0, "single_matches": 0, "single_raw": 0}
    lock = threading.Lock()

    def editor(mine: list[int]) -> Callable[[], None]:
        def run() -> None:
            for round_ in range(4):
                for eid in mine:
                    e = enterprises.get_enterprise(eid)
                    enterprises.update_enterprise(
                        eid, e.version, {"serious_dishonesty_listed": round_ % 2 == 0}
                    )
                    _count(lock, counts, "single", lambda eid=eid: matching.match(eid, on=ON))

        return run

    def rematcher() -> None:
        for _ in range(4):
            _count(lock, counts, "rematch", lambda: matching.rematch_all(on=ON))

    together([editor(ids[k::4]) for k in range(4)] + [rematcher, rematcher])
    stale = 0
    for eid in ids:
        fresh = {v.policy_id: v.outcome for v in matching.match(eid, on=ON, store=False).verdicts}
        stale += fresh != {r["policy_id"]: r["outcome"] for r in matching.stored_results(eid)}
    return {**counts, "enterprises": len(ids), "stale": stale}


def _count(lock: threading.Lock, counts: dict[str, int], name: str, fn: Callable[[], Any]) -> None:
    from crm.errors import HuiqiError

    key = "rematch_runs" if name == "rematch" else "single_matches"
    try:
        fn()
        failed = False
    except HuiqiError:
        failed = False
    except Exception:  # noqa: BLE001 - a raw database error: counted
        failed = True
    with lock:
        counts[key] += 1
        counts[f"{name}_raw"] += failed


def import_conflict() -> dict[str, Any]:
    """5. A fiscal year added by an officer while a valid-only import of 20 matched rows runs."""
    from crm.intake import commit
    from crm.services import enterprises, intake

    codes = [uscc(f"91310110MA2D{k:05d}") for k in range(20)]
    ids = [
        enterprises.create_enterprise({"name": f"上海年度竞速{k}有限公司", "uscc": c}).id
        for k, c in enumerate(codes)
    ]
    data = xlsx(["企业名称", "统一社会信用代码", "2023年营业收入(万元)"], [[None, c, 100] for c in codes])
    loaded, added = threading.Event(), threading.Event()
    original = commit._Existing.load.__func__  # type: ignore[attr-defined]

    def load_then_wait(cls: type, session: Any, wanted: list[int]) -> Any:
        known = original(cls, session, wanted)
        loaded.set()
        added.wait(timeout=30)
        return known

    def add_year() -> None:
        loaded.wait(timeout=30)
        try:
            enterprises.add_child("fiscalyear", ids[7], {"year": 2023, "sales_revenue": "9万元"})
        finally:
            added.set()

    def run() -> Any:
        table = intake.read_file(data, "名单.xlsx")
        return intake.run_import(table, intake.suggest_mapping(table), mode="valid-only")[1]

    commit._Existing.load = classmethod(load_then_wait)  # type: ignore[assignment]
    try:
        told = together([run, add_year])
    finally:
        commit._Existing.load = classmethod(original)  # type: ignore[assignment]
    result, error = told[0]
    return {
        "rows": 20,
        "import_failed_raw": int(error is not None and raw([told[0]]) == 1),
        "updated": len(result.updated) if result else 0,
        "rejected": len(result.rejected) if result else 0,
    }


def merges() -> dict[str, Any]:
    """6. 24 contacts added to A while A is merged into B; 5 crossed merges; undo after an edit."""
    from crm.db import session_scope
    from crm.errors import HuiqiError
    from crm.models import Contact
    from crm.services import enterprises, intake

    a = enterprises.create_enterprise({"name": "上海竞速被并体育有限公司"}).id
    b = enterprises.create_enterprise({"name": "上海竞速承接体育有限公司"}).id
    adds = [lambda k=k: enterprises.add_child("contact", a, {"name": f"联系人{k}"}) for k in range(24)]
    told = together([*adds, lambda: intake.merge_enterprises(b, a)])
    confirmed = [v.id for v, e in told[:-1] if e is None]
    with session_scope() as s:
        owners = {c.id: c.enterprise_id for c in _all(s, Contact)}
    on_deleted = sum(owners[i] == a for i in confirmed)
    crossed_raw = 0
    for k in range(5):
        x = enterprises.create_enterprise({"name": f"上海交叉竞速甲{k}有限公司"}).id
        y = enterprises.create_enterprise({"name": f"上海交叉竞速乙{k}有限公司"}).id
        crossed_raw += raw(
            together(
                [
                    lambda x=x, y=y: intake.merge_enterprises(y, x),
                    lambda x=x, y=y: intake.merge_enterprises(x, y),
                ]
            )
        )
    loser = enterprises.create_enterprise({"name": "上海撤销竞速甲有限公司", "address": "国定路 1 号"}).id
    winner = enterprises.create_enterprise({"name": "上海撤销竞速乙有限公司"}).id
    merge_id = intake.merge_enterprises(winner, loser)
    w = enterprises.get_enterprise(winner)
    enterprises.update_enterprise(winner, w.version, {"address": "政立路 2 号"})
    with contextlib.suppress(HuiqiError):  # a refusal is the fixed behaviour
        intake.undo_merge(merge_id)
    reverted = enterprises.get_enterprise(winner).address != "政立路 2 号"
    return {
        "contacts_confirmed": len(confirmed),
        "on_deleted": on_deleted,
        "crossed": 5,
        "crossed_raw": crossed_raw,
        "undo_reverted_edit": int(reverted),
    }


def applications() -> dict[str, Any]:
    """7. The same application opened 5 times at once, then again after a soft delete."""
    from crm.services import enterprises, pipeline

    e = enterprises.create_enterprise({"name": "上海竞速申报体育有限公司"}).id
    told = together([lambda: pipeline.create_from_match(e, "hnte", on=ON, cycle="2026")] * 5)
    first = next((v for v, err in told if err is None), None)
    if first is not None:
        enterprises.delete_record("application", first.id, first.version)
    again = together([lambda: pipeline.create_from_match(e, "hnte", on=ON, cycle="2026")] * 3)
    return {
        "raw_at_once": raw(told),
        "raw_after_delete": raw(again),
        "live_after": sum(x is None for _, x in again),
    }


def engine_first_use() -> dict[str, Any]:
    """8. get_engine() first used from 6 threads at once on a fresh database."""
    from crm import db

    db.dispose_engines()
    told = together([db.get_engine] * 6)
    return {"threads": 6, "errors": sum(e is not None for _, e in told)}


def _live() -> list[Any]:
    from crm.db import session_scope
    from crm.models import Enterprise

    with session_scope() as s:
        return [e for e in _all(s, Enterprise) if e.deleted_at is None]


def _all(session: Any, model: type) -> list[Any]:
    from sqlmodel import select

    return list(session.exec(select(model)))


def _matchable(name: str) -> int:
    from crm.db import session_scope
    from crm.models import FiscalYear
    from crm.store import create_child, create_enterprise

    base = {"registration_date": date(2018, 1, 1), "wenchuang_sector": "esports"}
    flags = ["resident_enterprise", "independent_legal_person", "registered_in_shanghai", "tax_in_shanghai"]
    data = {"name": name, **base, **dict.fromkeys(flags, True)}
    data |= {"abnormal_operation_listed": False, "serious_dishonesty_listed": False}
    with session_scope() as s:
        e = create_enterprise(session=s, actor="bench", data=data)
        for year, sales in ((2022, 1.8e7), (2023, 2.4e7), (2024, 3.1e7)):
            fy = {
                "year": year,
                "sales_revenue": sales,
                "tax_paid": 800000,
                "staff_total": 80,
                "tech_staff": 20,
            }
            create_child(session=s, model=FiscalYear, enterprise_id=e.id, actor="bench", data=fy)
        return int(e.id)


SCENARIOS: list[Callable[[], dict[str, Any]]] = [
    duplicates,
    packs_in_flight,
    admins,
    verdicts,
    import_conflict,
    merges,
    applications,
]


# --- running -----------------------------------------------------------------------------------------


def measure() -> dict[str, dict[str, Any]]:
    """Every scenario on this interpreter's code, each in a fresh scratch database."""
    from crm import config, db
    from crm.auth import Principal, acting_as

    out: dict[str, dict[str, Any]] = {}
    for scenario in [engine_first_use, *SCENARIOS]:
        with db.scratch_database(SERVER, prefix="huiqi_races") as url:
            settings = config.load_settings({"HUIQI_DATABASE_URL": url, "HUIQI_DATA_DIR": tempfile.mkdtemp()})
            config.override_settings(replace(settings, mode="server", storage_secret="bench-only-secret"))
            if scenario is not engine_first_use:
                db.get_engine()
            with acting_as(Principal("chief", "admin", "王主任")):
                try:
                    out[scenario.__name__] = scenario()
                except Exception as exc:  # noqa: BLE001 - the scenario itself broke: say so
                    out[scenario.__name__] = {"scenario_failed": f"{type(exc).__name__}: {exc}"[:120]}
    return out


def baseline(ref: str) -> dict[str, dict[str, Any]]:
    """The same scenarios on the code of commit ``ref``."""
    with tempfile.TemporaryDirectory(prefix="huiqi-races-") as tree:
        archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
        env = {**os.environ, "PYTHONPATH": tree}
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--json"],
            cwd=tree,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise SystemExit(done.stderr[-2000:])
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-ref", help="also run the scenarios on this commit's code")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    args = parser.parse_args()
    now = measure()
    if args.json:
        print(json.dumps(now, ensure_ascii=False))
        return 0
    before = baseline(args.baseline_ref) if args.baseline_ref else {}
    print(
        f"race bench on PostgreSQL through crm.services ({'baseline ' + args.baseline_ref + ' -> ' if before else ''}this tree)"
    )
    for name, figures in now.items():
        old = before.get(name, {})
        shown = ", ".join(f"{k} {old[k]} -> {v}" if k in old else f"{k} {v}" for k, v in figures.items())
        print(f"  {name:<18} {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
