"""Ordering an enterprise's verdicts best first: outcome, then value, then deadline, then open items.

A held policy whose re-application date has come ranks right after the eligible ones. Within an outcome the
higher estimated value comes first (the middle of its range; a policy without a bounded estimate after the
valued ones), then the window that closes sooner, then fewer open items (gaps, facts to collect, reviews);
what a policy unlocks, its confidence, level and id break the remaining ties.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date
from typing import Any, Protocol, TypeVar

_ORDER = {"eligible": 0, "likely": 1, "near_miss": 2, "needs_data": 3, "held": 4, "ineligible": 5}
_CONFIDENCE = {"high": 0, "medium": 1, "low": 2}
_LEVEL = {"national": 0, "municipal": 1, "district": 2}


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
    value: Any  # crm.rules.value.Estimate | None


Verdict = TypeVar("Verdict", bound=Ranked)


def rank(verdicts: list[Verdict]) -> list[Verdict]:
    """Order an enterprise's verdicts (best first) and number them from 1."""
    ordered = sorted(verdicts, key=rank_key)
    for i, verdict in enumerate(ordered, 1):
        verdict.rank = i
    return ordered


def rank_key(v: Ranked) -> tuple:
    """The sort key of one verdict: outcome, value (higher first), deadline, open items, then ties."""
    due = v.outcome == "held" and v.reapply_from is not None and v.on >= v.reapply_from
    worth = v.value.rank_key() if v.value is not None else None
    window = next_window(v.policy.meta.get("windows") or [], v.on)
    return (
        0.5 if due else _ORDER[v.outcome],
        worth is None,
        -(worth or 0.0),
        window["closes"] if window else date.max,
        len(v.gaps) + len(v.to_collect) + len(v.pending),
        -len(v.policy.unlocks),
        _CONFIDENCE[v.policy.confidence],
        _LEVEL[v.policy.level],
        v.policy.id,
    )


def next_window(windows: Iterable[dict[str, Any]], on: date) -> dict[str, Any] | None:
    """The yearly window (MM-DD to MM-DD) that closes next on or after ``on``: {opens, closes, note}."""
    best: tuple[date, date, str] | None = None
    for w in windows:
        for year in (on.year, on.year + 1):
            opens, closes = _md(w["opens"], year), _md(w["closes"], year)
            if closes < opens:
                closes = _md(w["closes"], year + 1)
            if closes >= on and (best is None or closes < best[1]):
                best = (opens, closes, w.get("note") or "")
                break
    return None if best is None else {"opens": best[0], "closes": best[1], "note": best[2]}


def _md(month_day: str, year: int) -> date:
    month, day = (int(x) for x in month_day.split("-"))
    if (month, day) == (2, 29) and not calendar.isleap(year):
        day = 28
    return date(year, month, day)
