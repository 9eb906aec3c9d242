"""Evaluating every policy over a columnar fact table at once (numpy). Agrees exactly with ``evaluate``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from crm.domain import LIKELY_MAX_UNKNOWN_FACTS
from crm.facts.bounds import high_key, low_key
from crm.rules.arrays import (
    any_nan,
    band_span,
    band_values,
    combine,
    interval_statuses,
    limit,
    nearest_ends,
    number,
    numeric_met,
    outcome_codes,
    shortfalls,
    statuses,
    unknown_mask,
)
from crm.rules.logic import reaches
from crm.rules.model import (
    ELIGIBLE,
    HELD,
    LIKELY,
    MET,
    NEEDS_DATA,
    NOT_MET,
    OUTCOMES,
    UNKNOWN,
    Bands,
    Compare,
    Component,
    Const,
    Group,
    Manual,
    Node,
    Param,
    Policy,
    Relation,
    Score,
)
from crm.rules.value import estimate_batch

Columns = Mapping[str, np.ndarray]


@dataclass
class BatchVerdicts:
    """One policy over all rows: outcome codes, gaps by condition, facts to collect, pending reviews."""

    policy: Policy
    outcome: np.ndarray
    gaps: dict[str, np.ndarray] = field(default_factory=dict)  # condition -> shortfall, NaN = no gap
    near: dict[str, np.ndarray] = field(default_factory=dict)
    to_collect: dict[str, np.ndarray] = field(default_factory=dict)  # fact -> row needs it
    pending: dict[str, np.ndarray] = field(default_factory=dict)
    held_until: np.ndarray | None = None
    value_low: np.ndarray | None = None  # estimated benefit, CNY (NaN: unbounded or unknown); None: no value
    value_high: np.ndarray | None = None

    def outcome_names(self) -> np.ndarray:
        return np.array(OUTCOMES, dtype=object)[self.outcome]

    def row(self, i: int) -> dict[str, Any]:
        """Row ``i`` as plain data (the shape the property test compares with the one-enterprise path)."""
        return {
            "outcome": OUTCOMES[int(self.outcome[i])],
            "gaps": {c: float(a[i]) for c, a in self.gaps.items() if not np.isnan(a[i])},
            "near": sorted(c for c, a in self.near.items() if a[i]),
            "to_collect": sorted(f for f, a in self.to_collect.items() if a[i]),
            "pending": sorted(c for c, a in self.pending.items() if a[i]),
            "value": None
            if self.value_low is None or self.value_high is None
            else (number(self.value_low[i]), number(self.value_high[i])),
        }


def evaluate_batch(
    policies: Iterable[Policy],
    cols: Columns,
    on: date,
    *,
    settled: Mapping[str, Mapping[str, np.ndarray]] | None = None,
    max_unknown: int = LIKELY_MAX_UNKNOWN_FACTS,
    values: bool = True,
) -> dict[str, BatchVerdicts]:
    """Every policy over every row; ``settled[policy][condition]`` holds MET/NOT_MET/UNKNOWN codes per row.

    ``values=False`` skips the value estimates (the benchmark's baseline)."""
    n = len(next(iter(cols.values())))
    outcomes: dict[str, np.ndarray] = {}
    result = {}
    for policy in policies:
        run = _Run(cols, n, on, (settled or {}).get(policy.id, {}), outcomes, max_unknown, values)
        verdicts = run.policy(policy)
        outcomes[policy.id] = verdicts.outcome
        result[policy.id] = verdicts
    return result


@dataclass
class _Leaf:
    node: Node
    status: np.ndarray
    shortfall: np.ndarray | None = None
    near: np.ndarray | None = None
    missing: list[tuple[str, np.ndarray]] = field(default_factory=list)
    review: np.ndarray | None = None
    waits: np.ndarray | None = None  # a relation whose policy needs data


class _Run:
    def __init__(
        self,
        cols: Columns,
        n: int,
        on: date,
        settled: Mapping[str, np.ndarray],
        outcomes: Mapping[str, np.ndarray],
        max_unknown: int = LIKELY_MAX_UNKNOWN_FACTS,
        values: bool = True,
    ) -> None:
        self.cols, self.n, self.on, self.settled, self.outcomes = cols, n, on, settled, outcomes
        self.max_unknown, self.values = max_unknown, values
        self.status: dict[str, np.ndarray] = {}
        self.forced: dict[str, np.ndarray] = {}
        self.leaves: list[_Leaf] = []

    def policy(self, policy: Policy) -> BatchVerdicts:
        root = policy.criteria
        self.node(root)
        relevant = self._relevance(root, np.ones(self.n, dtype=bool), {})
        held_until, held = self._held(policy)
        outcome = outcome_codes(self.status[root.id], self.forced[root.id], held)
        verdicts = BatchVerdicts(policy, outcome, held_until=held_until)
        waits = np.zeros(self.n, bool)
        for leaf in self.leaves:
            self._collect(verdicts, leaf, relevant[leaf.node.id])
            if leaf.waits is not None:
                waits |= leaf.waits & relevant[leaf.node.id] & (leaf.status == UNKNOWN)
        unknown_facts = np.sum(list(verdicts.to_collect.values()), axis=0) if verdicts.to_collect else 0
        needs_data = (outcome == LIKELY) & ((unknown_facts > self.max_unknown) | waits)
        verdicts.outcome = np.where(needs_data, NEEDS_DATA, outcome).astype(np.int8)
        if policy.value is not None and self.values:
            verdicts.value_low, verdicts.value_high = estimate_batch(policy.value, self.cols, self.n)
        return verdicts

    def node(self, node: Node) -> None:
        if isinstance(node, Group):
            for child in node.children:
                self.node(child)
            self.status[node.id] = combine(node.op, node.n, [self.status[c.id] for c in node.children])
            self.forced[node.id] = combine(node.op, node.n, [self.forced[c.id] for c in node.children])
            return
        leaf = self.leaf(node)
        self.leaves.append(leaf)
        self.status[node.id] = leaf.status
        self.forced[node.id] = (
            np.where(leaf.near, MET, leaf.status).astype(np.int8) if leaf.near is not None else leaf.status
        )

    def leaf(self, node: Node) -> _Leaf:
        if isinstance(node, Compare):
            return self.compare(node)
        if isinstance(node, Score):
            return self.settle(node, self.score(node))
        if isinstance(node, Manual):
            return self.settle(
                node, _Leaf(node, np.full(self.n, UNKNOWN, np.int8), review=np.ones(self.n, bool))
            )
        if isinstance(node, Relation):
            target = self.outcomes.get(node.policy)
            waits = (target == NEEDS_DATA) if target is not None else None
            return _Leaf(node, self._relation(node), waits=waits)
        raise TypeError(node)

    def compare(self, node: Compare) -> _Leaf:
        value = self.cols[node.fact]
        if node.op in ("in", "not_in", "eq", "ne", "is"):
            return self._match(node, value)
        threshold, missing = self._threshold(node.threshold)
        if low_key(node.fact) in self.cols:  # some rows know the fact only as an interval
            low, high = self.cols[low_key(node.fact)], self.cols[high_key(node.fact)]
            status = interval_statuses(node.op, low, high, threshold)
            value = nearest_ends(node.op, low, high, threshold)
        else:
            status = statuses(
                unknown_mask(value) | any_nan(threshold), numeric_met(node.op, value, threshold)
            )
        leaf = _Leaf(node, status, missing=[(node.fact, unknown_mask(self.cols[node.fact])), *missing])
        if node.op in ("ge", "gt", "le", "lt", "between") and not node.negated:
            with np.errstate(invalid="ignore"):
                gap, bound = shortfalls(node.op, value, threshold)
                leaf.shortfall = np.where(status == NOT_MET, gap, np.nan)
                leaf.near = (status == NOT_MET) & (gap <= limit(node.tolerance, bound)) & (not node.hard)
        return leaf

    def _match(self, node: Compare, value: np.ndarray) -> _Leaf:
        unknown = unknown_mask(value)
        options = [node.threshold.value] if isinstance(node.threshold, Const) else list(node.threshold)
        if value.dtype != object:
            options = [float(o) for o in options]
        hit = np.isin(value, options)
        met = ~hit if node.op in ("ne", "not_in") else hit
        return _Leaf(node, statuses(unknown, met), missing=[(node.fact, unknown)])

    def _threshold(self, threshold: Any) -> tuple[Any, list[tuple[str, np.ndarray]]]:
        if isinstance(threshold, tuple):
            parts = [self._threshold(t) for t in threshold]
            return tuple(p[0] for p in parts), [m for p in parts for m in p[1]]
        if isinstance(threshold, (Const, Param)):
            value = threshold.value
            return float(value.toordinal()) if isinstance(value, date) else value, []
        by = self.cols[threshold.by]
        missing = [(threshold.by, np.isnan(by))]
        if low_key(threshold.by) not in self.cols:
            return np.where(np.isnan(by), np.nan, band_values(threshold, by)), missing
        low, high = self.cols[low_key(threshold.by)], self.cols[high_key(threshold.by)]
        chosen, other = band_values(threshold, low), band_values(threshold, high)
        known = ~np.isnan(low) & (chosen == other)  # both ends in one band
        return np.where(known, chosen, np.nan), missing

    def score(self, node: Score) -> _Leaf:
        low = np.zeros(self.n)
        high = np.zeros(self.n)
        missing: list[tuple[str, np.ndarray]] = []
        for comp in node.components:
            lo, hi, miss = self._component(comp)
            low, high = low + lo, high + hi
            missing.extend(miss)
        threshold = node.threshold.value if not isinstance(node.threshold, Bands) else np.nan
        clears = (lambda x: x >= threshold) if node.op == "ge" else (lambda x: x > threshold)
        status = np.where(clears(low), MET, np.where(clears(high), UNKNOWN, NOT_MET)).astype(np.int8)
        any_missing = np.zeros(self.n, bool)
        for _, mask in missing:
            any_missing |= mask
        leaf = _Leaf(node, status, missing=missing, review=(status == UNKNOWN) & ~any_missing & node.review)
        if not node.negated:
            gap = threshold - high
            leaf.shortfall = np.where(status == NOT_MET, gap, np.nan)
            leaf.near = (status == NOT_MET) & (gap <= node.tolerance.limit(threshold))
        return leaf

    def _component(self, comp: Component) -> tuple[np.ndarray, np.ndarray, list[tuple[str, np.ndarray]]]:
        if comp.judged is not None:
            return np.full(self.n, comp.judged[0]), np.full(self.n, comp.judged[1]), []
        if comp.best_of:
            parts = [self._component(c) for c in comp.best_of]
            low = np.maximum.reduce([p[0] for p in parts])
            high = np.maximum.reduce([p[1] for p in parts])
            return low, high, [m for p in parts for m in p[2]]
        fact = comp.fact or ""
        value, unknown = self.cols[fact], np.isnan(self.cols[fact])
        if low_key(fact) in self.cols:
            low, high = band_span(comp, self.cols[low_key(fact)], self.cols[high_key(fact)])
            return low, high, [(fact, unknown)]
        with np.errstate(invalid="ignore"):
            conds = [reaches(b.op, value, b.x) for b in comp.bands]
        low = np.select(conds, [b.lo for b in comp.bands], default=comp.otherwise[0])
        high = np.select(conds, [b.hi for b in comp.bands], default=comp.otherwise[1])
        low = np.where(unknown, min([b.lo for b in comp.bands] + [comp.otherwise[0]]), low)
        high = np.where(unknown, max([b.hi for b in comp.bands] + [comp.otherwise[1]]), high)
        return low, high, [(fact, unknown)]

    def settle(self, node: Node, leaf: _Leaf) -> _Leaf:
        decided = self.settled.get(node.id)
        if decided is None:
            return leaf
        apply = (leaf.status == UNKNOWN) & (decided != UNKNOWN)
        leaf.status = np.where(apply, decided, leaf.status).astype(np.int8)
        if leaf.review is not None:
            leaf.review = leaf.review & ~apply
        return leaf

    def _relation(self, node: Relation) -> np.ndarray:
        outcome = self.outcomes.get(node.policy)
        if outcome is None:
            return np.full(self.n, UNKNOWN, np.int8)
        if node.kind == "requires":
            met = (outcome == HELD) | (outcome == ELIGIBLE)
            open_ = (outcome == LIKELY) | (outcome == NEEDS_DATA)
            return np.where(met, MET, np.where(open_, UNKNOWN, NOT_MET)).astype(np.int8)
        return np.where(outcome == HELD, NOT_MET, MET).astype(np.int8)

    def _held(self, policy: Policy) -> tuple[np.ndarray | None, np.ndarray]:
        if policy.held is None:
            return None, np.zeros(self.n, bool)
        until = self.cols[policy.held.until]
        with np.errstate(invalid="ignore"):
            return until, until >= self.on.toordinal()

    def _relevance(
        self, node: Node, relevant: np.ndarray, out: dict[str, np.ndarray]
    ) -> dict[str, np.ndarray]:
        out[node.id] = relevant
        if isinstance(node, Group):
            decided = self.status[node.id] == MET if node.op in ("any", "n_of") else np.zeros(self.n, bool)
            for child in node.children:
                self._relevance(child, relevant & ~(decided & (self.status[child.id] != MET)), out)
        return out

    def _collect(self, verdicts: BatchVerdicts, leaf: _Leaf, relevant: np.ndarray) -> None:
        cid = leaf.node.id
        if leaf.shortfall is not None:
            verdicts.gaps[cid] = np.where(relevant, leaf.shortfall, np.nan)
            verdicts.near[cid] = relevant & leaf.near
        open_ = relevant & (leaf.status == UNKNOWN)
        for fact, mask in leaf.missing:
            hit = open_ & mask
            verdicts.to_collect[fact] = (
                verdicts.to_collect[fact] | hit if fact in verdicts.to_collect else hit
            )
        if leaf.review is not None:
            verdicts.pending[cid] = open_ & leaf.review
