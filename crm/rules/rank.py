"""Ordering an enterprise's verdicts best first: outcome, then re-application due, unlocks, open items."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol, TypeVar


class Ranked(Protocol):
    """What the rank reads of a verdict (``crm.rules.evaluate.Verdict``)."""

    policy: Any
    on: date
    outcome: str
    gaps: list[Any]
    to_collect: list[str]
    pending: list[str]
    reapply_from: date | None
    rank: int


Verdict = TypeVar("Verdict", bound=Ranked)

_ORDER = {"eligible": 0, "likely": 1, "near_miss": 2, "needs_data": 3, "held": 4, "ineligible": 5}
_CONFIDENCE = {"high": 0, "medium": 1, "low": 2}
_LEVEL = {"national": 0, "municipal": 1, "district": 2}


def rank(verdicts: list[Verdict]) -> list[Verdict]:
    """Order an enterprise's verdicts: outcome, re-application due, what it unlocks, open items, confidence."""

    def key(v: Verdict) -> tuple:
        due = v.outcome == "held" and v.reapply_from is not None and v.on >= v.reapply_from
        order = 0.5 if due else _ORDER[v.outcome]
        open_items = len(v.gaps) + len(v.to_collect) + len(v.pending)
        return (
            order,
            -len(v.policy.unlocks),
            open_items,
            _CONFIDENCE[v.policy.confidence],
            _LEVEL[v.policy.level],
            v.policy.id,
        )

    ordered = sorted(verdicts, key=key)
    for i, verdict in enumerate(ordered, 1):
        verdict.rank = i
    return ordered
