"""Windows, deadlines and the calendar: rule-file patterns merged with this cycle's officer-set dates.

Feeds the calendar page (month and agenda views), the ICS export and the radar.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from crm import calendar as cal
from crm.auth import require
from crm.calendar import DaysLeft
from crm.config import get_settings
from crm.db import session_scope
from crm.errors import HuiqiError
from crm.models import CycleWindow
from crm.paths import inside
from crm.services.enterprises import current_actor
from crm.store import Session, officers, radar
from crm.store import applications as sa_store


def policy_titles() -> dict[str, str]:
    """Policy id -> Chinese title of the rule set in force (empty when no rules load)."""
    return {p.id: p.title for p in _policies()}


def _policies() -> tuple[Any, ...]:
    from crm import rules

    return rules.current().policies


def windows(years: Iterable[int], *, session: Session | None = None) -> list[cal.Window]:
    """Every policy's windows in ``years``: officer-set dates where given, else the rule file's pattern."""
    years = tuple(sorted(set(years)))
    if session is None:
        with session_scope() as s:
            return windows(years, session=s)
    titles = policy_titles()
    rule = [
        w
        for p in _policies()
        for y in years
        for w in cal.recurring_windows(p.id, p.title, p.meta.get("windows") or [], y)
    ]
    actual = [_window(cw, titles) for cw in sa_store.cycle_windows(session=session, years=years)]
    return cal.merge_windows(rule, actual)


def _window(cw: CycleWindow, titles: dict[str, str]) -> cal.Window:
    return cal.Window(
        cw.policy_id,
        titles.get(cw.policy_id, cw.policy_id),
        cw.opens,
        cw.closes,
        cw.year,
        cw.batch,
        cw.note or "",
        "officer",
        cw.lead_days,
    )


def closing_within(on: date, working_days: int, *, session: Session | None = None) -> list[cal.Window]:
    """Windows not yet closed on ``on`` whose close is at most ``working_days`` working days away."""
    found = [w for w in windows((on.year - 1, on.year, on.year + 1), session=session) if w.closes >= on]
    return [w for w in found if cal.days_left(on, w.closes).working <= working_days]


def current_cycle(policy_id: str, on: date, *, session: Session | None = None) -> str:
    """The cycle a new application for ``policy_id`` belongs to: the open or next window's, else the year."""
    mine = [w for w in windows((on.year, on.year + 1), session=session) if w.policy_id == policy_id]
    nxt = cal.next_window(mine, on)
    return nxt.cycle if nxt else str(on.year)


# --- officer-set windows ----------------------------------------------------------------------------


def list_cycle_windows(year: int | None = None) -> list[CycleWindow]:
    """This cycle's announced windows (all years when ``year`` is None)."""
    with session_scope() as session:
        return sa_store.cycle_windows(session=session, years=(year,) if year else None)


def set_cycle_window(data: dict[str, Any], *, actor: str | None = None) -> CycleWindow:
    """Record an announced window (policy, year, batch, opens, closes, lead days)."""
    require("write")
    with session_scope() as session:
        return sa_store.create_cycle_window(session=session, data=data, actor=actor or current_actor())


def update_cycle_window(
    window_id: int, expected_version: int, data: dict[str, Any], *, actor: str | None = None
) -> CycleWindow:
    """Correct an announced window (ConflictError when someone saved first)."""
    require("write")
    with session_scope() as session:
        return sa_store.update_cycle_window(
            session=session,
            window_id=window_id,
            expected_version=expected_version,
            data=data,
            actor=actor or current_actor(),
        )


# --- agenda and ICS -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaItem:
    """One dated entry of the calendar page, with days left from ``on``."""

    day: date
    title: str
    kind: str
    detail: str
    left: DaysLeft


def events(
    start: date, end: date, *, officer_id: int | None = None, session: Session | None = None
) -> list[cal.Event]:
    """Window opens/closes, internal deadlines and open tasks dated in [start, end]."""
    if session is None:
        with session_scope() as s:
            return events(start, end, officer_id=officer_id, session=s)
    found = [
        e
        for w in windows(range(start.year - 1, end.year + 1), session=session)
        for e in cal.window_events(w)
        if start <= e.day <= end
    ]
    # the enterprise's name in the title: "核实企业注册地址变更" alone does not say whom to call
    tasks = radar.tasks_between(session=session, start=start, end=end, officer_id=officer_id)
    found += [
        cal.Event(
            f"task-{t.id}",
            t.due_date,
            f"【待办】{t.title}" + (f"｜{name}" if name else ""),
            "task",
            t.notes or "",
        )
        for t, name in tasks
        if t.due_date
    ]
    return sorted(found, key=lambda e: (e.day, e.kind, e.title))


def agenda(
    start: date, end: date, *, officer_id: int | None = None, on: date | None = None
) -> list[AgendaItem]:
    """The calendar page's entries between two dates, each with its days-left label."""
    on = on or date.today()
    return [
        AgendaItem(e.day, e.title, e.kind, e.description, cal.days_left(on, e.day))
        for e in events(start, end, officer_id=officer_id)
    ]


def ics(*, officer_id: int | None = None, on: date | None = None, name: str = "惠企 · 申报日历") -> bytes:
    """An ICS file of the next 13 months' windows, deadlines and (the officer's) open tasks."""
    on = on or date.today()
    return cal.to_ics(
        events(on - timedelta(days=31), on + timedelta(days=400), officer_id=officer_id), name=name
    )


def write_feed(officer_id: int, *, on: date | None = None) -> Path:
    """Write the officer's feed file (data dir ``ics/<username>.ics``) and return its path."""
    with session_scope() as session:
        officer = officers.officer_by_id(session=session, officer_id=officer_id)
        if officer is None:
            raise HuiqiError(f"没有这位专员：#{officer_id}")
        username, display = officer.username, officer.display_name
    folder = get_settings().data_dir / "ics"
    folder.mkdir(parents=True, exist_ok=True)
    path = inside(folder, f"{username}.ics")  # a name made before names were restricted stays in its folder
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(ics(officer_id=officer_id, on=on, name=f"惠企 · {display}"))
    tmp.replace(path)
    return path
