"""The enterprise page's verdict strip: how many policies per outcome, the estimated value of what the
enterprise can apply for, and the next deadline among those policies (materials due at the district
office when that comes before the window's close)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from crm import calendar as cal
from crm import domain
from crm.services import deadlines

# the outcomes whose estimated value the strip adds up: what the enterprise can apply for now
VALUE_OUTCOMES = ("eligible", "likely")


@dataclass(frozen=True)
class ValueSum:
    """A sum of estimated values in 元: ``high`` None means unbounded (some policy has no ceiling)."""

    low: float = 0.0
    high: float | None = 0.0
    policies: int = 0


@dataclass(frozen=True)
class Deadline:
    """The next date an officer must act on: ``kind`` internal_deadline (材料交区截止) or window_closes."""

    day: date
    kind: str
    policy_id: str
    title: str
    closes: date
    left: cal.DaysLeft


@dataclass(frozen=True)
class Strip:
    counts: dict[str, int]  # outcome code -> policies, in the vocabulary's order, zero counts left out
    per_year: ValueSum = field(default_factory=ValueSum)
    once: ValueSum = field(default_factory=ValueSum)
    next_deadline: Deadline | None = None


def strip(doc: dict[str, Any], *, on: date | None = None) -> Strip:
    """The strip of one enterprise's match document (``MatchReport.document()``)."""
    on = on or date.fromisoformat(doc["on"])
    policies = doc["policies"]
    counts = {o: n for o in domain.OUTCOMES if (n := sum(p["outcome"] == o for p in policies))}
    valued = [p for p in policies if p["outcome"] in VALUE_OUTCOMES and estimated(p["value"])]
    actionable = {p["policy"] for p in policies if p["outcome"] in domain.ACTIONABLE_OUTCOMES}
    return Strip(
        counts,
        _sum([p["value"] for p in valued if p["value"]["per"] != "once"]),
        _sum([p["value"] for p in valued if p["value"]["per"] == "once"]),
        next_deadline(actionable, on),
    )


def next_deadline(policy_ids: set[str], on: date) -> Deadline | None:
    """The first date still ahead among the policies' next windows: 材料交区截止, else 申报截止."""
    if not policy_ids:
        return None
    found = []
    mine = [w for w in deadlines.windows((on.year, on.year + 1)) if w.policy_id in policy_ids]
    for pid in policy_ids:
        w = cal.next_window([w for w in mine if w.policy_id == pid], on)
        if w is not None:
            found.append(due(w, on))
    return min(found, key=lambda d: (d.day, d.title), default=None)


def due(w: cal.Window, on: date) -> Deadline:
    """What is due next for one window: the internal deadline while it is ahead, else the close."""
    internal = w.internal_deadline
    if on <= internal < w.closes:
        return Deadline(
            internal, "internal_deadline", w.policy_id, w.title, w.closes, cal.days_left(on, internal)
        )
    return Deadline(w.closes, "window_closes", w.policy_id, w.title, w.closes, cal.days_left(on, w.closes))


def estimated(value: dict[str, Any] | None) -> bool:
    """Whether a verdict's value estimate says anything (a bounded range, or a positive floor)."""
    return value is not None and (value["high"] is not None or (value["low"] or 0) > 0)


def _sum(values: list[dict[str, Any]]) -> ValueSum:
    low = sum(v["low"] or 0.0 for v in values)
    highs = [v["high"] for v in values]
    high = None if any(h is None for h in highs) else float(sum(highs))
    return ValueSum(float(low), high, len(values))
