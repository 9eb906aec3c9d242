"""Data requests end to end on the demo data: make ~300 workbooks, fill them, import them back, accept.

    .venv/bin/python bench/bench_requests.py [--count 340] [--baseline 40]

Prints the machine load; then, as wall-clock and CPU time (CPU time is much less disturbed by other
processes on a shared machine):
- make: ``make_requests`` for every enterprise with a needs_data or likely verdict (bulk-loaded aggregates,
  one signed workbook each, the DataRequest rows, the zip), against the baseline of the obvious loop
  (``matching.match`` per enterprise, then the same workbook), timed on ``--baseline`` enterprises and
  scaled per workbook;
- import: ``review_returns`` over the folder of filled files (read within limits, match, validate, diff),
  against the baseline of reading the same files with ``openpyxl.load_workbook`` alone (no validation);
- accept: writing every change (one transaction per enterprise) and re-matching those enterprises;
- the needs_data / likely counts of those enterprises before and after.
Targets (issue): make 300 ≤ 15 s; import 300 ≤ 30 s.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import load_workbook

from crm import config


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    """(result, wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=340, help="demo enterprises")
    parser.add_argument("--baseline", type=int, default=40, help="enterprises the baselines are timed on")
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="huiqi-bench-requests-") as tmp:
        config.override_settings(config.load_settings({"HUIQI_DATA_DIR": tmp, "HUIQI_OFFICER": "bench"}))
        try:
            run(Path(tmp), args.count, args.baseline)
        finally:
            config.override_settings(None)


def run(tmp: Path, count: int, baseline: int) -> None:
    from crm.demo import load_demo
    from crm.services import matching, returns
    from crm.services import requests as rq

    load_demo(count=count)
    matching.rematch_all()
    ids = rq.select_enterprises(outcomes=("needs_data", "likely"))
    before = _outcomes(ids)

    made, wall, cpu = timed(rq.make_requests, ids, tmp / "out")
    n = len(made.made)
    base_wall, base_cpu = _baseline_make(ids[:baseline], tmp / "baseline")
    print(f"\nmake: {n} workbooks ({len(made.skipped)} enterprises with nothing to ask)")
    print(
        f"  ours      {wall:6.2f} s wall, {cpu:6.2f} s CPU  -> per 300: {300 * wall / n:5.2f} s wall (target ≤ 15 s)"
    )
    print(
        f"  baseline  {base_wall * 300:6.2f} s wall, {base_cpu * 300:6.2f} s CPU per 300 "
        f"(match one by one; timed on {baseline})  ratio {base_wall * n / wall:.2f}× wall, {base_cpu * n / cpu:.2f}× CPU"
    )

    _fill_all(made.made)
    files = returns.read_folder(made.folder)
    review, wall, cpu = timed(returns.review_returns, files)
    changes = sum(len(f.changes) for f in review.files)
    read_wall, read_cpu = _baseline_read(files[:baseline])
    print(
        f"\nimport: {len(files)} files, {changes} changes, {sum(len(f.errors) for f in review.files)} cell errors"
    )
    print(
        f"  ours      {wall:6.2f} s wall, {cpu:6.2f} s CPU  -> per 300: {300 * wall / len(files):5.2f} s wall (target ≤ 30 s)"
    )
    print(
        f"  baseline  openpyxl.load_workbook only: {read_wall * 300:6.2f} s wall, {read_cpu * 300:6.2f} s CPU per 300"
        f"  ratio {read_wall * len(files) / wall:.2f}× wall, {read_cpu * len(files) / cpu:.2f}× CPU"
    )

    applied, wall, cpu = timed(returns.accept, review)
    print(
        f"\naccept: {sum(applied.written.values())} values for {len(applied.written)} enterprises, re-matched"
    )
    print(f"  {wall:6.2f} s wall, {cpu:6.2f} s CPU")

    after = _outcomes(ids)
    print(f"\nverdicts of the {len(ids)} enterprises asked   before   after")
    for outcome in ("eligible", "likely", "near_miss", "needs_data", "held", "ineligible"):
        print(f"  {outcome:<12} {before[outcome]:>34} {after[outcome]:>7}")


def _outcomes(ids: list[int]) -> Counter[str]:
    from crm.services import matching

    return Counter(r["outcome"] for i in ids for r in matching.stored_results(i))


def _baseline_make(ids: list[int], folder: Path) -> tuple[float, float]:
    """Per-workbook time of the obvious loop: one ``matching.match`` per enterprise, then the workbook."""
    from crm.config import request_key
    from crm.intake.request_book import write_book
    from crm.services import matching
    from crm.services import requests as rq

    folder.mkdir()
    on, key, contact = date.today(), request_key(), {"name": "bench", "contact": ""}
    wall, cpu = time.perf_counter(), time.process_time()
    made = 0
    for eid in ids:
        report = matching.match(eid, on=on, store=False)
        book = rq._book(eid, report.aggregate, report.verdicts, on, on + timedelta(days=14), contact)
        if book is not None:
            (folder / f"{eid}.xlsx").write_bytes(write_book(book, key))
            made += 1
    return (time.perf_counter() - wall) / made, (time.process_time() - cpu) / made


def _baseline_read(files: list[tuple[str, bytes]]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for _name, data in files:
        wb = load_workbook(io.BytesIO(data))
        for ws in wb.worksheets:
            list(ws.iter_rows(values_only=True))
    return (time.perf_counter() - wall) / len(files), (time.process_time() - cpu) / len(files)


def _fill_all(made: list) -> None:  # type: ignore[type-arg]
    """Every input cell as an enterprise would fill it (money in 万元, one typo every 25 files)."""
    from crm.records.fields import spec

    for i, m in enumerate(made):
        wb = load_workbook(m.path)
        ws = wb["请填写"]
        for row in ws.iter_rows(min_row=4):
            key, unit = row[8].value, row[3].value
            if not key:
                continue
            field = key.split("@")[0]
            value = {
                "万元": "150万" if i % 3 else 150,
                "人": 10 if field == "tech_staff" else 40,
                "年": 6,
            }.get(unit)
            if unit == "是/否":
                value = "否"
            elif unit == "日期":
                value = "2019-03-05"
            elif unit == "选择":
                value = next(iter((spec("enterprise", field).choices or {}).values()))[0]
            if field == "rd_expense_domestic":
                value = 50
            row[4].value = "不清楚" if i % 25 == 0 and unit == "万元" else value
        wb.save(m.path)


if __name__ == "__main__":
    main()
