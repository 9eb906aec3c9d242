"""The array versions of ``crm.rules.logic``'s primitives, one row per enterprise (the batch engine's parts)."""

from __future__ import annotations

from typing import Any

import numpy as np

from crm.rules.logic import reaches
from crm.rules.model import (
    ELIGIBLE,
    HELD,
    INELIGIBLE,
    LIKELY,
    MET,
    NEAR_MISS,
    NOT_MET,
    UNKNOWN,
    Bands,
    Component,
)


def combine(op: str, n: int, statuses: list[np.ndarray]) -> np.ndarray:
    """Kleene combination over arrays (same table as the one-enterprise ``combine``)."""
    if op == "all":
        return np.minimum.reduce(statuses).astype(np.int8)
    if op == "any":
        return np.maximum.reduce(statuses).astype(np.int8)
    if op == "not":
        return (MET - statuses[0]).astype(np.int8)
    met = np.sum([s == MET for s in statuses], axis=0)
    unknown = np.sum([s == UNKNOWN for s in statuses], axis=0)
    return np.where(met >= n, MET, np.where(met + unknown < n, NOT_MET, UNKNOWN)).astype(np.int8)


def outcome_codes(status: np.ndarray, forced: np.ndarray, held: np.ndarray) -> np.ndarray:
    """Outcome per row, as ``evaluate.outcome_code`` (open rows are ``LIKELY`` until the unknowns are counted)."""
    return np.select(
        [held, status == MET, status == UNKNOWN, forced != NOT_MET],
        [HELD, ELIGIBLE, LIKELY, NEAR_MISS],
        default=INELIGIBLE,
    ).astype(np.int8)


def unknown_mask(value: np.ndarray) -> np.ndarray:
    return value == "" if value.dtype == object else np.isnan(value)


def any_nan(threshold: Any) -> np.ndarray | bool:
    parts = threshold if isinstance(threshold, tuple) else (threshold,)
    out: Any = False
    for part in parts:
        out = out | np.isnan(part)
    return out


def statuses(unknown: Any, met: np.ndarray) -> np.ndarray:
    """UNKNOWN where unknown, else MET or NOT_MET: bit arithmetic on the codes 0, 1, 2 (twice as fast as where)."""
    known_met = np.logical_and(met, np.logical_not(unknown))
    return (known_met.view(np.int8) << 1) | np.asarray(unknown, dtype=bool).view(np.int8)


def numeric_met(op: str, value: np.ndarray, threshold: Any) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        if op in ("ge", "date_ge"):
            return value >= threshold
        if op == "gt":
            return value > threshold
        if op in ("le", "date_le"):
            return value <= threshold
        if op == "lt":
            return value < threshold
        return (threshold[0] <= value) & (value <= threshold[1])


def shortfalls(op: str, value: np.ndarray, threshold: Any) -> tuple[np.ndarray, Any]:
    if op in ("ge", "gt"):
        return threshold - value, threshold
    if op in ("le", "lt"):
        return value - threshold, threshold
    low, high = threshold
    below = value < low
    return np.where(below, low - value, value - high), np.where(below, low, high)


def limit(tolerance: Any, bound: Any) -> Any:
    if tolerance.absolute is not None:
        return tolerance.absolute
    return (tolerance.relative or 0.0) * np.abs(bound)


def interval_statuses(op: str, low: np.ndarray, high: np.ndarray, threshold: Any) -> np.ndarray:
    """As ``logic.interval_status`` per row (NaN bounds or threshold: unknown)."""
    with np.errstate(invalid="ignore"):
        if op == "between":
            lo, hi = threshold
            met, not_met = (low >= lo) & (high <= hi), (high < lo) | (low > hi)
        else:
            met, not_met = {
                "ge": lambda: (low >= threshold, high < threshold),
                "gt": lambda: (low > threshold, high <= threshold),
                "le": lambda: (high <= threshold, low > threshold),
                "lt": lambda: (high < threshold, low >= threshold),
            }[op]()
    return statuses(~(met | not_met), met)


def nearest_ends(op: str, low: np.ndarray, high: np.ndarray, threshold: Any) -> np.ndarray:
    """As ``logic.nearest``: the end of each row's interval closest to passing."""
    if op in ("ge", "gt"):
        return high
    if op == "between":
        with np.errstate(invalid="ignore"):
            return np.where(high < threshold[0], high, low)
    return low


def band_values(bands: Bands, by: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.select([by <= up for up in bands.uppers], list(bands.values), default=bands.default)


def band_span(comp: Component, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points of a component whose fact lies in [low, high]: every band from high's to low's (all if NaN)."""
    last = len(comp.bands)
    points = [(b.lo, b.hi) for b in comp.bands] + [comp.otherwise]
    best, worst = (low, high) if comp.falling else (high, low)
    with np.errstate(invalid="ignore"):
        first_i = band_indexes(comp, best)
        last_i = band_indexes(comp, worst)
    unknown = np.isnan(low)
    first_i, last_i = np.where(unknown, 0, first_i), np.where(unknown, last, last_i)
    lows = [np.where((first_i <= k) & (k <= last_i), p[0], np.inf) for k, p in enumerate(points)]
    highs = [np.where((first_i <= k) & (k <= last_i), p[1], -np.inf) for k, p in enumerate(points)]
    return np.minimum.reduce(lows), np.maximum.reduce(highs)


def band_indexes(comp: Component, value: np.ndarray) -> np.ndarray:
    conds = [reaches(b.op, value, b.x) for b in comp.bands]
    return np.select(conds, list(range(len(comp.bands))), default=len(comp.bands))


def number(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


# the bit arithmetic of ``statuses`` relies on these codes
assert (NOT_MET, UNKNOWN, MET) == (0, 1, 2)
