"""A verdict's fingerprint: 48 bits that change whenever what is stored of the verdict changes.

The re-match compares fingerprints instead of stored rows, so it writes only the verdicts that changed.
One function computes them for a whole batch (``digests``) and the one-enterprise path goes through the same
function with one-row arrays (``digest_of``), so both paths agree bit for bit wherever the property test says
their verdicts agree. A fingerprint covers the policy, the outcome, every gap (condition, shortfall, near),
the facts to collect, the pending reviews, the estimated value, the year of the as-of date and of
registration (the to-collect text names years); not the rank or the date itself. Each item is mixed on its
own and the items are added, so their order does not matter. Stored as a signed 64-bit integer, 48 bits
used: an enterprise's sum over its policies fits in one too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from crm.rules.batch import BatchVerdicts
from crm.rules.evaluate import Verdict
from crm.rules.model import OUTCOMES

MASK = np.uint64((1 << 48) - 1)


def digests(verdicts: BatchVerdicts, year: int, registered_year: np.ndarray) -> np.ndarray:
    """The fingerprint of every row's verdict (int64), as of a date in ``year``; ``registered_year`` per row
    (NaN: unknown)."""
    n = len(verdicts.outcome)
    total = _mix(
        np.full(n, _key(f"{verdicts.policy.id}|{year}"), np.uint64) ^ verdicts.outcome.astype(np.uint64)
    )
    total = total + _present(
        _key("registered"), np.nan_to_num(registered_year, nan=-1.0), ~np.isnan(registered_year)
    )
    for c, shortfall in verdicts.gaps.items():
        total = total + _present(_key(f"gap:{c}"), shortfall, ~np.isnan(shortfall))
    for prefix, flags in (
        ("near", verdicts.near),
        ("collect", verdicts.to_collect),
        ("pending", verdicts.pending),
    ):
        for name, on in flags.items():
            total = total + np.where(on, _mix(np.full(n, _key(f"{prefix}:{name}"), np.uint64)), np.uint64(0))
    for name, value in (("value_low", verdicts.value_low), ("value_high", verdicts.value_high)):
        if value is not None:
            total = total + _present(_key(name), value, ~np.isnan(value))
    return (_mix(total) & MASK).astype(np.int64)


def digest_of(verdict: Verdict, registered_year: int | None) -> int:
    """The fingerprint of one verdict of the one-enterprise path (equal to the batch's for the same verdict)."""
    one = BatchVerdicts(verdict.policy, np.array([OUTCOMES.index(verdict.outcome)], np.int8))
    one.gaps = {g.condition: np.array([float(g.shortfall)]) for g in verdict.gaps}
    one.near = _flags(g.condition for g in verdict.gaps if g.near)
    one.to_collect = _flags(verdict.to_collect)
    one.pending = _flags(verdict.pending)
    if verdict.value is not None:
        one.value_low, one.value_high = (
            np.array([np.nan if x is None else float(x)]) for x in (verdict.value.low, verdict.value.high)
        )
    year = np.array([np.nan if registered_year is None else float(registered_year)])
    return int(digests(one, verdict.on.year, year)[0])


def _flags(names: Iterable[str]) -> dict[str, np.ndarray]:
    return {name: np.array([True]) for name in names}


def _present(key: np.uint64, values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    bits = (np.asarray(values, dtype=np.float64) + 0.0).view(np.uint64)  # +0.0: -0.0 and 0.0 alike
    return np.where(mask, _mix(bits ^ key), np.uint64(0))


@lru_cache(maxsize=4096)
def _key(text: str) -> np.uint64:
    return np.uint64(int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little"))


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit moves about half the output bits (wrapping uint64 arithmetic)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))
