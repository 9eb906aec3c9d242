"""End-to-end re-match at district scale, SQLite and PostgreSQL: ``huiqi rematch`` against the engine alone.

100,000 enterprises from ``bench.datagen`` (with 300,000 applications, generated once by ``bench.bigdata``
and reused). For each database it times, in one run:

* engine only: ``evaluate_batch`` over the fact columns already in memory (the limit);
* the first re-match into an empty verdict table (every verdict written);
* a re-match with nothing changed (nothing may be written);
* a re-match after 1,000 enterprises' last-year figures changed (only their changed verdicts written);
* 政策 counts (every policy's outcome counts) and one policy's first page of enterprises per outcome.

Prints each figure, its target and the ratio; the "before" column is the issue's measurement of the old path
(``rematch_all`` loading ORM aggregates and rewriting every verdict: 67.6 s first, 92.7 s second, SQLite).

    python bench/bench_rematch.py [--dir /tmp/huiqi-bigdata] [--pg URL | --no-pg] [--count 100000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from bench import bigdata

ON = date(2026, 11, 28)
BEFORE = {"first re-match": 67.6, "re-match, nothing changed": 92.7}
TARGETS = {"sqlite": 3.0, "postgresql": 5.0}
DEFAULT_PG = os.environ.get("HUIQI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def bench(label: str, url: str) -> list[tuple[str, str, float, str]]:
    from crm.db import session_scope
    from crm.rules import evaluate_batch, loader
    from crm.services import matching, rematch

    engine = bigdata.use(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM matchdiff")
        conn.exec_driver_sql("DELETE FROM matchresult")
    policies = loader.current().in_force(ON)
    with session_scope() as session:
        ids, cols = rematch.fact_table(session, ON)
    engine_only = min(_timed(lambda: evaluate_batch(policies, cols, ON)) for _ in range(3))
    out = [(label, "engine only (evaluate_batch, in memory)", engine_only, f"{len(ids):,} enterprises")]
    target = TARGETS[label]
    for case in ("first re-match", "re-match, nothing changed", "re-match, 1,000 enterprises edited"):
        if case.endswith("edited"):
            _edit(engine, 1_000)
        summary = matching.rematch_all(on=ON)
        parts = " ".join(f"{k} {v:.2f}" for k, v in summary.timings.items())
        note = f"written {summary.written:,}, unchanged {summary.unchanged:,}; {parts}"
        out.append((label, case, summary.seconds, note))
        ratio = summary.seconds / engine_only
        print(
            f"{label:<11}{case:<40}{summary.seconds:8.2f} s  {ratio:6.1f}x engine  target {target:.0f} s  {note}",
            flush=True,
        )
    out += _pages(label)
    return out


def _pages(label: str) -> list[tuple[str, str, float, str]]:
    from crm.services import matching

    first = min(
        _timed(lambda: [matching.outcome_totals(p.id) for p in matching.policies(ON)]) for _ in range(3)
    )
    page = min(_timed(lambda: matching.outcome_page("hnte", "ineligible", page=0)) for _ in range(3))
    return [
        (label, "政策 list: every policy's outcome counts", first, "server side"),
        (label, "policy page: counts + first 50 of an outcome", page, "server side"),
    ]


def _edit(engine: sa.Engine, n: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE fiscalyear SET sales_revenue = sales_revenue / 3 + 1 "
                "WHERE year = :year AND enterprise_id IN (SELECT id FROM enterprise ORDER BY id LIMIT :n)"
            ),
            {"year": ON.year - 1, "n": n},
        )


def _timed(fn) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dir", type=Path, default=bigdata.DEFAULT_DIR)
    parser.add_argument("--pg", default=DEFAULT_PG)
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()
    rows = bench("sqlite", bigdata.sqlite_url(args.dir, args.count))
    if not args.no_pg:
        rows += bench("postgresql", bigdata.pg_url(args.pg, args.count))
    print("\n| database | case | seconds | before | note |\n|---|---|---|---|---|")
    for label, case, seconds, note in rows:
        before = BEFORE.get(case) if label == "sqlite" else None
        print(f"| {label} | {case} | {seconds:.2f} | {'' if before is None else before} | {note} |")


if __name__ == "__main__":
    main()
