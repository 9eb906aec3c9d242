"""The three-valued primitives both evaluators share: Kleene combination, comparisons on known and partly
known values (intervals), gaps, score ranges, relation statuses, thresholds chosen by another fact."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crm.facts.bounds import Interval
from crm.rules.model import MET, NOT_MET, UNKNOWN, Bands, Component, Const, Param

Facts = Mapping[str, Any]


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


def decide(op: str, value: Any, threshold: Any) -> int:
    """MET or NOT_MET on a known value; on a partly known one (an interval) UNKNOWN unless it decides."""
    if not isinstance(value, Interval):
        return MET if compare_values(op, value, threshold) else NOT_MET
    return interval_status(op, value.low, value.high, threshold)


def interval_status(op: str, low: float, high: float, threshold: Any) -> int:
    """A numeric comparison on [low, high]: met when every value in it passes, not met when none does."""
    if op == "between":
        lo, hi = threshold
        return MET if low >= lo and high <= hi else NOT_MET if high < lo or low > hi else UNKNOWN
    passes = {"ge": (low >= threshold, high < threshold), "gt": (low > threshold, high <= threshold)}
    passes |= {"le": (high <= threshold, low > threshold), "lt": (high < threshold, low >= threshold)}
    met, not_met = passes[op]
    return MET if met else NOT_MET if not_met else UNKNOWN


def nearest(op: str, value: Any, threshold: Any) -> Any:
    """The value of an interval closest to passing (the gap is measured from it); a number itself."""
    if not isinstance(value, Interval):
        return value
    if op in ("ge", "gt") or (op == "between" and value.high < threshold[0]):
        return value.high
    return value.low


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
    points = [(b.lo, b.hi) for b in comp.bands] + [comp.otherwise]
    if value is None:
        span = points
    elif isinstance(value, Interval):  # every band from the one of its better end to the one of its worse end
        best, worst = (value.low, value.high) if comp.falling else (value.high, value.low)
        span = points[band_index(comp, best) : band_index(comp, worst) + 1]
    else:
        return (*points[band_index(comp, value)], ())
    return min(p[0] for p in span), max(p[1] for p in span), (comp.fact or "",)


def band_index(comp: Component, value: float) -> int:
    """The first band ``value`` reaches (len(bands): none, the ``otherwise`` points); never rises with value."""
    for i, band in enumerate(comp.bands):
        if reaches(band.op, value, band.x):
            return i
    return len(comp.bands)


def reaches(op: str, value: Any, x: float) -> Any:
    """Whether ``value`` reaches a band's bound (works on numbers and on numpy arrays)."""
    if op == "ge":
        return value >= x
    if op == "gt":
        return value > x
    return value <= x if op == "le" else value < x


def resolve(threshold: Any, facts: Facts) -> tuple[Any, tuple[str, ...]]:
    if isinstance(threshold, tuple):
        if threshold and isinstance(threshold[0], (Const, Param, Bands)):
            pairs = [resolve(t, facts) for t in threshold]
            return tuple(p[0] for p in pairs), tuple(f for p in pairs for f in p[1])
        return threshold, ()
    if isinstance(threshold, (Const, Param)):
        return threshold.value, ()
    by = facts.get(threshold.by)
    if by is None:
        return None, (threshold.by,)
    if isinstance(by, Interval):  # known when both ends fall in one band
        low, high = _band_value(threshold, by.low), _band_value(threshold, by.high)
        return (low if low == high else None), (threshold.by,)
    return _band_value(threshold, by), ()


def _band_value(bands: Bands, by: float) -> float:
    return next((v for up, v in zip(bands.uppers, bands.values, strict=True) if by <= up), bands.default)


def unresolved(threshold: Any) -> bool:
    return threshold is None or (isinstance(threshold, tuple) and None in threshold)
