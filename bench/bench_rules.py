"""Rule-engine benchmark: one enterprise with full traces, a 100,000-enterprise re-match, and zen-engine.

Run: ``.venv/bin/python bench/bench_rules.py [--rows 100000] [--zen-rows N]``. Prints figures and ratios.
Baselines: zen-engine (GoRules JDM) evaluating the HNTE conditions per record, on the same profiles,
with the outcomes checked identical to ours; and our own engine on the same table with bounds and values
off (no partly known facts, no value estimates), to show what intervals and values cost.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date
from itertools import pairwise
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crm.facts import CATALOGUE, derive  # noqa: E402
from crm.facts.profile import aggregate, load_profile  # noqa: E402
from crm.rules import evaluate_all, evaluate_batch, load_dir, verdict_dict  # noqa: E402
from crm.rules.model import MET, NOT_MET, OUTCOMES, UNKNOWN  # noqa: E402

ON = date(2025, 6, 1)


def main() -> None:
    args = _args()
    ruleset, errors = load_dir(ROOT / "policy_rules")
    assert not errors, errors
    print(f"machine: {os.cpu_count()} cores; rules {ruleset.hash}, {len(ruleset.policies)} policies\n")
    one = bench_one(ruleset)
    cols, settled = random_table(args.rows, seed=7)
    plain = {k: v for k, v in cols.items() if not k.endswith((".low", ".high"))}
    baseline = _best(lambda: evaluate_batch(ruleset.policies, plain, ON, settled=settled, values=False))
    baseline_cpu = _best(
        lambda: evaluate_batch(ruleset.policies, plain, ON, settled=settled, values=False), time.process_time
    )
    all_cpu = _best(lambda: evaluate_batch(ruleset.policies, cols, ON, settled=settled), time.process_time)
    batch_all, batch_hnte, _ = bench_batch(ruleset, cols, settled)
    print_table(
        args.rows, one, (batch_all, all_cpu), batch_hnte, (baseline, baseline_cpu), len(ruleset.policies)
    )
    if args.zen_rows:  # zen-engine knows no intervals: compare on the table without them
        plain_hnte = evaluate_batch(ruleset.policies, plain, ON, settled=settled)["hnte"].outcome
        bench_zen(ruleset, plain, settled, plain_hnte, args.zen_rows, batch_hnte * args.zen_rows / args.rows)


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--zen-rows", type=int, default=100_000, help="0 skips zen-engine")
    return parser.parse_args()


# --- one enterprise -----------------------------------------------------------------------------------


def bench_one(ruleset) -> dict[str, float]:
    """Median ms: derive facts, evaluate all policies with traces, and also render the JSON verdicts."""
    agg = aggregate(load_profile(ROOT / "policy_rules" / "examples" / "profile.yaml"))
    facts = derive(agg, ON)
    timings = {
        "derive": _median_ms(lambda: derive(agg, ON)),
        "evaluate": _median_ms(lambda: evaluate_all(ruleset.policies, facts, ON)),
        "evaluate+json": _median_ms(
            lambda: [verdict_dict(v) for v in evaluate_all(ruleset.policies, facts, ON)]
        ),
    }
    return timings


def _median_ms(fn, repeat: int = 400) -> float:
    for _ in range(20):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


# --- 100,000 enterprises --------------------------------------------------------------------------------


def random_table(n: int, seed: int) -> tuple[dict[str, np.ndarray], dict[str, dict[str, np.ndarray]]]:
    """Random fact columns (continuous values, ~10% unknown) and random settlements of HNTE's expert conditions."""
    rng = np.random.default_rng(seed)
    cols = {name: _random_column(rng, fact.type, name, n) for name, fact in CATALOGUE.items()}
    for name in PARTLY_KNOWN:  # ~10 % of the rows know these sums and counts only as an interval
        cols |= _bounds(rng, name, cols[name])
    codes = rng.choice(np.array([UNKNOWN, MET, NOT_MET], dtype=np.int8), size=(2, n), p=[0.6, 0.3, 0.1])
    return cols, {"hnte": {"domain_review": codes[0], "innovation_score": codes[1]}}


def _random_column(rng: np.random.Generator, kind: str, name: str, n: int) -> np.ndarray:
    unknown = rng.random(n) < 0.1
    if kind == "code":
        values = rng.choice(np.array(["electronic_info", "esports", "none", "01"], dtype=object), n)
        values[unknown] = ""
        return values
    generators = {
        "money": lambda: rng.lognormal(16.5, 1.5, n),
        "ratio": lambda: rng.uniform(0, 0.1 if name.startswith("rd_ratio") else 1.0, n),
        "count": lambda: rng.poisson(3, n).astype(float),
        "years": lambda: rng.uniform(0, 12, n),
        "number": lambda: rng.uniform(0, 100, n),
        "bool": lambda: (rng.random(n) < 0.8).astype(float),
        "date": lambda: ON.toordinal() + rng.integers(-800, 900, n).astype(float),
    }
    values = generators[kind]()
    if name.startswith("holds_") or name.endswith("_valid_until"):
        unknown |= rng.random(n) < 0.8  # most enterprises hold nothing
    if name.endswith("_listed") or name.startswith(("major_", "serious_", "research_")):
        values = (rng.random(n) < 0.03).astype(float)
    values[unknown] = np.nan
    return values


PARTLY_KNOWN = (
    "rd_ratio_3y",
    "rd_domestic_share_3y",
    "equity_financing_2y",
    "rd_expense_avg_2y",
    "core_ip_count",
)


def _bounds(rng: np.random.Generator, name: str, values: np.ndarray) -> dict[str, np.ndarray]:
    """Interval columns: some rows' exact value replaced by [value × 0.5..1, ∞ or value × 1..2]."""
    n = len(values)
    partial = ~np.isnan(values) & (rng.random(n) < 0.1)
    low = np.where(partial, values * rng.uniform(0.5, 1.0, n), values)
    high = np.where(partial, np.where(rng.random(n) < 0.5, np.inf, values * rng.uniform(1.0, 2.0, n)), values)
    values[partial] = np.nan
    return {f"{name}.low": low, f"{name}.high": high}


def bench_batch(ruleset, cols, settled) -> tuple[float, float, np.ndarray]:
    """Best of 3 wall-clock seconds: all policies, and HNTE alone; HNTE outcome codes for the comparison."""
    hnte = (ruleset.get("hnte"),)
    all_s = _best(lambda: evaluate_batch(ruleset.policies, cols, ON, settled=settled))
    hnte_s = _best(lambda: evaluate_batch(hnte, cols, ON, settled=settled))
    result = evaluate_batch(ruleset.policies, cols, ON, settled=settled)
    counts = {
        OUTCOMES[k]: int(v)
        for k, v in zip(*np.unique(result["hnte"].outcome, return_counts=True), strict=True)
    }
    print(f"HNTE outcomes over the random table: {counts}")
    return all_s, hnte_s, result["hnte"].outcome


def _best(fn, clock=time.perf_counter, repeat: int = 3) -> float:
    """Best of ``repeat`` runs on ``clock``: wall time, or process CPU time (numpy runs on one core here, so
    CPU time is what the run takes on an idle core when other work shares the machine)."""
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        fn()
        best = min(best, clock() - start)
    return best


def print_table(
    rows: int,
    one: dict[str, float],
    batch_all: tuple[float, float],
    batch_hnte: float,
    baseline: tuple[float, float],
    policies: int,
) -> None:
    """The figures; re-match rows give wall time and, in brackets, CPU time (the target applies to it)."""
    print("\n| measurement | figure | target |")
    print("|---|---|---|")
    print(f"| one enterprise, facts derived from records | {one['derive']:.3f} ms | – |")
    print(
        f"| one enterprise, all {policies} policies with full traces and values | {one['evaluate']:.3f} ms | < 1 ms |"
    )
    print(f"| ... plus the JSON verdict documents | {one['evaluate+json']:.3f} ms | – |")
    print(
        f"| re-match {rows:,} enterprises x {policies} policies (outcome, gaps, to-collect, bounds, values) "
        f"| {batch_all[0]:.3f} s (CPU {batch_all[1]:.3f} s) | < 0.3 s |"
    )
    print(
        f"| the same without bounds and values (baseline) | {baseline[0]:.3f} s (CPU {baseline[1]:.3f} s) | – |"
    )
    print(
        f"| ratio with / without bounds and values | {batch_all[0] / baseline[0]:.2f}x "
        f"(CPU {batch_all[1] / baseline[1]:.2f}x) | – |"
    )
    print(f"| re-match {rows:,} enterprises, HNTE only | {batch_hnte:.3f} s | – |")


# --- zen-engine baseline ------------------------------------------------------------------------------


def bench_zen(ruleset, cols, settled, ours: np.ndarray, n: int, ours_hnte_s: float) -> None:
    """HNTE as a zen-engine decision, evaluated per record; outcomes must equal ours."""
    import zen

    decision = zen.ZenEngine().create_decision(json.dumps(hnte_jdm(ruleset.get("hnte"))))
    records = zen_records(cols, settled, n)
    start = time.perf_counter()
    theirs = [decision.evaluate(r)["result"]["outcome"] for r in records]
    zen_s = time.perf_counter() - start
    # the JDM computes the three-valued outcome; ours splits an open verdict into likely / needs_data
    mismatches = sum(_open(OUTCOMES[int(o)]) != t for o, t in zip(ours[:n], theirs, strict=True))
    print(f"| zen-engine HNTE per record, {n:,} records | {zen_s:.2f} s ({n / zen_s:,.0f} records/s) | – |")
    print(f"| ours, HNTE batch on the same records | {ours_hnte_s * 1000:.1f} ms | – |")
    print(f"| ratio zen / ours (HNTE) | {zen_s / ours_hnte_s:,.0f}x | ≥ 100x |")
    print(f"\noutcome mismatches between zen-engine and ours: {mismatches} of {n:,}")


def _open(outcome: str) -> str:
    return "likely" if outcome == "needs_data" else outcome


ZEN_FACTS = (
    "years_since_registration",
    "resident_enterprise",
    "core_ip_count",
    "hnte_domain",
    "tech_staff_ratio",
    "rd_ratio_3y",
    "sales_revenue_last_year",
    "rd_domestic_share_3y",
    "hightech_income_share",
    "class1_ip_count",
    "class2_ip_unused_count",
    "net_asset_growth_3y",
    "sales_growth_3y",
    "major_accident_last_year",
    "hnte_valid_until",
)


def zen_records(cols, settled, n: int) -> list[dict]:
    """The same rows as plain JSON records (booleans as true/false, unknown as null)."""
    out = []
    for i in range(n):
        rec = {}
        for name in ZEN_FACTS:
            v = cols[name][i]
            kind = CATALOGUE[name].type
            if kind == "code":
                rec[name] = v or None
            elif np.isnan(v):
                rec[name] = None
            else:
                rec[name] = bool(v) if kind == "bool" else float(v)
        for cid, codes in settled["hnte"].items():
            rec[cid] = {MET: True, NOT_MET: False}.get(int(codes[i]))
        rec["on"] = float(ON.toordinal())
        out.append(rec)
    return out


def _status(value: str, test: str) -> str:
    return f"({value}) == null ? 1 : (({test}) ? 2 : 0)"


def _ge(fact: str, threshold: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """Status and near-miss flag of ``fact >= threshold`` (relative tolerance 0.2); zen cannot read a key
    computed in the same node, so the flag goes into the next stage."""
    return (
        (f"s_{fact}", f"({fact} == null or ({threshold}) == null) ? 1 : ({fact} >= ({threshold}) ? 2 : 0)"),
        (f"n_{fact}", f"s_{fact} == 0 and (({threshold}) - {fact}) <= 0.2 * ({threshold})"),
    )


def _band(fact: str, bands: list[tuple[float, float, float]], unknown: tuple[float, float], side: int) -> str:
    expr = "0"
    for x, lo, hi in reversed(bands):
        expr = f"({fact} >= {x} ? {(lo, hi)[side]} : {expr})"
    return f"({fact} == null ? {unknown[side]} : {expr})"


def hnte_jdm(policy) -> dict:
    """The HNTE policy written by hand as a zen-engine JDM graph (two expression nodes)."""
    growth = [(0.35, 9, 10), (0.25, 7, 8), (0.15, 5, 6), (0.05, 3, 4)]

    def growth_pts(fact: str, side: int) -> str:
        inner = _band(fact, growth, (0, 10), side)
        return f"({fact} != null and {fact} < 0.05 and {fact} > 0 ? {(1, 2)[side]} : {inner})"

    c1 = [(1, 7, 8)]
    c2 = [(5, 5, 6), (3, 3, 4), (1, 1, 2)]
    low = (
        f"max([{_band('class1_ip_count', c1, (0, 8), 0)}, {_band('class2_ip_unused_count', c2, (0, 6), 0)}])"
        f" + {growth_pts('net_asset_growth_3y', 0)} + {growth_pts('sales_growth_3y', 0)}"
    )
    high = (
        f"max([{_band('class1_ip_count', c1, (0, 8), 1)}, {_band('class2_ip_unused_count', c2, (0, 6), 1)}])"
        f" + 72 + {growth_pts('net_asset_growth_3y', 1)} + {growth_pts('sales_growth_3y', 1)}"
    )
    rd_thr = (
        "sales_revenue_last_year == null ? null : (sales_revenue_last_year <= 50000000 ? 0.05 : "
        "(sales_revenue_last_year <= 200000000 ? 0.04 : 0.03))"
    )
    numeric = [
        _ge("years_since_registration", "1"),
        _ge("core_ip_count", "1"),
        _ge("tech_staff_ratio", "0.1"),
        _ge("rd_domestic_share_3y", "0.6"),
        _ge("hightech_income_share", "0.6"),
        _ge("rd_ratio_3y", rd_thr),
    ]
    first = [
        *(status for status, _ in numeric),
        ("s_resident", _status("resident_enterprise", "resident_enterprise == true")),
        ("s_domain", _status("hnte_domain", "hnte_domain != 'none'")),
        ("s_review", _status("domain_review", "domain_review == true")),
        ("s_accident", _status("major_accident_last_year", "major_accident_last_year == false")),
        ("lo", low),
        ("hi", high),
    ]
    second = [*(near for _, near in numeric), ("s_score0", "lo > 70 ? 2 : (hi > 70 ? 1 : 0)")]
    third = [
        ("s_score", "s_score0 == 1 and innovation_score != null ? (innovation_score ? 2 : 0) : s_score0"),
        ("n_score", "s_score0 == 0 and (70 - hi) <= 14"),
    ]
    numeric = [
        "years_since_registration",
        "core_ip_count",
        "tech_staff_ratio",
        "rd_domestic_share_3y",
        "hightech_income_share",
        "rd_ratio_3y",
    ]
    plain = ["s_resident", "s_domain", "s_review", "s_accident"]
    root = "min([" + ", ".join([f"s_{f}" for f in numeric] + plain + ["s_score"]) + "])"
    forced = (
        "min(["
        + ", ".join([f"(n_{f} ? 2 : s_{f})" for f in numeric] + plain + ["(n_score ? 2 : s_score)"])
        + "])"
    )
    fourth = [
        (
            "outcome",
            f"(hnte_valid_until != null and hnte_valid_until >= on) ? 'held' : ({root} == 2 ? 'eligible' : "
            f"({root} == 1 ? 'likely' : ({forced} != 0 ? 'near_miss' : 'ineligible')))",
        ),
    ]
    return _graph([first, second, third, fourth])


def _graph(stages: list[list[tuple[str, str]]]) -> dict:
    nodes = [{"id": "in", "type": "inputNode", "name": "input", "position": {"x": 0, "y": 0}}]
    for i, exprs in enumerate(stages):
        content = {
            "expressions": [{"id": f"{i}-{k}", "key": k, "value": v} for k, v in exprs],
            "passThrough": i < len(stages) - 1,
        }
        nodes.append(
            {
                "id": f"e{i}",
                "type": "expressionNode",
                "name": f"stage{i}",
                "position": {"x": 0, "y": 0},
                "content": content,
            }
        )
    nodes.append({"id": "out", "type": "outputNode", "name": "output", "position": {"x": 0, "y": 0}})
    ids = [n["id"] for n in nodes]
    edges = [
        {"id": f"x{i}", "sourceId": a, "targetId": b, "type": "edge"}
        for i, (a, b) in enumerate(pairwise(ids))
    ]
    return {"nodes": nodes, "edges": edges}


if __name__ == "__main__":
    main()
