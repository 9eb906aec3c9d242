"""Service packs, second edition against the first (commit 55d200f), end to end on the demo enterprises.

    git worktree add /tmp/pack-base 55d200f          # the first edition, its own code (removed afterwards)
    nice -n 10 .venv/bin/python bench/bench_packs_edition.py [--every 4] [--batch 60] [--base-batch 30]

Both editions load the 320 demo enterprises into their own throw-away data dirs (same seed, same
enterprises). For every demo enterprise this edition makes the pack the way an officer does (``make_pack``:
match, render, file, PackRecord) and records its wall and CPU time, pages and size; for every ``--every``-th
one the first edition, in its own process with its own code and database, makes the same enterprise's pack
right after ours (interleaved, so load changes on the shared machine hit both alike). Then a batch on the
2-process pool of each edition (``make_packs``) gives the time per pack on both cores, extrapolated to 1,000.
Prints medians, maxima, the ratios, and the targets beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ON = date(2026, 12, 2)

# Runs inside the first edition's process: make packs for the ids read on stdin, one JSON line each.
WORKER = r"""
import json, sys, time
from datetime import date
from crm import config
from crm.demo import load_demo
from crm.services import packs
config.override_settings(config.load_settings())
load_demo(320)
on = date.fromisoformat(sys.argv[1])
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    request = json.loads(line)
    if "batch" in request:
        ids = request["batch"]
        packs.make_packs(ids[:2], __import__("pathlib").Path(request["out"]) / "warm", workers=2, make_zip=False, on=on)
        start = time.perf_counter()
        result = packs.make_packs(ids, __import__("pathlib").Path(request["out"]) / "out", workers=2, on=on)
        print(json.dumps({"elapsed": time.perf_counter() - start, "made": len(result.made)}), flush=True)
        packs.shutdown_workers()
        continue
    wall, cpu = time.perf_counter(), time.process_time()
    made = packs.make_pack(request["id"], on=on)
    print(json.dumps({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                      "pages": made.record.pages, "size": len(made.pdf), "name": made.record.enterprise_id}),
          flush=True)
"""


def main() -> None:
    args = _args()
    print(f"load at start: {_load()}")
    base = FirstEdition(args.baseline)
    ours = _ours(Path(tempfile.mkdtemp(prefix="huiqi-bench-ed2-")))
    from crm.services import packs

    ids = packs.select_enterprises()
    mine: dict[int, dict] = {}
    theirs: dict[int, dict] = {}
    _one(ids[0], packs)  # warm both: imports, templates, fonts
    base.ask({"id": ids[0]})
    for n, enterprise_id in enumerate(ids):
        mine[enterprise_id] = _one(enterprise_id, packs)
        if n % args.every == 0:
            theirs[enterprise_id] = base.ask({"id": enterprise_id})
    _report(mine, theirs)
    if args.batch:
        per_ours = _batch_ours(ids[: args.batch], ours)
        reply = base.ask(
            {"batch": ids[: args.base_batch], "out": tempfile.mkdtemp(prefix="huiqi-bench-ed1-")}
        )
        per_base = reply["elapsed"] / args.base_batch
        print(
            f"batch on 2 processes (make_packs): this edition {args.batch} packs, {per_ours:.3f} s/pack -> "
            f"1,000 packs EXTRAPOLATED {per_ours * 1000 / 60:.1f} min (target <= 6 min); first edition "
            f"{args.base_batch} packs, {per_base:.3f} s/pack -> {per_base * 1000 / 60:.1f} min; "
            f"ratio {per_base / per_ours:.2f}x"
        )
    base.close()
    print(f"load at end: {_load()}")


class FirstEdition:
    """The first edition in its own process, with its own code and demo database."""

    def __init__(self, folder: Path) -> None:
        if not (folder / "crm" / "packs").is_dir():
            sys.exit(f"no first edition at {folder}: run `git worktree add {folder} 55d200f` first")
        data = Path(tempfile.mkdtemp(prefix="huiqi-bench-ed1-data-"))
        env = {**os.environ, "PYTHONPATH": str(folder), "HUIQI_DATA_DIR": str(data)}
        env.pop("HUIQI_DATABASE_URL", None)
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER, ON.isoformat()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=folder,
        )
        self._read()

    def ask(self, request: dict) -> dict:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return self._read()

    def _read(self) -> dict:
        assert self.process.stdout is not None
        while True:
            line = self.process.stdout.readline()
            if not line:
                sys.exit("the first edition's process ended")
            if line.startswith("{"):
                return json.loads(line)

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


def _ours(folder: Path) -> Path:
    os.environ["HUIQI_DATA_DIR"] = str(folder / "data")
    os.environ.pop("HUIQI_DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    from crm import config
    from crm.demo import load_demo

    config.override_settings(config.load_settings())
    load_demo(320)
    return folder


def _one(enterprise_id: int, packs: object) -> dict:
    wall, cpu = time.perf_counter(), time.process_time()
    made = packs.make_pack(enterprise_id, on=ON)  # type: ignore[attr-defined]
    return {
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "pages": made.record.pages,
        "size": len(made.pdf),
    }


def _report(mine: dict[int, dict], theirs: dict[int, dict]) -> None:
    def med(rows: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    ours_all = list(mine.values())
    pages = [r["pages"] for r in ours_all]
    sizes = [r["size"] / 1024 for r in ours_all]
    print(
        f"this edition, all {len(ours_all)} demo packs: median {statistics.median(pages):g} pages "
        f"(max {max(pages)}; target median <= 6, max <= 12), median {statistics.median(sizes):.0f} KB "
        f"(max {max(sizes):.0f} KB; target <= 300 KB), median end-to-end wall {med(ours_all, 'wall'):.3f} s, "
        f"CPU {med(ours_all, 'cpu'):.3f} s (target <= 0.7 s)"
    )
    common = [i for i in theirs if i in mine]
    a = [mine[i] for i in common]
    b = [theirs[i] for i in common]
    print(
        f"same {len(common)} enterprises, interleaved: first edition median {med(b, 'pages'):g} pages "
        f"(max {max(r['pages'] for r in b)}), {statistics.median(r['size'] for r in b) / 1024:.0f} KB, "
        f"wall {med(b, 'wall'):.3f} s, CPU {med(b, 'cpu'):.3f} s; this edition {med(a, 'pages'):g} pages, "
        f"wall {med(a, 'wall'):.3f} s, CPU {med(a, 'cpu'):.3f} s"
    )
    print(
        f"ratio first/second edition per pack: wall {med(b, 'wall') / med(a, 'wall'):.2f}x, "
        f"CPU {med(b, 'cpu') / med(a, 'cpu'):.2f}x (target >= 3x)"
    )


def _batch_ours(ids: list[int], folder: Path) -> float:
    from crm.services import packs

    packs.make_packs(ids[:2], folder / "warm", workers=2, make_zip=False, on=ON)  # start the kept pool
    start = time.perf_counter()
    result = packs.make_packs(ids, folder / "out", workers=2, on=ON)
    elapsed = time.perf_counter() - start
    packs.shutdown_workers()
    assert not result.failed, result.failed
    return elapsed / len(ids)


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--baseline", type=Path, default=Path("/tmp/pack-base"), help="first edition worktree"
    )
    parser.add_argument("--every", type=int, default=4, help="the first edition makes every n-th pack")
    parser.add_argument("--batch", type=int, default=60, help="packs in this edition's 2-process batch")
    parser.add_argument("--base-batch", type=int, default=30, help="packs in the first edition's batch")
    return parser.parse_args()


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min) on {os.cpu_count()} CPUs"


if __name__ == "__main__":
    main()
