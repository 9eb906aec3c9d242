"""Fact rows as typed columns: the input of the batch engine (``crm.rules.evaluate_batch``).

Numbers, booleans and dates (as ordinals) become float64 with NaN for unknown; codes become str with ''.
A numeric fact that is partly known in some row (``crm.facts.bounds.Interval``) is NaN in its column and
gets two more columns, ``<fact>.low`` and ``<fact>.high``, holding every row's bounds (the value itself for
an exact row, NaN for an unknown one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from crm.facts.bounds import Interval, high_key, low_key
from crm.facts.catalogue import CATALOGUE, Fact, derive

if TYPE_CHECKING:  # numpy loads with the batch path only: one-enterprise commands start faster
    import numpy as np


def columns(
    rows: Sequence[Mapping[str, Any]], catalogue: Mapping[str, Fact] | None = None
) -> dict[str, np.ndarray]:
    """Fact rows -> columns: numbers, booleans and dates (ordinal) as float64 with NaN; codes as str with ''."""
    out = {}
    for name, fact in (catalogue or CATALOGUE).items():
        values = [row.get(name) for row in rows]
        out[name] = column(fact.type, values)
        if any(isinstance(v, Interval) for v in values):
            out[low_key(name)], out[high_key(name)] = bound_columns(values)
    return out


def column(fact_type: str, values: Iterable[Any]) -> np.ndarray:
    """One typed column from Python values (None = unknown; a partly known value is NaN here)."""
    import numpy as np

    if fact_type == "code":
        return np.array(["" if v is None else str(v) for v in values], dtype=object)
    if fact_type == "date":
        return np.array([np.nan if v is None else float(v.toordinal()) for v in values], dtype=np.float64)
    return np.array(
        [np.nan if v is None or isinstance(v, Interval) else float(v) for v in values], dtype=np.float64
    )


def bound_columns(values: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """The lower and upper bounds of a numeric fact's values (NaN where unknown)."""
    import numpy as np

    low = [np.nan if v is None else v.low if isinstance(v, Interval) else float(v) for v in values]
    high = [np.nan if v is None else v.high if isinstance(v, Interval) else float(v) for v in values]
    return np.array(low, dtype=np.float64), np.array(high, dtype=np.float64)


def fact_table(aggregates: Sequence[Any], on: date) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Enterprise ids and the fact columns of these aggregates as of ``on``."""
    import numpy as np

    rows = [derive(a, on) for a in aggregates]
    ids = np.array([a.enterprise.id for a in aggregates], dtype=np.int64)
    return ids, columns(rows)
