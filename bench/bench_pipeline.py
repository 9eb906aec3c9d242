"""Benchmark of the radar, the dashboard aggregates and the yearly report PDF at district scale.

100,000 enterprises, 300,000 applications, 300,000 stored matches (the rule engine's ``matchresult``
table, read through ``crm.services.matching.match_rows_select``), 10,000 HNTE certificates, 50,000 tasks, in a temporary database (SQLite file in a temp dir, and a throw-away PostgreSQL database when
one answers at HUIQI_BENCH_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres).
Never touches the user's data dir. Prints each figure and its ratio to the target (< 1.00 is good).

    .venv/bin/python bench/bench_pipeline.py [--enterprises 100000] [--only sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

TARGETS = {
    "radar (office)": 0.200,
    "radar (one officer)": 0.200,
    "dashboard aggregates": 0.300,
    "report PDF": 5.0,
}
ON = date(2026, 11, 28)
POLICIES = ("hnte", "tech_sme", "zjtx_sme", "innovative_sme", "demo_unit_national", "talent_employer")
STAGES = ("recommended", "told", "preparing", "submitted", "reviewing", "approved", "rejected", "paid")
STREETS = (
    "定海路",
    "平凉路",
    "江浦路",
    "四平路",
    "控江路",
    "长白新村",
    "延吉新村",
    "殷行",
    "大桥",
    "五角场",
    "新江湾城",
    "长海路",
)
OUTCOMES = ("eligible", "likely", "near_miss", "needs_data", "ineligible", "ineligible", "held")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="huiqi-bench-") as tmp:
        os.environ["HUIQI_DATA_DIR"] = tmp  # the user's data dir is never opened
        if args.only != "postgresql":
            run("sqlite", f"sqlite:///{tmp}/bench.sqlite3", args.enterprises)
        if args.only != "sqlite":
            pg = os.environ.get("HUIQI_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
            with temp_pg(pg) as url:
                if url:
                    run("postgresql", url, args.enterprises)


def run(name: str, url: str, n: int) -> None:
    from crm import config, db

    os.environ["HUIQI_DATABASE_URL"] = url
    config.override_settings(config.load_settings())
    engine = db.get_engine()
    t0 = time.perf_counter()
    populate(engine, n)
    print(
        f"\n== {name}: {n:,} enterprises, {3 * n:,} applications, {3 * n:,} stored matches "
        f"(loaded in {time.perf_counter() - t0:.1f} s)"
    )
    try:
        measure_all()
    finally:
        db.dispose_engines()


def measure_all() -> None:
    from crm.services import dashboard, radar, report

    figures = {
        "radar (office)": timed(lambda: radar.radar(on=ON)),
        "radar (one officer)": timed(lambda: radar.radar(on=ON, officer_id=3)),
        "dashboard aggregates": timed(lambda: dashboard.dashboard(year=2026, on=ON)),
        "report PDF": timed(lambda: report.report_pdf(2026, on=ON), repeat=2),
    }
    office = radar.radar(on=ON)
    print("   radar totals: " + ", ".join(f"{s.key} {s.total:,}" for s in office.sections))
    for label, seconds in figures.items():
        target = TARGETS[label]
        verdict = "ok" if seconds < target else "SLOW"
        print(
            f"   {label:<22} {seconds * 1000:9.1f} ms   target {target * 1000:7.0f} ms   "
            f"ratio {seconds / target:5.2f}  {verdict}"
        )


def timed(fn: Callable[[], object], repeat: int = 5) -> float:
    fn()  # warm: caches, rule set, fonts
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


# --- data -------------------------------------------------------------------------------------------


def populate(engine: sa.Engine, n: int) -> None:
    """Bulk-load the synthetic office; matches go to the rule engine's own table (read through its adapter)."""
    from crm.models import Application, Credential, CycleWindow, Enterprise, MatchResult, Officer, Task

    rnd = random.Random(20261128)
    now = datetime.now(UTC)
    base = {"version": 1, "created_at": now, "updated_at": now}
    matches = MatchResult.__table__
    with engine.begin() as conn:
        conn.execute(
            sa.insert(Officer.__table__),
            [
                {
                    **base,
                    "username": f"officer{i}",
                    "display_name": f"专员{i}",
                    "role": "officer",
                    "active": True,
                }
                for i in range(1, 21)
            ],
        )
        insert(
            conn,
            Enterprise.__table__,
            (
                {
                    **base,
                    "name": f"上海体育企业{i:06d}有限公司",
                    "street": rnd.choice(STREETS),
                    "sports_division": f"{rnd.randint(1, 11):02d}",
                    "former_names": [],
                    "tags": [],
                    "owner_officer_id": rnd.randint(1, 20),
                }
                for i in range(n)
            ),
        )
        insert(conn, Application.__table__, applications(rnd, base, n))
        insert(
            conn,
            matches,
            (
                {
                    "enterprise_id": e,
                    "policy_id": p,
                    "outcome": rnd.choice(OUTCOMES),
                    "rank": 0,
                    "as_of": ON,
                    "rules_hash": "bench",
                    "computed_at": now,
                    "gaps": [],
                    "pending": [],
                    "to_collect": "近三年研发费用" if rnd.random() < 0.1 else None,
                }
                for e in range(1, n + 1)
                for p in rnd.sample(POLICIES, 3)
            ),
        )
        insert(
            conn,
            Credential.__table__,
            (
                {
                    **base,
                    "enterprise_id": rnd.randint(1, n),
                    "kind": "hnte",
                    "issued_on": ON - timedelta(days=rnd.randint(0, 3 * 365)),
                }
                for _ in range(n // 10)
            ),
        )
        insert(
            conn,
            Task.__table__,
            (
                {
                    **base,
                    "enterprise_id": rnd.randint(1, n),
                    "title": "回访",
                    "status": "open",
                    "due_date": ON + timedelta(days=rnd.randint(-30, 60)),
                    "assignee_id": rnd.randint(1, 20),
                }
                for _ in range(n // 2)
            ),
        )
        conn.execute(
            sa.insert(CycleWindow.__table__),
            [
                {
                    **base,
                    "policy_id": p,
                    "year": 2026,
                    "batch": "末批",
                    "opens": date(2026, 11, 1),
                    "closes": date(2026, 12, 8),
                    "lead_days": 5,
                }
                for p in ("hnte", "tech_sme", "zjtx_sme")
            ],
        )
    with engine.connect() as conn:
        conn.execute(sa.text("ANALYZE"))  # planner statistics, as crm.demo does after a load
        conn.commit()


def applications(rnd: random.Random, base: dict, n: int):
    for e in range(1, n + 1):
        for p in rnd.sample(POLICIES, 3):
            stage = rnd.choice(STAGES)
            since = ON - timedelta(days=rnd.randint(0, 400))
            decided = since if stage in ("approved", "rejected", "paid") else None
            yield {
                **base,
                "enterprise_id": e,
                "policy_id": p,
                "cycle": str(since.year),
                "stage": stage,
                "stage_since": since,
                "stage_dates": {stage: since.isoformat()},
                "owner_officer_id": rnd.randint(1, 20),
                "decided_on": decided,
                "amount_secured": rnd.randint(0, 500_000) if stage in ("approved", "paid") else None,
            }


def insert(conn: sa.Connection, table: sa.Table, rows, chunk: int = 20_000) -> None:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == chunk:
            conn.execute(sa.insert(table), batch)
            batch = []
    if batch:
        conn.execute(sa.insert(table), batch)


@contextmanager
def temp_pg(server_url: str) -> Iterator[str | None]:
    """A throw-away PostgreSQL database (None when the server does not answer)."""
    from crm import db

    with ExitStack() as stack:
        try:
            url: str | None = stack.enter_context(db.scratch_database(server_url, prefix="huiqi_bench"))
        except sa.exc.OperationalError as exc:
            print(f"\n== postgresql: skipped, server not reachable ({exc.__class__.__name__})")
            url = None
        yield url


if __name__ == "__main__":
    main()
