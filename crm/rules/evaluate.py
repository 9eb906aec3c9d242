"""Evaluating policies for one enterprise: three-valued trace tree, gaps, facts to collect, outcome."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from crm.domain import LIKELY_MAX_UNKNOWN_FACTS
from crm.rules.model import (
    ELIGIBLE,
    HELD,
    INELIGIBLE,
    LIKELY,
    MET,
    NEAR_MISS,
    NEEDS_DATA,
    NOT_MET,
    OUTCOMES,
    STATUS_NAMES,
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
    Settlement,
)
from crm.rules.rank import rank

Facts = Mapping[str, Any]


@dataclass
class Trace:
    """One evaluated condition: status, the value against the threshold, the gap, what is missing."""

    node: Node
    status: int
    value: Any = None
    threshold: Any = None
    shortfall: float | None = None
    near: bool = False
    missing: tuple[str, ...] = ()
    review: bool = False  # waiting for an officer (manual condition, uncertain score)
    settled: Settlement | None = None
    forced: int = 0  # status with every near miss counted as met
    relevant: bool = True
    children: list[Trace] = field(default_factory=list)

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status]


@dataclass(frozen=True)
class Gap:
    condition: str
    label: str
    fact: str | None
    value: Any
    threshold: Any
    shortfall: float
    unit: str
    near: bool


@dataclass
class Verdict:
    """A policy's outcome for one enterprise on one date, with the reasons."""

    policy: Policy
    on: date
    outcome: str
    trace: Trace
    gaps: list[Gap]
    to_collect: list[str]
    pending: list[str]  # manual conditions waiting for an officer
    held_until: date | None = None
    reapply_from: date | None = None
    rank: int = 0

    @property
    def policy_id(self) -> str:
        return self.policy.id

    @property
    def failing(self) -> list[str]:
        return [g.condition for g in self.gaps] + [
            t.node.id
            for t in _leaves(self.trace)
            if t.relevant and t.status == NOT_MET and t.shortfall is None and not t.node.negated
        ]


def evaluate(
    policy: Policy,
    facts: Facts,
    on: date,
    *,
    settled: Mapping[str, bool | Settlement] | None = None,
    outcomes: Mapping[str, str] | None = None,
    max_unknown: int = LIKELY_MAX_UNKNOWN_FACTS,
) -> Verdict:
    """One policy for one enterprise's facts; ``settled`` by condition id, ``outcomes`` of related policies.

    An open verdict is ``likely`` while at most ``max_unknown`` unknown facts decide it, else ``needs_data``
    (also when it waits on a related policy that itself needs data).
    """
    ctx = _Context(facts, on, settled or {}, outcomes or {})
    trace = ctx.node(policy.criteria)
    _mark_relevance(trace, True)
    held_until, reapply_from = _held(policy, facts, on)
    open_leaves = [t for t in _leaves(trace) if t.relevant and t.status == UNKNOWN]
    to_collect = list(dict.fromkeys(f for t in open_leaves for f in t.missing))
    waits = any(
        isinstance(t.node, Relation) and ctx.outcomes.get(t.node.policy) == "needs_data" for t in open_leaves
    )
    code = outcome_code(trace.status, trace.forced, held_until is not None)
    if code == LIKELY and (len(to_collect) > max_unknown or waits):
        code = NEEDS_DATA
    gaps = [_gap(t) for t in _leaves(trace) if t.relevant and t.shortfall is not None]
    pending = [t.node.id for t in open_leaves if t.review]
    return Verdict(policy, on, OUTCOMES[code], trace, gaps, to_collect, pending, held_until, reapply_from)


def evaluate_all(
    policies: Iterable[Policy],
    facts: Facts,
    on: date,
    *,
    settled: Mapping[str, Mapping[str, bool | Settlement]] | None = None,
    max_unknown: int = LIKELY_MAX_UNKNOWN_FACTS,
) -> list[Verdict]:
    """Every policy (in rule-set order, so relations see their targets), ranked best first."""
    outcomes: dict[str, str] = {}
    verdicts = []
    for policy in policies:
        verdict = evaluate(
            policy,
            facts,
            on,
            settled=(settled or {}).get(policy.id),
            outcomes=outcomes,
            max_unknown=max_unknown,
        )
        outcomes[policy.id] = verdict.outcome
        verdicts.append(verdict)
    return rank(verdicts)


def outcome_code(status: int, forced: int, held: bool) -> int:
    """The outcome from the root status and the root status with near misses forgiven (an open verdict is
    ``LIKELY`` here; ``evaluate`` tells ``NEEDS_DATA`` apart by counting the unknown facts)."""
    if held:
        return HELD
    if status == MET:
        return ELIGIBLE
    if status == UNKNOWN:
        return LIKELY
    return NEAR_MISS if forced != NOT_MET else INELIGIBLE


# --- the evaluator --------------------------------------------------------------------------------------


class _Context:
    def __init__(
        self, facts: Facts, on: date, settled: Mapping[str, Any], outcomes: Mapping[str, str]
    ) -> None:
        self.facts, self.on, self.settled, self.outcomes = facts, on, settled, outcomes

    def node(self, node: Node) -> Trace:
        if isinstance(node, Group):
            return self.group(node)
        if isinstance(node, Compare):
            trace = self.compare(node)
        elif isinstance(node, Score):
            trace = self.settle(node, self.score(node))
        elif isinstance(node, Manual):
            trace = self.settle(node, Trace(node, UNKNOWN, review=True))
        elif isinstance(node, Relation):
            trace = Trace(
                node,
                relation_status(node.kind, self.outcomes.get(node.policy)),
                value=self.outcomes.get(node.policy),
            )
        else:
            raise TypeError(node)
        trace.forced = MET if trace.near else trace.status
        return trace

    def group(self, node: Group) -> Trace:
        children = [self.node(c) for c in node.children]
        status = combine(node.op, node.n, [c.status for c in children])
        forced = combine(node.op, node.n, [c.forced for c in children])
        return Trace(node, status, children=children, forced=forced)

    def compare(self, node: Compare) -> Trace:
        value = self.facts.get(node.fact)
        threshold, missing = _resolve(node.threshold, self.facts)
        missing = ((node.fact,) if value is None else ()) + missing
        if missing or (node.op in ("in", "not_in", "eq", "ne") and value is None):
            return Trace(node, UNKNOWN, value, threshold, missing=missing)
        met = compare_values(node.op, value, threshold)
        trace = Trace(node, MET if met else NOT_MET, value, threshold)
        if not met and node.op in ("ge", "gt", "le", "lt", "between") and not node.negated:
            trace.shortfall, bound = shortfall(node.op, value, threshold)
            trace.near = not node.hard and trace.shortfall <= node.tolerance.limit(bound)
        return trace

    def score(self, node: Score) -> Trace:
        ranges = [component_range(c, self.facts) for c in node.components]
        low, high = sum(r[0] for r in ranges), sum(r[1] for r in ranges)
        missing = tuple(dict.fromkeys(f for r in ranges for f in r[2]))
        threshold, _ = _resolve(node.threshold, self.facts)
        status = score_status(node.op, low, high, threshold)
        trace = Trace(node, status, low if low == high else [low, high], threshold, missing=missing)
        trace.review = node.review and status == UNKNOWN and not missing
        if status == NOT_MET and not node.negated:
            trace.shortfall = threshold - high
            trace.near = trace.shortfall <= node.tolerance.limit(threshold)
        return trace

    def settle(self, node: Node, trace: Trace) -> Trace:
        decision = self.settled.get(node.id)
        if decision is None or trace.status != UNKNOWN:
            return trace
        settlement = decision if isinstance(decision, Settlement) else Settlement(bool(decision))
        return Trace(
            node, MET if settlement.met else NOT_MET, trace.value, trace.threshold, settled=settlement
        )


def combine(op: str, n: int, statuses: list[int]) -> int:
    """Kleene combination: all = min, any = max, not = 2 - x, n_of counts met and unknown."""
    if op == "all":
        return min(statuses)
    if op == "any":
        return max(statuses)
    if op == "not":
        return MET - statuses[0]
    met, unknown = statuses.count(MET), statuses.count(UNKNOWN)
    return MET if met >= n else NOT_MET if met + unknown < n else UNKNOWN


def relation_status(kind: str, outcome: str | None) -> int:
    """requires X: met when X is held/eligible, unknown while X is open (likely or needs data), else not met;
    excludes X: not met when X is held, else met."""
    if outcome is None:
        return UNKNOWN
    if kind == "requires":
        return (
            MET
            if outcome in ("held", "eligible")
            else UNKNOWN
            if outcome in ("likely", "needs_data")
            else NOT_MET
        )
    return NOT_MET if outcome == "held" else MET


def compare_values(op: str, value: Any, threshold: Any) -> bool:
    """The comparison itself, on known values."""
    if op in ("ge", "date_ge"):
        return value >= threshold
    if op == "gt":
        return value > threshold
    if op in ("le", "date_le"):
        return value <= threshold
    if op == "lt":
        return value < threshold
    if op == "between":
        return threshold[0] <= value <= threshold[1]
    if op in ("eq", "in", "is"):
        return value in threshold if isinstance(threshold, tuple) else value == threshold
    return value not in threshold  # ne, not_in


def shortfall(op: str, value: Any, threshold: Any) -> tuple[float, float]:
    """How far a numeric miss is from passing, and the bound it missed."""
    if op in ("ge", "gt"):
        return threshold - value, threshold
    if op in ("le", "lt"):
        return value - threshold, threshold
    low, high = threshold
    return (low - value, low) if value < low else (value - high, high)


def score_status(op: str, low: float, high: float, threshold: float) -> int:
    """Met when the low end clears the bar, not met when the high end cannot, unknown in between."""

    def clears(x: float) -> bool:
        return x >= threshold if op == "ge" else x > threshold

    return MET if clears(low) else NOT_MET if not clears(high) else UNKNOWN


def component_range(comp: Component, facts: Facts) -> tuple[float, float, tuple[str, ...]]:
    """Points of one score component as (low, high, unknown facts); an unknown fact spans every band."""
    if comp.judged is not None:
        return comp.judged[0], comp.judged[1], ()
    if comp.best_of:
        parts = [component_range(c, facts) for c in comp.best_of]
        return max(p[0] for p in parts), max(p[1] for p in parts), tuple(f for p in parts for f in p[2])
    value = facts.get(comp.fact or "")
    if value is None:
        lows = [b.lo for b in comp.bands] + [comp.otherwise[0]]
        highs = [b.hi for b in comp.bands] + [comp.otherwise[1]]
        return min(lows), max(highs), (comp.fact or "",)
    for band in comp.bands:
        if value >= band.x if band.op == "ge" else value > band.x:
            return band.lo, band.hi, ()
    return comp.otherwise[0], comp.otherwise[1], ()


def _resolve(threshold: Any, facts: Facts) -> tuple[Any, tuple[str, ...]]:
    if isinstance(threshold, tuple):
        if threshold and isinstance(threshold[0], (Const, Param, Bands)):
            pairs = [_resolve(t, facts) for t in threshold]
            return tuple(p[0] for p in pairs), tuple(f for p in pairs for f in p[1])
        return threshold, ()
    if isinstance(threshold, (Const, Param)):
        return threshold.value, ()
    by = facts.get(threshold.by)
    if by is None:
        return None, (threshold.by,)
    return next(
        (v for up, v in zip(threshold.uppers, threshold.values, strict=True) if by <= up), threshold.default
    ), ()


def _held(policy: Policy, facts: Facts, on: date) -> tuple[date | None, date | None]:
    if policy.held is None:
        return None, None
    until = facts.get(policy.held.until)
    if until is None or until < on:
        return None, None
    return until, until - timedelta(days=policy.held.reapply_lead_days)


def _mark_relevance(trace: Trace, relevant: bool) -> None:
    trace.relevant = relevant
    decided = (
        trace.node.op in ("any", "n_of") and trace.status == MET if isinstance(trace.node, Group) else False
    )
    for child in trace.children:
        _mark_relevance(child, relevant and not (decided and child.status != MET))


def _leaves(trace: Trace) -> list[Trace]:
    if not trace.children:
        return [trace]
    return [leaf for child in trace.children for leaf in _leaves(child)]


def _gap(trace: Trace) -> Gap:
    node = trace.node
    value = trace.value[1] if isinstance(trace.value, list) else trace.value
    return Gap(
        node.id,
        node.label,
        getattr(node, "fact", None),
        value,
        trace.threshold,
        trace.shortfall or 0.0,
        getattr(node, "unit", "points") if isinstance(node, Compare) else "points",
        trace.near,
    )
