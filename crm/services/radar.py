"""The officer's radar (工作台): who to call this week and what is slipping, per officer or whole office.

Six sections, each a total plus the most urgent items: eligible or near-miss enterprises not yet told
with a window closing soon; applications stalled in a stage; certificates expiring (re-apply);
tasks due or overdue; facts to collect that block a verdict; data requests sent and not yet returned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from crm import calendar as cal
from crm import domain
from crm.db import session_scope
from crm.rules import loader
from crm.rules.explain import value_range_text
from crm.services import deadlines, overview
from crm.store import Session, applications
from crm.store import radar as queries
from crm.store import requests as request_queries


@dataclass(frozen=True)
class RadarSettings:
    """How far ahead and behind the radar looks (working days unless named otherwise)."""

    closing_within: int = 10
    stalled_days: int = 30  # calendar days in the same stage
    expiring_days: int = 180  # calendar days until a certificate ends
    tasks_within: int = 3
    collect_within: int = 40
    limit: int = 20
    # waiting on the authority's review is not a stall the office can act on
    stall_exempt: tuple[str, ...] = ("reviewing",)


@dataclass(frozen=True)
class Item:
    enterprise_id: int
    enterprise: str
    what: str
    detail: str
    due: date | None
    left: cal.DaysLeft | None  # until ``due`` (working and calendar days; negative calendar: overdue)
    policy_id: str | None = None
    outcome: str | None = None
    application_id: int | None = None
    cycle: str | None = None
    due_kind: str | None = (
        None  # internal_deadline (材料交区截止) or window_closes when ``due`` is a window's
    )
    worth: float = float("inf")  # minus the estimated value (sorts the more valuable first); inf: unknown


CAP = 1000  # the radar is a call list, not statistics: totals stop counting here ("1000+")


@dataclass
class Section:
    key: str
    title: str
    total: int  # at most CAP
    items: list[Item] = field(default_factory=list)

    @property
    def shown_total(self) -> str:
        return f"{CAP}+" if self.total >= CAP else str(self.total)


@dataclass
class Radar:
    on: date
    officer_id: int | None
    sections: list[Section]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


SECTIONS = ("untold", "stalled", "expiring", "tasks", "to_collect", "returns")


def radar(
    *,
    officer_id: int | None = None,
    on: date | None = None,
    settings: RadarSettings = RadarSettings(),
    only: tuple[str, ...] = SECTIONS,
) -> Radar:
    """The sections ``only`` of the radar for one officer (None: the whole office) as of ``on``."""
    on = on or date.today()
    with session_scope() as session:
        closing = deadlines.closing_within(on, settings.collect_within, session=session)
        build = {
            "untold": lambda: untold(
                session,
                on,
                officer_id,
                [w for w in closing if cal.days_left(on, w.closes).working <= settings.closing_within],
                settings.limit,
            ),
            "stalled": lambda: stalled(
                session, on, officer_id, settings.stalled_days, settings.limit, settings.stall_exempt
            ),
            "expiring": lambda: expiring(session, on, officer_id, settings.expiring_days, settings.limit),
            "tasks": lambda: tasks(session, on, officer_id, settings.tasks_within, settings.limit),
            "to_collect": lambda: to_collect(session, on, officer_id, closing, settings.limit),
            "returns": lambda: returns_due(session, on, officer_id, settings.limit),
        }
        sections = [build[key]() for key in SECTIONS if key in only]
    return Radar(on, officer_id, sections)


def section(key: str, *, officer_id: int | None = None, on: date | None = None, limit: int = CAP) -> Section:
    """One section with up to ``limit`` items: the card's "show all" list."""
    return radar(officer_id=officer_id, on=on, settings=RadarSettings(limit=limit), only=(key,)).sections[0]


# --- sections ----------------------------------------------------------------------------------------


def untold(
    session: Session, on: date, officer_id: int | None, closing: list[cal.Window], limit: int
) -> Section:
    """Eligible or near miss (``TELL_OUTCOMES``: the verdicts an officer can act on today) and no application
    yet for the closing cycle. Open verdicts wait for data: they are in ``to_collect``."""
    rank = {o: i for i, o in enumerate(domain.TELL_OUTCOMES)}
    total, items = 0, []
    for w in _earliest_per_policy(closing):
        # one bounded query per policy (at most CAP rows), ranked here: eligible first
        rows = (
            queries.untold(
                session=session,
                policy_id=w.policy_id,
                cycle=w.cycle,
                outcomes=domain.TELL_OUTCOMES,
                officer_id=officer_id,
                limit=CAP - total,
            )
            if total < CAP
            else []
        )
        total += len(rows)
        due = overview.due(w, on)
        per = _value_per(w.policy_id)
        items += [
            Item(
                eid,
                name,
                f"告知申报：{w.title}",
                f"{domain.outcome_label(outcome)}；预计价值 {value_range_text(_num(low), _num(high), per)}；"
                f"材料交区截止 {w.internal_deadline}，申报截止 {w.closes}",
                due.day,
                due.left,
                w.policy_id,
                outcome,
                cycle=w.cycle,
                due_kind=due.kind,
                worth=_worth((eid, name, outcome, low, high)),
            )
            for eid, name, outcome, low, high in sorted(rows, key=lambda r: (rank[r[2]], _worth(r), r[0]))[
                :limit
            ]
        ]
    items.sort(key=lambda i: (i.due, rank.get(i.outcome or "", 9), i.worth, i.enterprise_id))
    return Section("untold", "符合条件尚未告知（窗口即将截止）", total, items[:limit])


def stalled(
    session: Session, on: date, officer_id: int | None, days: int, limit: int, exempt: tuple[str, ...] = ()
) -> Section:
    """Open applications (owned by the officer) whose stage has not changed for ``days`` calendar days."""
    titles, labels = deadlines.policy_titles(), applications.stage_labels(session=session)
    total, found = 0, []
    open_stages = applications.stage_codes(session=session, outcome="open")
    for code in [c for c in open_stages if c not in exempt]:  # one index range per stage
        n, rows = queries.stalled(
            session=session,
            stage=code,
            since=on - timedelta(days=days),
            officer_id=officer_id,
            cap=CAP - total,
            limit=limit,
        )
        total += n
        found += rows
    found.sort(key=lambda row: (row[0].stage_since, row[0].id))
    items = [
        Item(
            a.enterprise_id,
            name,
            f"{titles.get(a.policy_id, a.policy_id)}（{a.cycle}）",
            f"停留在“{labels.get(a.stage, a.stage)}”已 {(on - a.stage_since).days} 天",
            a.stage_since,
            None,  # the detail says how long it has stalled; there is no deadline to count down to
            a.policy_id,
            application_id=a.id,
            cycle=a.cycle,
        )
        for a, name in found[:limit]
    ]
    return Section("stalled", f"申报停滞超过 {days} 天", total, items)


def expiring(session: Session, on: date, officer_id: int | None, days: int, limit: int) -> Section:
    """Certificates (HNTE 3 years, ...) ending within ``days``: time to prepare the re-application."""
    total, rows = queries.expiring(
        session=session, on=on, until=on + timedelta(days=days), officer_id=officer_id, cap=CAP, limit=limit
    )
    items = [
        Item(
            c.enterprise_id,
            name,
            f"{domain.label(domain.CREDENTIAL_KINDS, c.kind)}到期，准备重新申报",
            f"有效期至 {ends}",
            ends,
            cal.days_left(on, ends),
            c.kind,
        )
        for c, name, ends in rows
    ]
    return Section("expiring", f"资质 {days} 天内到期", total, items)


def tasks(session: Session, on: date, officer_id: int | None, within: int, limit: int) -> Section:
    """Open tasks overdue or due within ``within`` working days."""
    total, rows = queries.tasks_due(
        session=session,
        until=cal.add_working_days(on, within),
        officer_id=officer_id,
        cap=CAP,
        limit=limit,
    )
    items = [
        Item(
            t.enterprise_id or 0,
            name or "",
            t.title,
            t.notes or "",
            t.due_date,
            cal.days_left(on, t.due_date) if t.due_date else None,
        )
        for t, name in rows
    ]
    return Section("tasks", "待办到期或逾期", total, items)


def to_collect(
    session: Session, on: date, officer_id: int | None, closing: list[cal.Window], limit: int
) -> Section:
    """Verdicts held up by unknown facts, for policies with a window coming up: what to ask the enterprise."""
    windows = {w.policy_id: w for w in _earliest_per_policy(closing)}
    # one bounded pass over every policy with a window coming up (per officer: over their enterprises)
    rows = (
        queries.to_collect(
            session=session,
            policy_ids=tuple(windows),
            outcomes=domain.COLLECT_OUTCOMES,
            officer_id=officer_id,
            limit=CAP,
        )
        if windows
        else []
    )
    dues = {pid: overview.due(w, on) for pid, w in windows.items()}
    first = sorted(rows, key=lambda r: (dues[r[4]].day, r[0]))[:limit]
    items = [
        Item(
            eid,
            name,
            f"补充信息：{windows[pid].title}",
            f"待收集：{facts}",
            dues[pid].day,
            dues[pid].left,
            pid,
            outcome,
            cycle=windows[pid].cycle,
            due_kind=dues[pid].kind,
        )
        for eid, name, facts, outcome, pid in first
    ]
    return Section("to_collect", "待收集信息（影响判定）", len(rows), items)


def returns_due(session: Session, on: date, officer_id: int | None, limit: int) -> Section:
    """企业信息补充表 sent and not returned, the most overdue first: whom to remind."""
    total, rows = request_queries.outstanding(session=session, officer_id=officer_id, cap=CAP, limit=limit)
    items = [
        Item(
            r.enterprise_id,
            name,
            "企业信息补充表",
            f"{r.created_at:%Y-%m-%d} 发出，待填 {len(r.items)} 项",
            r.due_date,
            cal.days_left(on, r.due_date),
        )
        for r, name in rows
    ]
    return Section("returns", "资料待回收", total, items)


# --- helpers -----------------------------------------------------------------------------------------


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def _worth(row: Any) -> float:
    """Sort key: the higher estimated value first (the middle of its range), unknown values last."""
    low, high = _num(row[3]), _num(row[4])
    return -(low + high) / 2 if low is not None and high is not None else float("inf")


def _value_per(policy_id: str) -> str:
    """'year' or 'once': how the policy's value is counted (its file's ``value.per``)."""
    policy = next((p for p in loader.current().policies if p.id == policy_id), None)
    return policy.value.per if policy is not None and policy.value is not None else "year"


def _earliest_per_policy(windows: list[cal.Window]) -> list[cal.Window]:
    best: dict[str, cal.Window] = {}
    for w in sorted(windows, key=lambda w: w.closes):
        best.setdefault(w.policy_id, w)
    return list(best.values())
