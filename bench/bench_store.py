"""Bench the enterprise list and detail on 100,000 enterprises, SQLite and PostgreSQL.

Targets (issue #2): generate the data set < 60 s; first list page, filtered and sorted, < 150 ms;
an enterprise's detail (aggregate + history) < 100 ms. Prints p50/p95 and ratios to the targets.

    python bench/bench_store.py [--count 100000] [--runs 30] [--pg URL | --no-pg]

Uses its own temporary data dir and databases (huiqi_bench_*, dropped afterwards).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from bench.datagen import TAGS, populate
from crm import config, db, domain, store
from crm.db import session_scope
from crm.models import Interaction, Task

LIST_TARGET, DETAIL_TARGET, GENERATE_TARGET = 0.150, 0.100, 60.0
DEFAULT_PG = os.environ.get("HUIQI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@dataclass
class Row:
    database: str
    case: str
    target: float
    p50: float
    p95: float
    cpu: float  # p50 CPU time of this process (SQLite runs in it; PostgreSQL's server work is not in it)

    def line(self) -> str:
        ratio = self.p95 / self.target
        verdict = "ok" if ratio <= 1 else "MISSED"
        return (
            f"{self.database:<11}{self.case:<46}{self.p50 * 1000:>9.1f}{self.p95 * 1000:>9.1f}"
            f"{self.cpu * 1000:>9.1f}{self.target * 1000:>9.0f}{ratio:>8.2f}  {verdict}"
        )


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    tmp = Path(tempfile.mkdtemp(prefix="huiqi_bench_"))
    os.environ["HUIQI_DATA_DIR"] = str(tmp)  # never the user's data dir
    rows: list[Row] = []
    try:
        rows += bench_database("SQLite", f"sqlite:///{tmp / 'bench.sqlite3'}", args)
        if args.pg:
            rows += _on_fresh_postgres(args.pg, lambda url: bench_database("PostgreSQL", url, args))
    finally:
        db.dispose_engines()
        shutil.rmtree(tmp, ignore_errors=True)
    _print(rows, args)
    return 0 if all(r.p95 <= r.target for r in rows) else 1


def bench_database(label: str, url: str, args: argparse.Namespace) -> list[Row]:
    """Migrate, populate and time the list and detail cases on one database."""
    os.environ["HUIQI_DATABASE_URL"] = url
    config.override_settings(config.load_settings())
    db.dispose_engines()
    engine = db.get_engine()
    counts = populate(engine, args.count)
    print(
        f"{label}: generated {counts['enterprise']:,} enterprises, {counts['fiscalyear']:,} fiscal years, "
        f"{sum(v for k, v in counts.items() if 'seconds' not in k):,} rows in {counts['seconds']:.1f} s "
        f"(load average {_load()})",
        flush=True,
    )
    out = [
        Row(
            label,
            "generate data set (s, one run)",
            GENERATE_TARGET,
            counts["seconds"],
            counts["seconds"],
            counts["cpu_seconds"],
        )
    ]
    if engine.dialect.name == "sqlite":  # what the app sees today: SQLite keeps no statistics by itself
        out += _time_cases(f"{label} -", args)
    with engine.begin() as conn:  # PostgreSQL's autovacuum does this on its own after a bulk load
        conn.exec_driver_sql("ANALYZE")
    out += _time_cases(f"{label} +A" if engine.dialect.name == "sqlite" else label, args)
    db.dispose_engines()
    return out


def _time_cases(label: str, args: argparse.Namespace) -> list[Row]:
    rng = random.Random(42)
    out = []
    for name, make_query in LIST_CASES.items():
        out.append(
            _timed(label, f"list: {name}", LIST_TARGET, args.runs, lambda mq=make_query: _list(mq(rng)))
        )
    out.append(
        _timed(
            label,
            "detail: aggregate + history + log + tasks",
            DETAIL_TARGET,
            args.runs,
            lambda: _detail(rng.randint(1, args.count)),
        )
    )
    return out


LIST_CASES: dict[str, Callable[[random.Random], store.EnterpriseQuery]] = {
    "street + division, by name": lambda r: store.EnterpriseQuery(
        streets=(r.choice(domain.STREETS),), divisions=(r.choice(list(domain.SPORTS_DIVISIONS)),)
    ),
    "division, by registration date desc": lambda r: store.EnterpriseQuery(
        divisions=(r.choice(list(domain.SPORTS_DIVISIONS)),), sort="registration_date", descending=True
    ),
    "street + tag, by name": lambda r: store.EnterpriseQuery(
        streets=(r.choice(domain.STREETS),), tags=(r.choice(TAGS),)
    ),
    "tag only, by name": lambda r: store.EnterpriseQuery(tags=(r.choice(TAGS),)),
    "quick search (name), by name": lambda r: store.EnterpriseQuery(
        search=r.choice(("体育科技", "健身", "赛事"))
    ),
    "no filter, by name": lambda r: store.EnterpriseQuery(),
}


def _list(query: store.EnterpriseQuery) -> None:
    with session_scope() as s:
        page = store.list_enterprises(session=s, query=query)
        assert page.total >= len(page.rows)


def _detail(enterprise_id: int) -> None:
    """What the detail page reads: the aggregate, its history, interaction log and tasks."""
    with session_scope() as s:
        aggregate = store.load_aggregate(session=s, enterprise_id=enterprise_id)
        assert aggregate.fiscal_years
        store.history(session=s, enterprise_id=enterprise_id)
        store.children(session=s, model=Interaction, enterprise_id=enterprise_id)
        store.children(session=s, model=Task, enterprise_id=enterprise_id)


def _timed(label: str, case: str, target: float, runs: int, fn: Callable[[], None]) -> Row:
    for _ in range(3):  # warm-up: connection pool, statement caches, page cache
        fn()
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    times.sort()
    return Row(
        label,
        case,
        target,
        statistics.median(times),
        times[min(len(times) - 1, int(0.95 * len(times)))],
        statistics.median(cpu),
    )


def _on_fresh_postgres(server: str, run: Callable[[str], list[Row]]) -> list[Row]:
    with ExitStack() as stack:
        try:
            url = stack.enter_context(db.scratch_database(server, prefix="huiqi_bench"))
        except Exception as exc:  # noqa: BLE001 - the PostgreSQL half is optional
            print(f"PostgreSQL skipped: {exc.__class__.__name__}: {exc}".splitlines()[0])
            return []
        return run(url)


def _print(rows: list[Row], args: argparse.Namespace) -> None:
    print(
        f"\n{args.count:,} enterprises x 3 fiscal years; {args.runs} timed runs per case (after 3 warm-up); "
        "SQLite - : no planner statistics, SQLite +A: after ANALYZE"
    )
    print(
        f"{os.cpu_count()} CPUs; load average {_load()} at the end (other work on the machine slows every figure)"
    )
    print(f"{'database':<11}{'case':<46}{'p50 ms':>9}{'p95 ms':>9}{'cpu ms':>9}{'target':>9}{'p95/t':>8}")
    for row in rows:
        print(
            row.line()
            if "generate" not in row.case
            else f"{row.database:<11}{row.case:<46}{row.p50:>9.1f}{'':>9}{row.cpu:>9.1f}{row.target:>9.0f}"
            f"{row.p50 / row.target:>8.2f}  {'ok' if row.p50 <= row.target else 'MISSED'}"
        )


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--pg", default=DEFAULT_PG, help="PostgreSQL server URL (a database is created on it)"
    )
    parser.add_argument("--no-pg", dest="pg", action="store_const", const=None)
    return parser.parse_args(argv)


if __name__ == "__main__":
    raise SystemExit(main())
