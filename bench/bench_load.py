"""Load bench: N simulated officers for T seconds against PostgreSQL through crm.services.

Each officer (a thread acting as its own signed-in principal) loops: reads (one enterprise, a list
page) and edits (read, then save on the version read), a share of the edits aimed at a few "hot"
enterprises everyone touches. Checks at the end:

* zero lost updates: for every enterprise, the acknowledged saves got consecutive versions, the
  final version is 1 + their number, the final value is the last acknowledged one, and the audit
  trail lists exactly the acknowledged values in order; every other save was told ConflictError;
* zero server errors (any exception other than ConflictError).

Prints p50/p95 latencies. Usage: python bench/bench_load.py [--officers 20] [--seconds 60]
PostgreSQL from HUIQI_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres);
a temporary database is created and dropped.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from crm import config, db

ENTERPRISES, HOT, HOT_SHARE = 200, 5, 0.3


@dataclass
class Log:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    acks: dict[int, list[tuple[int, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )  # id -> (version, value)
    counts: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def officer(n: int, ids: list[int], deadline: float, log: Log) -> None:
    from crm.services import enterprises as svc
    from crm.services.auth import Principal, acting_as

    rnd = random.Random(n)
    with acting_as(Principal(f"officer{n:02d}", "officer", f"专员{n:02d}")):
        while time.monotonic() < deadline:
            op = rnd.random()
            target = rnd.choice(ids[:HOT]) if rnd.random() < HOT_SHARE else rnd.choice(ids)
            try:
                if op < 0.3:
                    _timed(log, "read_one", svc.get_enterprise, target)
                elif op < 0.5:
                    query = svc.EnterpriseQuery(
                        page=rnd.randint(1, 8), sort=rnd.choice(["name", "updated_at"])
                    )
                    _timed(log, "list_page", svc.list_enterprises, query)
                else:
                    _edit(svc, target, f"o{n:02d}-{uuid.uuid4().hex[:8]}", log)
            except Exception as exc:  # noqa: BLE001 - the bench counts every unexpected failure
                with log.lock:
                    log.errors.append(f"{type(exc).__name__}: {exc}")


def _edit(svc: object, target: int, value: str, log: Log) -> None:
    from crm.services.enterprises import ConflictError

    start = time.perf_counter()
    current = svc.get_enterprise(target)  # type: ignore[attr-defined]
    time.sleep(random.random() * 0.01)  # an officer types: others may save meanwhile
    try:
        saved = svc.update_enterprise(target, current.version, {"notes": value})  # type: ignore[attr-defined]
    except ConflictError:
        with log.lock:
            log.counts["conflict"] += 1
            log.latencies["edit"].append(time.perf_counter() - start)
        return
    with log.lock:
        log.counts["saved"] += 1
        log.acks[target].append((saved.version, value))
        log.latencies["edit"].append(time.perf_counter() - start)


def _timed(log: Log, name: str, call: object, arg: object) -> None:
    start = time.perf_counter()
    call(arg)  # type: ignore[operator]
    with log.lock:
        log.latencies[name].append(time.perf_counter() - start)
        log.counts[name] += 1


def verify(ids: list[int], log: Log) -> list[str]:
    """Every acknowledged save is in the final state and the audit trail; nothing else is."""
    from crm.services import enterprises as svc

    problems = []
    for eid in ids:
        acks = sorted(log.acks.get(eid, []))
        final = svc.get_enterprise(eid)
        versions = [v for v, _ in acks]
        if versions != list(range(2, 2 + len(acks))):
            problems.append(f"#{eid}: acknowledged versions {versions} are not consecutive from 2")
        if final.version != 1 + len(acks):
            problems.append(f"#{eid}: final version {final.version}, expected {1 + len(acks)}")
        if acks and final.notes != acks[-1][1]:
            problems.append(f"#{eid}: final notes {final.notes!r}, last acknowledged {acks[-1][1]!r}")
        trail = [e.new for e in reversed(svc.history(eid)) if e.field == "notes" and e.action == "update"]
        if trail != [value for _, value in acks]:
            problems.append(
                f"#{eid}: audit trail has {len(trail)} note changes, {len(acks)} were acknowledged"
            )
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    server = os.environ.get("HUIQI_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    with db.scratch_database(server, prefix="huiqi_bench") as url:
        return run(url, args.officers, args.seconds)


def run(url: str, officers: int, seconds: float) -> int:
    from crm.services import enterprises as svc
    from crm.services.auth import Principal, acting_as

    settings = config.load_settings({"HUIQI_DATABASE_URL": url, "HUIQI_DATA_DIR": tempfile.mkdtemp()})
    config.override_settings(replace(settings, mode="server", storage_secret="bench-only-secret"))
    with acting_as(Principal("seed", "admin")):
        ids = [svc.create_enterprise({"name": f"上海压测体育{i:03d}有限公司"}).id for i in range(ENTERPRISES)]
    log = Log()
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=officer, args=(n, ids, deadline, log)) for n in range(officers)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    problems = verify(ids, log)
    _report(officers, elapsed, log, problems)
    return 1 if problems or log.errors else 0


def _report(officers: int, elapsed: float, log: Log, problems: list[str]) -> None:
    total = sum(len(v) for v in log.latencies.values())
    print(f"load bench: {officers} officers, {elapsed:.0f} s, PostgreSQL, through crm.services")
    print(
        f"  operations {total} ({total / elapsed:.0f}/s); saves acknowledged {log.counts['saved']}, "
        f"conflicts reported to the loser {log.counts['conflict']}"
    )
    for name, values in sorted(log.latencies.items()):
        values = sorted(values)
        p95 = values[int(0.95 * (len(values) - 1))] if values else 0.0
        print(
            f"  {name:<10} n={len(values):<6} p50={statistics.median(values) * 1000:7.1f} ms  "
            f"p95={p95 * 1000:7.1f} ms"
        )
    print(f"  lost updates: {len(problems)}   server errors: {len(log.errors)}")
    for line in (problems + log.errors)[:10]:
        print("   ", line)


if __name__ == "__main__":
    sys.exit(main())
