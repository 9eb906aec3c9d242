"""Intake benchmarks: search p95, whole-database duplicate scan, 10,000-row import against 100,000.

Baseline in the same run: rapidfuzz ``process.extract(query, all_raw_names, scorer=WRatio)``.
Usage: python bench/bench_intake.py [--existing 100000] [--rows 10000] [--queries 400]
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook
from rapidfuzz import fuzz, process
from stdnum.cn import uscc as stdnum_uscc

from crm.intake.dedupe import scan
from crm.intake.pinyin import to_pinyin
from crm.intake.search import Record, SearchIndex

CHARS = (
    "力动跃奔腾星辰远航飞翔华美佳宏泰盛鑫源恒达凯瑞祥和博雅新锐卓越启明天行健乐途悦享众诚"
    "聚智德信锦程瀚海东方青云长风金鹰银河龙腾虎跃蓝鲸白鹭紫竹红枫翠柏松柳梅兰菊桂晨曦朝阳"
    "星河皓月"
)
TRADES = (
    "体育",
    "体育科技",
    "体育发展",
    "健身",
    "健身管理",
    "运动",
    "体育文化",
    "赛事运营",
    "体育用品",
    "篮球俱乐部",
    "足球俱乐部",
    "网球培训",
    "游泳",
    "文化传媒",
    "电竞",
    "户外运动",
    "冰雪运动",
)
FORMS = ("有限公司", "有限责任公司", "股份有限公司", "体育发展有限公司")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def make_names(n: int, rng: random.Random) -> list[str]:
    """Deterministic synthetic enterprise names, about 1% of them near-duplicates of another."""
    names: list[str] = []
    for i in range(n):
        if i > 100 and rng.random() < 0.01:
            base = names[rng.randrange(len(names))]
            names.append(
                base.replace("上海", "", 1) + "（上海）" if base.startswith("上海") else "上海" + base
            )
            continue
        brand = "".join(rng.choice(CHARS) for _ in range(rng.choice((2, 2, 3, 4))))
        city = rng.choice(("上海", "上海", "上海", "杨浦", ""))
        names.append(f"{city}{brand}{rng.choice(TRADES)}{rng.choice(FORMS)}")
    return names


def make_uscc(i: int) -> str:
    body = f"91310110MA{i:07d}"[:17]
    return body + stdnum_uscc.calc_check_digit(body)


def records(names: list[str], rng: random.Random) -> list[Record]:
    return [
        Record(
            i + 1,
            n,
            make_uscc(i),
            (),
            (rng.choice(SURNAMES) + rng.choice(CHARS),),
            (f"13{rng.randrange(10**9):09d}",),
        )
        for i, n in enumerate(names)
    ]


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 20 else max(samples)


def queries(recs: list[Record], rng: random.Random, count: int) -> list[str]:
    out = []
    for _ in range(count):
        r = rng.choice(recs)
        kind = rng.randrange(6)
        if kind == 0:
            out.append(to_pinyin(r.name)[1][: rng.choice((3, 4, 5))])  # initials, as typed
        elif kind == 1:
            out.append(r.name[: rng.choice((2, 4, 6))])  # typing the name
        elif kind == 2:
            i = rng.randrange(2, len(r.name) - 2)
            out.append(r.name[:i] + rng.choice(CHARS) + r.name[i + 1 :])  # a typo
        elif kind == 3:
            out.append((r.uscc or "")[:10])
        elif kind == 4:
            out.append(r.phones[0][-8:])
        else:
            out.append(to_pinyin(r.name)[0][: rng.choice((6, 10))])
    return out


def bench_search(recs: list[Record], rng: random.Random, count: int) -> None:
    t = time.perf_counter()
    index = SearchIndex(recs)
    print(f"search index build ({len(recs):,} enterprises): {time.perf_counter() - t:.1f} s")
    qs = queries(recs, rng, count)
    ours = []
    for q in qs:
        t = time.perf_counter()
        index.search(q, 10)
        ours.append((time.perf_counter() - t) * 1000)
    raw = [r.name for r in recs]
    base = []
    for q in qs[:30]:
        t = time.perf_counter()
        process.extract(q, raw, scorer=fuzz.WRatio, limit=10)
        base.append((time.perf_counter() - t) * 1000)
    print(f"search p95: {p95(ours):.1f} ms (median {statistics.median(ours):.1f} ms, {len(ours)} queries)")
    print(f"baseline process.extract WRatio over all names p95: {p95(base):.0f} ms (30 queries)")
    print(f"ratio baseline/ours (p95): {p95(base) / p95(ours):.0f}x   target < 30 ms")


def bench_scan(names: list[str]) -> None:
    t = time.perf_counter()
    pairs = scan(names, [None] * len(names))
    print(
        f"whole-database duplicate scan ({len(names):,}): {time.perf_counter() - t:.1f} s, "
        f"{len(pairs):,} suspected pairs   target < 60 s"
    )


def bench_import(names: list[str], rows: int, rng: random.Random) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        from crm import config

        config.override_settings(config.load_settings({"HUIQI_DATA_DIR": tmp, "HUIQI_OFFICER": "bench"}))
        _seed(names)
        data = _import_file(names, rows, rng)
        from crm.db import session_scope
        from crm.intake.commit import commit_import
        from crm.intake.importer import plan_import
        from crm.services import intake

        t0 = time.perf_counter()
        table = intake.read_file(data, "bench.xlsx")
        t1 = time.perf_counter()
        with session_scope() as session:  # what intake.run_import does, timed in two halves
            preview = plan_import(table, intake.suggest_mapping(table), session=session)
            t2 = time.perf_counter()
            result = commit_import(preview, session=session, actor="bench", mode="valid-only")
        t3 = time.perf_counter()
        c = preview.counts()
        print(
            f"import {rows:,} rows vs {len(names):,} existing: read {t1 - t0:.1f} s, validate+match+dedupe "
            f"{t2 - t1:.1f} s, write+commit {t3 - t2:.1f} s, total {t3 - t0:.1f} s   target < 20 s"
        )
        print(
            f"  created {len(result.created):,}, updated {len(result.updated):,}, rejected "
            f"{len(result.rejected):,}, suspected duplicates {c['suspected']:,}"
        )
        config.override_settings(None)


def _seed(names: list[str]) -> None:
    """Existing enterprises written in bulk (setup only, not timed, not audited)."""
    from crm.db import get_engine
    from crm.models import Enterprise

    engine = get_engine()
    rows = [
        {"name": n, "uscc": make_uscc(i), "former_names": [], "tags": [], "version": 1}
        for i, n in enumerate(names)
    ]
    with engine.begin() as conn:
        for k in range(0, len(rows), 5000):
            conn.execute(Enterprise.__table__.insert(), rows[k : k + 5000])  # type: ignore[attr-defined]


def _import_file(names: list[str], rows: int, rng: random.Random) -> bytes:
    """An officer-style file: 10% updates of existing (by USCC), 5% near-duplicates, 2% bad rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(
        [
            "企业名称",
            "统一社会信用代码",
            "成立日期",
            "注册资本(万元)",
            "所属街道",
            "2023年营业收入(万元)",
            "2023年从业人员",
            "联系人",
            "联系电话",
        ]
    )
    fresh = make_names(rows, random.Random(7))
    for i in range(rows):
        roll = rng.random()
        if roll < 0.10:
            k = rng.randrange(len(names))
            name, code = names[k], make_uscc(k)
        elif roll < 0.15:
            name, code = "上海" + names[rng.randrange(len(names))].replace("上海", ""), None
        else:
            name, code = fresh[i] + f"{i}", make_uscc(len(names) + i)
        date = "2019/3/5" if roll > 0.02 else "2019-02-30"
        ws.append(
            [
                name,
                code,
                date,
                rng.randrange(10, 5000),
                "五角场",
                round(rng.random() * 3000, 2),
                rng.randrange(3, 300),
                rng.choice(SURNAMES) + "先生",
                f"13{rng.randrange(10**9):09d}",
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--existing", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--only-import", action="store_true")
    args = parser.parse_args()
    rng = random.Random(20240601)
    names = make_names(args.existing, rng)
    recs = records(names, rng)
    if not args.only_import:
        bench_search(recs, rng, args.queries)
        bench_scan(names)
    if not args.skip_import:
        bench_import(names, args.rows, rng)


if __name__ == "__main__":
    main()
