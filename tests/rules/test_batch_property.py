"""The batch path and the one-enterprise path agree exactly, on random profiles with unknowns."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm.facts import CATALOGUE, Interval, columns
from crm.facts.bounds import INF
from crm.rules import evaluate_all, evaluate_batch, load_dir, load_policy
from crm.rules.model import MET, NOT_MET, UNKNOWN, Manual, Score, walk

LIBRARY = Path(__file__).resolve().parents[2] / "policy_rules"
_LIB = load_dir(LIBRARY)[0]
# the shipped policies plus a fixture that uses every operator (n_of, not, between, in, dates, relations)
RULESET = replace(
    _LIB, policies=_LIB.policies + (load_policy(Path(__file__).parent / "fixtures" / "everything.yaml"),)
)
ON = date(2025, 6, 1)
CODES = {
    "hnte_domain": ["electronic_info", "none"],
    "wenchuang_sector": ["esports", "design", "none"],
    "sports_division": ["01", "09"],
    "legal_form": ["llc", "branch"],
}
SETTLEABLE = [
    (p.id, n.id) for p in RULESET.policies for n in walk(p.criteria) if isinstance(n, (Manual, Score))
]


def _value(name: str) -> st.SearchStrategy:
    kind = CATALOGUE[name].type
    known = _known(name, kind)
    if kind in ("money", "ratio", "count", "years"):  # partly known: an interval, possibly open above
        bounds = st.tuples(known, known | st.just(INF)).map(lambda p: Interval(min(p), max(p)))
        return st.none() | known | bounds
    return st.none() | known


def _known(name: str, kind: str) -> st.SearchStrategy:
    return {
        "money": st.sampled_from([0.0, 9e5, 1e6, 4.5e6, 1.6e7, 2e7, 3e7, 5e7, 1.2e8, 2e8, 2.5e8]),
        "ratio": st.sampled_from([0.0, 0.02, 0.029, 0.03, 0.045, 0.05, 0.1, 0.25, 0.35, 0.6, 0.95]),
        "count": st.integers(0, 6) | st.sampled_from([450, 500, 900, 1200]),
        "years": st.sampled_from([0.5, 1.0, 1.9, 2.0, 2.5, 3.0, 8.0]),
        "number": st.floats(0, 100),
        "bool": st.booleans(),
        "code": st.sampled_from(CODES.get(name, ["x"])),
        "date": st.integers(-400, 900).map(lambda d: ON + timedelta(days=d)),
    }[kind]


ROW = st.fixed_dictionaries({name: _value(name) for name in CATALOGUE})
SETTLED = st.fixed_dictionaries({key: st.sampled_from([None, True, False]) for key in SETTLEABLE})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(ROW, SETTLED), min_size=1, max_size=6))
def test_batch_equals_one_enterprise_path(rows) -> None:
    facts_rows = [r[0] for r in rows]
    batch = evaluate_batch(
        RULESET.policies, columns(facts_rows), ON, settled=_settled_columns([r[1] for r in rows])
    )
    for i, (facts, settled) in enumerate(rows):
        for verdict in evaluate_all(RULESET.policies, facts, ON, settled=_settled_maps(settled)):
            assert batch[verdict.policy_id].row(i) == _plain(verdict), (verdict.policy_id, facts)


def test_the_property_test_can_fail() -> None:
    facts = {"tech_staff_ratio": 0.05}
    one = {v.policy_id: v for v in evaluate_all(RULESET.policies, facts, ON)}["hnte"]
    many = evaluate_batch(RULESET.policies, columns([{"tech_staff_ratio": 0.06}]), ON)["hnte"].row(0)
    assert many != _plain(one)


def _plain(verdict) -> dict:
    return {
        "outcome": verdict.outcome,
        "gaps": {g.condition: float(g.shortfall) for g in verdict.gaps},
        "near": sorted(g.condition for g in verdict.gaps if g.near),
        "to_collect": sorted(verdict.to_collect),
        "pending": sorted(verdict.pending),
        "value": None if verdict.value is None else (verdict.value.low, verdict.value.high),
    }


def _settled_maps(settled: dict) -> dict:
    out: dict = {}
    for (policy, cid), value in settled.items():
        if value is not None:
            out.setdefault(policy, {})[cid] = value
    return out


def _settled_columns(rows: list[dict]) -> dict:
    out: dict = {}
    code = {None: UNKNOWN, True: MET, False: NOT_MET}
    for policy, cid in SETTLEABLE:
        out.setdefault(policy, {})[cid] = np.array([code[r[(policy, cid)]] for r in rows], dtype=np.int8)
    return out
