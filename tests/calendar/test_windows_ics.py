"""Recurring windows from rule files, officer-set batches, and ICS files a calendar app imports."""

from __future__ import annotations

from datetime import date

from icalendar import Calendar

from crm import calendar as cal

D = date
HNTE = [
    {"opens": "03-01", "closes": "05-31", "every": "year", "note": "第一批"},
    {"opens": "06-01", "closes": "10-10", "every": "year"},
]


def test_yearly_pattern_is_laid_on_the_asked_year_as_batches() -> None:
    windows = cal.recurring_windows("hnte", "高新技术企业认定", HNTE, 2027)
    assert [(w.opens, w.closes, w.batch) for w in windows] == [
        (D(2027, 3, 1), D(2027, 5, 31), "第1批"),
        (D(2027, 6, 1), D(2027, 10, 10), "第2批"),
    ]
    assert windows[0].note == "第一批" and windows[1].cycle == "2027-第2批"


def test_a_window_across_new_year_closes_the_next_year() -> None:
    [w] = cal.recurring_windows("x", "跨年", [{"opens": "12-01", "closes": "01-15"}], 2026)
    assert (w.opens, w.closes) == (D(2026, 12, 1), D(2027, 1, 15))


def test_officer_set_dates_replace_the_pattern_for_that_year_only() -> None:
    rule = cal.recurring_windows("hnte", "高企", HNTE, 2026) + cal.recurring_windows(
        "hnte", "高企", HNTE, 2027
    )
    actual = [cal.Window("hnte", "高企", D(2026, 4, 1), D(2026, 4, 30), 2026, "第三批", source="officer")]
    merged = cal.merge_windows(rule, actual)
    assert [w.source for w in merged if w.year == 2026] == ["officer"]
    assert len([w for w in merged if w.year == 2027]) == 2


def test_next_window_prefers_the_open_one() -> None:
    windows = cal.recurring_windows("hnte", "高企", HNTE, 2026)
    assert cal.next_window(windows, D(2026, 7, 1)).batch == "第2批"
    assert cal.next_window(windows, D(2026, 11, 28)) is None


def test_ics_round_trip_keeps_every_dated_entry() -> None:
    [w] = cal.recurring_windows("hnte", "高新技术企业认定", [HNTE[1]], 2026)
    events = cal.window_events(w) + [cal.Event("task-7", D(2026, 12, 3), "回访某体育公司", "task")]
    data = cal.to_ics(events, name="惠企 · 张三")
    parsed = Calendar.from_ical(data)
    vevents = parsed.walk("VEVENT")
    assert str(parsed["X-WR-CALNAME"]) == "惠企 · 张三"
    got = {str(e["SUMMARY"]): e["DTSTART"].dt for e in vevents}
    assert got == {
        "【开始受理】高新技术企业认定": D(2026, 6, 1),
        "【材料交区截止】高新技术企业认定": D(2026, 9, 28),
        "【申报截止】高新技术企业认定": D(2026, 10, 10),
        "回访某体育公司": D(2026, 12, 3),
    }
    assert all((e["DTEND"].dt - e["DTSTART"].dt).days == 1 for e in vevents)  # all-day entries
    assert len({str(e["UID"]) for e in vevents}) == 4
    # the same entries give the same UIDs, so a re-import updates instead of duplicating
    again = Calendar.from_ical(cal.to_ics(events, name="x")).walk("VEVENT")
    assert [str(e["UID"]) for e in again] == [str(e["UID"]) for e in vevents]
