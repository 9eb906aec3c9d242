"""Evaluating policies for one enterprise: three-valued trace tree, gaps, facts to collect, outcome."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from crm.domain import LIKELY_MAX_UNKNOWN_FACTS
from crm.facts.bounds import Interval
from crm.rules.logic import (
    combine,
    component_range,
    decide,
    nearest,
    relation_status,
    resolve,
    score_status,
    shortfall,
    unresolved,
)
from crm.rules.model import (
    ELIGIBLE,
    HELD,
    INELIGIBLE,
    LIKELY,
    MET,
    NEAR_MISS,
    NEEDS_DATA,
    NOT_MET,
    NUMERIC_OPS,
    OUTCOMES,
    STATUS_NAMES,
    UNKNOWN,
    Compare,
    Group,
    Manual,
    Node,
    Policy,
    Relation,
    Score,
    Settlement,
)
from crm.rules.rank import rank
from crm.rules.value import Estimate, estimate

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
    value: Estimate | None = None  # the policy's estimated benefit (None: its file declares no value)

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
    value = estimate(policy.value, facts) if policy.value is not None else None
    return Verdict(
        policy, on, OUTCOMES[code], trace, gaps, to_collect, pending, held_until, reapply_from, value=value
    )


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
        threshold, missing = resolve(node.threshold, self.facts)
        missing = ((node.fact,) if value is None or isinstance(value, Interval) else ()) + missing
        status = UNKNOWN if value is None or unresolved(threshold) else decide(node.op, value, threshold)
        if status == UNKNOWN:
            return Trace(node, UNKNOWN, value, threshold, missing=missing)
        trace = Trace(node, status, value, threshold)
        if status == NOT_MET and node.op in NUMERIC_OPS and not node.negated:
            trace.shortfall, bound = shortfall(node.op, nearest(node.op, value, threshold), threshold)
            trace.near = not node.hard and trace.shortfall <= node.tolerance.limit(bound)
        return trace

    def score(self, node: Score) -> Trace:
        ranges = [component_range(c, self.facts) for c in node.components]
        low, high = sum(r[0] for r in ranges), sum(r[1] for r in ranges)
        missing = tuple(dict.fromkeys(f for r in ranges for f in r[2]))
        threshold, _ = resolve(node.threshold, self.facts)
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
