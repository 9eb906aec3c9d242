"""Working-day arithmetic across the Spring Festival and National Day, 调休 weekends included."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm import calendar as cal

D = date


# --- single days: official rest days on weekdays, official working Saturdays/Sundays (调休)
@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 2, 14), True),  # Saturday, worked before the Spring Festival
        (D(2026, 2, 16), False),  # Monday, Spring Festival
        (D(2026, 2, 23), False),  # Monday, last day of the Spring Festival break
        (D(2026, 2, 28), True),  # Saturday, worked after it
        (D(2026, 9, 20), True),  # Sunday, worked before National Day
        (D(2026, 10, 5), False),  # Monday, National Day
        (D(2026, 10, 10), True),  # Saturday, worked after it
        (D(2026, 11, 28), False),  # an ordinary Saturday
    ],
)
def test_official_schedule(day: date, working: bool) -> None:
    assert cal.is_working_day(day) is working


def test_spring_festival_week_counts_the_adjusted_saturday_and_skips_the_break() -> None:
    # Fri 13, Sat 14 (调休), 15–23 off, then Tue 24 .. Fri 27
    assert cal.working_days_between(D(2026, 2, 13), D(2026, 2, 27)) == 6
    assert cal.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)


def test_internal_deadline_five_working_days_before_a_close_after_national_day() -> None:
    # back from Mon 12 Oct: Sat 10 (调休), Fri 9, Thu 8, then the break, Wed 30 Sep, Tue 29 Sep
    assert cal.internal_deadline(D(2026, 10, 12), 5) == D(2026, 9, 29)


def test_days_left_in_working_and_calendar_days() -> None:
    left = cal.days_left(D(2026, 11, 28), D(2026, 12, 4))
    assert (left.working, left.calendar, left.estimated) == (5, 6, False)
    assert left.label() == "剩 5 个工作日（6 天）"
    assert cal.days_left(D(2026, 12, 1), D(2026, 11, 28)).label() == "已过期 3 天"
    assert cal.days_left(D(2026, 11, 28), D(2026, 11, 28)).label() == "今天截止"  # even on a Saturday


def test_a_year_beyond_the_holiday_data_is_estimated_and_says_so() -> None:
    assert 2026 in cal.COVERED_YEARS
    assert not cal.covered(D(2099, 1, 4))
    assert cal.is_working_day(D(2099, 1, 1)) is False  # 元旦 is a fixed date
    left = cal.days_left(D(2098, 12, 28), D(2099, 1, 6))
    assert left.estimated and "估算" in left.label()


def test_strict_mode_refuses_a_year_without_holiday_data() -> None:
    with pytest.raises(cal.HolidayDataMissing, match="2099 年的法定节假日安排尚未收录"):
        cal.is_working_day(D(2099, 2, 1), strict=True)


@given(st.dates(date(2024, 1, 1), date(2028, 12, 31)), st.integers(-5, 800))
@settings(max_examples=200, deadline=None)
def test_fast_count_agrees_with_counting_day_by_day(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    slow = sum(cal.is_working_day(start + timedelta(days=i)) for i in range(span + 1)) if span >= 0 else 0
    assert cal.working_days_between(start, end) == slow


def test_strict_count_refuses_a_range_reaching_past_the_data() -> None:
    with pytest.raises(cal.HolidayDataMissing):
        cal.working_days_between(date(2026, 12, 1), date(2099, 1, 10), strict=True)
