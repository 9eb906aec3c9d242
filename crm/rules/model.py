"""The compiled rule model: policies, condition trees, thresholds. Built by the loader, read by the evaluators."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from crm import domain

# three values, ordered so that AND = min, OR = max, NOT = 2 - x (Kleene)
NOT_MET, UNKNOWN, MET = 0, 1, 2
STATUS_NAMES = {NOT_MET: "not_met", UNKNOWN: "unknown", MET: "met"}

# outcome codes (batch arrays hold these); the labels and colours live in crm.domain.OUTCOMES
INELIGIBLE, NEAR_MISS, NEEDS_DATA, LIKELY, ELIGIBLE, HELD = 0, 1, 2, 3, 4, 5
OUTCOMES = ("ineligible", "near_miss", "needs_data", "likely", "eligible", "held")
assert set(OUTCOMES) == set(domain.OUTCOMES), "crm.domain.OUTCOMES and the engine's codes must agree"

NUMERIC_OPS = frozenset({"ge", "gt", "le", "lt", "between"})
DATE_OPS = frozenset({"date_ge", "date_le"})


@dataclass(frozen=True)
class Const:
    value: Any


@dataclass(frozen=True)
class Param:
    name: str
    value: Any


@dataclass(frozen=True)
class Bands:
    """A threshold chosen by another fact: the first band whose ``up_to`` (inclusive) holds, else ``default``."""

    by: str
    uppers: tuple[float, ...]
    values: tuple[float, ...]
    default: float


Threshold = Const | Param | Bands


@dataclass(frozen=True)
class Tolerance:
    """How far below a threshold still counts as a near miss: absolute (in the unit) or relative."""

    relative: float | None = None
    absolute: float | None = None

    def limit(self, threshold: float) -> float:
        if self.absolute is not None:
            return self.absolute
        return (self.relative or 0.0) * abs(threshold)


@dataclass(frozen=True, eq=False)
class Node:
    id: str
    label: str
    clause: str | None
    line: int
    negated: bool


@dataclass(frozen=True, eq=False)
class Group(Node):
    op: str  # all | any | not | n_of
    n: int
    children: tuple[Node, ...]


@dataclass(frozen=True, eq=False)
class Compare(Node):
    fact: str
    op: str  # ge gt le lt between eq ne in not_in is date_ge date_le
    threshold: Any  # Threshold, a (lo, hi) pair of Thresholds, or a tuple of codes
    unit: str
    tolerance: Tolerance
    hard: bool = False  # defines who the policy is for (a size ceiling): a miss is never a near miss

    def facts_read(self) -> tuple[str, ...]:
        by = [t.by for t in _thresholds(self.threshold) if isinstance(t, Bands)]
        return (self.fact, *by)


@dataclass(frozen=True, eq=False)
class Manual(Node):
    hint: str | None


@dataclass(frozen=True)
class Band:
    op: str  # ge | gt (more is better) or le | lt (less is better: a debt ratio); one direction per component
    x: float
    lo: float
    hi: float


@dataclass(frozen=True)
class Component:
    id: str
    label: str
    fact: str | None = None
    bands: tuple[Band, ...] = ()
    otherwise: tuple[float, float] = (0.0, 0.0)
    judged: tuple[float, float] | None = None
    best_of: tuple[Component, ...] = ()

    @property
    def falling(self) -> bool:
        """Bands for "less is better" (``at_most``): a lower value reaches an earlier band."""
        return bool(self.bands) and self.bands[0].op in ("le", "lt")

    def facts_read(self) -> tuple[str, ...]:
        own = (self.fact,) if self.fact else ()
        return own + tuple(f for c in self.best_of for f in c.facts_read())


@dataclass(frozen=True, eq=False)
class Score(Node):
    components: tuple[Component, ...]
    op: str  # ge | gt
    threshold: Threshold
    review: bool  # unknown with no missing fact = an expert must judge
    tolerance: Tolerance

    def facts_read(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f for c in self.components for f in c.facts_read()))


@dataclass(frozen=True, eq=False)
class Relation(Node):
    kind: str  # requires | excludes
    policy: str
    title: str = ""  # the other policy's Chinese title (shown instead of its id)


@dataclass(frozen=True)
class Held:
    until: str  # a date fact
    reapply_lead_days: int


@dataclass(frozen=True)
class Settlement:
    """An officer's decision on a manual condition."""

    met: bool
    by: str = ""
    at: datetime | None = None
    note: str = ""


# a compiled value estimate: ("num", x) | ("fact", name) | (op, a, b) for + - * / | ("neg", a)
# | ("max", args) | ("min", args) | ("between", a, b)   (crm.rules.value)
Expr = tuple[Any, ...]


@dataclass(frozen=True)
class ValueSpec:
    """How to estimate a policy's benefit: the expression (None: not estimated), its basis and confidence."""

    expr: Expr | None
    basis: str
    confidence: str
    per: str  # year | once
    facts: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Policy:
    id: str
    title: str
    title_en: str
    level: str
    authority: str
    confidence: str
    todo: str | None
    in_force_from: date
    in_force_until: date | None
    criteria: Group
    meta: dict[str, Any]  # basis, windows, benefits, materials, params, notes: shown, not evaluated
    requires: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    unlocks: tuple[str, ...] = ()
    held: Held | None = None
    cases: tuple[dict[str, Any], ...] = ()
    path: str = ""
    nodes: dict[str, Node] = field(default_factory=dict)
    in_force_line: int = 0  # line of ``in_force:`` in the file (errors about version ranges point here)
    value: ValueSpec | None = None  # how to estimate the benefit (None: the file says nothing)

    def in_force(self, on: date) -> bool:
        return self.in_force_from <= on and (self.in_force_until is None or on <= self.in_force_until)


def _thresholds(threshold: Any) -> tuple[Any, ...]:
    return tuple(threshold) if isinstance(threshold, tuple) else (threshold,)


def walk(node: Node) -> list[Node]:
    """All nodes of a tree, parents before children."""
    out = [node]
    for child in getattr(node, "children", ()):
        out.extend(walk(child))
    return out
