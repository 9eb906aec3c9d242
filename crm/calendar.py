"""Working days, application windows, internal deadlines and ICS export.

Working days follow the State Council's holiday schedule through ``chinese-calendar``, including the
adjusted working weekends (调休). That package only knows the years it ships data for
(``COVERED_YEARS``). For a later year nothing has been published to it yet, so the documented
fallback is: Saturdays and Sundays are rest days, and so are the fixed-date statutory holidays of
the 《全国年节及纪念日放假办法》 (元旦 1-1, 劳动节 5-1/5-2, 国庆节 10-1..10-3). Lunar holidays and
调休 cannot be known, so every count touching such a year is flagged ``estimated`` and the UI says
so ("估算"). ``strict=True`` raises ``HolidayDataMissing`` instead.

Once the State Council publishes a year the library does not know yet, an admin enters it as a small file
``holidays/<year>.yaml`` (in the data dir, or shipped beside the rule files) listing its rest days and its
调休 working days; that year then counts exactly and is no longer estimated. Where the library knows a year
it stays the source, and a file for that year is ignored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import chinese_calendar
from chinese_calendar.constants import holidays as _HOLIDAYS

from crm.errors import HuiqiError

COVERED_YEARS: range = range(min(d.year for d in _HOLIDAYS), max(d.year for d in _HOLIDAYS) + 1)
FIXED_STATUTORY: frozenset[tuple[int, int]] = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})
DEFAULT_LEAD_DAYS = 5  # 材料提前 5 个工作日交区里


class HolidayDataMissing(HuiqiError):
    """The holiday schedule of this year is not in chinese-calendar (strict mode)."""

    def __init__(self, day: date):
        self.day = day
        super().__init__(
            f"{day.year} 年的法定节假日安排尚未收录（chinese-calendar 仅含 {COVERED_YEARS.start}–"
            f"{COVERED_YEARS.stop - 1} 年）：{day.isoformat()} 是否为工作日无法确定，请升级 chinese-calendar，"
            f"或按国务院通知在数据目录 holidays/{day.year}.yaml 录入当年安排"
        )


def covered(day: date) -> bool:
    """Whether the official holiday schedule of ``day``'s year is known (library or an entered arrangement)."""
    return day.year in COVERED_YEARS or arrangement(day.year) is not None


def is_working_day(day: date, *, strict: bool = False) -> bool:
    """True on a working day (调休 weekends count); beyond the data: weekday estimate or, strict, an error."""
    if day.year in COVERED_YEARS:
        return _official(day)
    entered = arrangement(day.year)
    if entered is not None:
        return day in entered.workdays or (day.weekday() < 5 and day not in entered.holidays)
    if strict:
        raise HolidayDataMissing(day)
    return day.weekday() < 5 and (day.month, day.day) not in FIXED_STATUTORY


# --- arrangements entered for years the library does not know ------------------------------------------


@dataclass(frozen=True)
class Arrangement:
    """One year's State Council arrangement: rest days on weekdays, working weekend days (调休), its source."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str


class BadArrangement(HuiqiError):
    """A holiday arrangement file that cannot be used (the message names the file and the reason)."""


def arrangement(year: int) -> Arrangement | None:
    """The arrangement entered for ``year`` (data dir first, then beside the rules), if any."""
    from crm.config import get_settings

    settings = get_settings()
    return _arrangement(year, str(settings.data_dir), str(settings.rules_dir))


def arrangement_paths(year: int) -> list[Path]:
    """Where an arrangement for ``year`` is looked for, first match wins."""
    from crm.config import get_settings

    settings = get_settings()
    return [d / "holidays" / f"{year}.yaml" for d in (settings.data_dir, settings.rules_dir)]


def reload_arrangements() -> None:
    """Forget what was read (call after an arrangement file was saved)."""
    _arrangement.cache_clear()
    _prefix.cache_clear()


@lru_cache(maxsize=64)
def _arrangement(year: int, data_dir: str, rules_dir: str) -> Arrangement | None:
    for path in (Path(d) / "holidays" / f"{year}.yaml" for d in (data_dir, rules_dir)):
        if path.is_file():
            return read_arrangement(path, year)
    return None


def read_arrangement(path: Path, year: int) -> Arrangement:
    """Read and check one arrangement file: its year, dates inside that year, rest days on weekdays and
    调休 days on weekends, a source named."""
    import yaml

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if raw.get("year") != year:
            raise ValueError(f"year 应为 {year}")
        if not str(raw.get("source") or "").strip():
            raise ValueError("缺少 source（通知名称与文号）")
        holidays = frozenset(_dates(raw.get("holidays"), year))
        workdays = frozenset(_dates(raw.get("workdays"), year))
    except (OSError, ValueError, TypeError, AttributeError, yaml.YAMLError) as exc:
        raise BadArrangement(f"{path}：{exc}") from exc
    wrong = sorted(d for d in workdays if d.weekday() < 5)
    if wrong:
        raise BadArrangement(f"{path}：workdays 应为周末的调休上班日：{wrong[0]}")
    return Arrangement(year, holidays, workdays, str(raw["source"]).strip())


def _dates(values: Any, year: int) -> list[date]:
    out = []
    for value in values or []:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
        if day.year != year:
            raise ValueError(f"{day} 不在 {year} 年")
        out.append(day)
    return out


@lru_cache(maxsize=16384)
def _official(day: date) -> bool:
    return bool(chinese_calendar.is_workday(day))


@dataclass(frozen=True)
class DaysLeft:
    """How long until a deadline: working days from today to the deadline (both counted) and calendar days."""

    working: int
    calendar: int
    estimated: bool

    @property
    def overdue(self) -> bool:
        return self.calendar < 0

    def label(self) -> str:
        """Chinese text for people, e.g. ``剩 3 个工作日（5 天）``."""
        if self.calendar < 0:
            return f"已过期 {-self.calendar} 天"
        if self.calendar == 0:
            return "今天截止"
        mark = "（估算）" if self.estimated else ""
        return f"剩 {self.working} 个工作日（{self.calendar} 天）{mark}"


def days_left(today: date, deadline: date, *, strict: bool = False) -> DaysLeft:
    """Working days in [today, deadline] and calendar days ``deadline - today`` (negative: overdue)."""
    if deadline < today:
        return DaysLeft(0, (deadline - today).days, False)
    working = working_days_between(today, deadline, strict=strict)
    return DaysLeft(working, (deadline - today).days, not (covered(today) and covered(deadline)))


def working_days_between(start: date, end: date, *, strict: bool = False) -> int:
    """Number of working days d with start <= d <= end (0 when end < start)."""
    if end < start:
        return 0
    total = 0
    for year in range(start.year, end.year + 1):
        if strict and not covered(date(year, 1, 1)):
            raise HolidayDataMissing(max(start, date(year, 1, 1)))
        prefix = _prefix(year, arrangement(year))
        first = (start - date(year, 1, 1)).days if year == start.year else 0
        last = (end - date(year, 1, 1)).days if year == end.year else len(prefix) - 2
        total += prefix[last + 1] - prefix[first]
    return total


@lru_cache(maxsize=64)
def _prefix(year: int, entered: Arrangement | None = None) -> tuple[int, ...]:
    """prefix[i] = working days among the first i days of ``year`` (estimated beyond the data); keyed by the
    year's entered arrangement too, so entering one is seen at once."""
    day, out = date(year, 1, 1), [0]
    while day.year == year:
        out.append(out[-1] + is_working_day(day))
        day += timedelta(days=1)
    return tuple(out)


def add_working_days(day: date, n: int, *, strict: bool = False) -> date:
    """The date ``n`` working days after ``day`` (before it when n < 0); n = 0 rolls back to a working day."""
    step = 1 if n > 0 else -1
    remaining = abs(n)
    if remaining == 0:
        while not is_working_day(day, strict=strict):
            day -= timedelta(days=1)
        return day
    while remaining:
        day += timedelta(days=step)
        remaining -= is_working_day(day, strict=strict)
    return day


def internal_deadline(
    closes: date, lead_working_days: int = DEFAULT_LEAD_DAYS, *, strict: bool = False
) -> date:
    """When materials are due at the district office: ``lead_working_days`` working days before ``closes``."""
    return add_working_days(closes, -lead_working_days, strict=strict)


# --- windows ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """One application window of a policy in a cycle: opens and closes (both inclusive)."""

    policy_id: str
    title: str
    opens: date
    closes: date
    year: int
    batch: str = ""
    note: str = ""
    source: str = "rule"  # rule: the yearly pattern from the policy file | officer: this cycle's actual dates
    lead_days: int = DEFAULT_LEAD_DAYS

    @property
    def internal_deadline(self) -> date:
        return internal_deadline(self.closes, self.lead_days)

    @property
    def cycle(self) -> str:
        """The application cycle this window belongs to, e.g. ``2026`` or ``2026-第二批``."""
        return f"{self.year}-{self.batch}" if self.batch else str(self.year)

    def is_open(self, on: date) -> bool:
        return self.opens <= on <= self.closes


def recurring_windows(
    policy_id: str, title: str, patterns: Sequence[Mapping[str, Any]], year: int
) -> list[Window]:
    """The rule file's yearly ``windows`` (``opens``/``closes`` as MM-DD) laid on ``year``."""
    out: list[Window] = []
    for i, pattern in enumerate(patterns):
        if pattern.get("every", "year") != "year":
            continue
        opens, closes = _month_day(pattern["opens"], year), _month_day(pattern["closes"], year)
        if closes < opens:  # a window across New Year closes in the next year
            closes = _month_day(pattern["closes"], year + 1)
        batch = f"第{i + 1}批" if len(patterns) > 1 else ""
        out.append(Window(policy_id, title, opens, closes, year, batch, pattern.get("note") or ""))
    return out


def merge_windows(rule: Iterable[Window], actual: Iterable[Window]) -> list[Window]:
    """Officer-set windows of a (policy, year) replace the rule's pattern for that year; others kept."""
    actual = list(actual)
    overridden = {(w.policy_id, w.year) for w in actual}
    kept = [w for w in rule if (w.policy_id, w.year) not in overridden]
    return sorted(kept + actual, key=lambda w: (w.closes, w.policy_id, w.batch))


def next_window(windows: Iterable[Window], on: date) -> Window | None:
    """The window open on ``on`` that closes first, else the next to open."""
    live = sorted(
        (w for w in windows if w.closes >= on), key=lambda w: (not w.is_open(on), w.closes, w.opens)
    )
    return live[0] if live else None


def _month_day(text: str, year: int) -> date:
    month, day = (int(x) for x in text.split("-"))
    if (month, day) == (2, 29):
        try:
            return date(year, 2, 29)
        except ValueError:
            return date(year, 2, 28)
    return date(year, month, day)


# --- ICS -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """An all-day calendar entry (window open/close, internal deadline, task)."""

    uid: str
    day: date
    title: str
    kind: str  # window_opens | window_closes | internal_deadline | task | expiry
    description: str = ""
    end: date | None = None  # inclusive last day for multi-day entries


def window_events(window: Window) -> list[Event]:
    """The three dated entries an officer wants for one window: opens, internal deadline, closes."""
    key = f"{window.policy_id}-{window.cycle}-{window.opens.isoformat()}"
    note = f"\n{window.note}" if window.note else ""
    batch = f"（{window.batch}）" if window.batch else ""
    return [
        Event(
            f"open-{key}",
            window.opens,
            f"【开始受理】{window.title}{batch}",
            "window_opens",
            f"申报窗口 {window.opens} 至 {window.closes}{note}",
        ),
        Event(
            f"internal-{key}",
            window.internal_deadline,
            f"【材料交区截止】{window.title}{batch}",
            "internal_deadline",
            f"材料需提前 {window.lead_days} 个工作日交区里；窗口截止 {window.closes}{note}",
        ),
        Event(
            f"close-{key}",
            window.closes,
            f"【申报截止】{window.title}{batch}",
            "window_closes",
            f"申报窗口 {window.opens} 至 {window.closes}{note}",
        ),
    ]


def to_ics(events: Iterable[Event], *, name: str, stamp: datetime | None = None) -> bytes:
    """An iCalendar file (RFC 5545) of all-day events that Outlook and phone calendars import."""
    from icalendar import Calendar
    from icalendar import Event as IcsEvent

    cal = Calendar()
    cal.add("prodid", "-//Huiqi 惠企//Yangpu sports-industry CRM//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    stamp = stamp or datetime.now(UTC)
    for event in events:
        item = IcsEvent()
        item.add("uid", _uid(event.uid))
        item.add("dtstamp", stamp)
        item.add("dtstart", event.day)
        item.add("dtend", (event.end or event.day) + timedelta(days=1))
        item.add("summary", event.title)
        if event.description:
            item.add("description", event.description)
        item.add("categories", [event.kind])
        item.add("transp", "TRANSPARENT")
        cal.add_component(item)
    return cal.to_ical()


def _uid(key: str) -> str:
    return hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:24] + "@huiqi.yangpu"
