"""Partly known numeric facts: the interval every completion of the unknown inputs lies in.

A derived fact is exact (a number), unknown (``None``), or, when some of its inputs are known and some are
not, an ``Interval``. Record figures are never negative (the records refuse it), so a sum whose known parts
add up to 1,200,000 is at least that, a ratio whose denominator is partly known has an upper bound, and a
count of items of which some are unchecked lies between the checked ones and all of them. The rule engine
decides a comparison whenever the interval lies on one side of the threshold (``crm.rules``), and value
estimates use the same intervals. Pure: no imports beyond the standard library.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

INF = math.inf
# facts that may be negative (growth rates); every other numeric fact is a non-negative quantity
SIGNED = frozenset({"sales_growth_3y", "net_asset_growth_3y", "main_business_growth_last_year", "score"})


@dataclass(frozen=True)
class Interval:
    """A value known only to lie in [low, high] (both inclusive; ``high`` may be infinite)."""

    low: float
    high: float

    def __truediv__(self, k: float) -> Interval:
        return Interval(self.low / k, self.high / k)

    def __mul__(self, k: float) -> Interval:
        return Interval(self.low * k, self.high * k)


Number = float | int
Partial = Number | Interval | None


def bounds(value: Partial, floor: float = 0.0) -> tuple[float, float]:
    """(low, high) of an exact, partly known or unknown value (unknown: from ``floor`` to infinity)."""
    if value is None:
        return floor, INF
    if isinstance(value, Interval):
        return value.low, value.high
    return float(value), float(value)


def sum_bounds(values: Iterable[Partial]) -> Partial:
    """A sum of non-negative parts: exact when all are known, unknown when none is, else [known sum, ∞)."""
    parts = list(values)
    if all(v is None for v in parts):
        return None
    if None in parts and not all(_nonnegative(v) for v in parts):
        return None  # a negative part: the unknown ones bound nothing
    return _sum_intervals(parts)


def ratio_bounds(num: Partial, den: Partial) -> Partial:
    """num / den of non-negative quantities: exact, unknown, or the interval every completion lies in.

    Unknown (``None``) whenever the denominator may be zero or nothing narrows the ratio down.
    """
    if _exact(num) and _exact(den):
        return None if den <= 0 else num / den  # type: ignore[operator]
    if not (_nonnegative(num) and _nonnegative(den)):
        return None
    n_low, n_high = bounds(num)
    d_low, d_high = bounds(den)
    if d_low <= 0:
        return None
    low = 0.0 if d_high == INF else n_low / d_high
    high = n_high / d_low
    if low == 0 and high == INF:
        return None
    return low if low == high else Interval(low, high)


def count_bounds(known: int, unchecked: int) -> int | Interval:
    """A count of items of which ``unchecked`` may or may not count."""
    return known if unchecked == 0 else Interval(known, known + unchecked)


def floor(name: str) -> float:
    """The least value a fact can take when nothing is known about it (0 for quantities)."""
    return -INF if name in SIGNED else 0.0


def low_key(name: str) -> str:
    """The column of a fact's lower bounds in a fact table (present when some row is partly known)."""
    return f"{name}.low"


def high_key(name: str) -> str:
    """The column of a fact's upper bounds in a fact table."""
    return f"{name}.high"


def _exact(value: Any) -> bool:
    return value is not None and not isinstance(value, Interval)


def _nonnegative(value: Partial) -> bool:
    return value is None or bounds(value)[0] >= 0


def _sum_intervals(parts: list[Partial]) -> Partial:
    lows, highs = zip(*(bounds(v) for v in parts), strict=True)
    low, high = sum(lows), sum(highs)
    return low if low == high else Interval(low, high)
