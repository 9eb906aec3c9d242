"""A year chinese-calendar does not know yet: the admin enters the State Council's arrangement as
holidays/<year>.yaml; deadlines then count its rest days and 调休 working days, and are no longer estimated."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from crm import calendar as cal
from crm.config import Settings

YEAR = max(cal.COVERED_YEARS) + 1
# a test arrangement (not the real one): a weekday off and a Saturday worked
HOLIDAY = next(date(YEAR, 2, d) for d in range(1, 28) if date(YEAR, 2, d).weekday() == 0)  # a Monday
WORKDAY = next(date(YEAR, 2, d) for d in range(1, 28) if date(YEAR, 2, d).weekday() == 5)  # a Saturday


@pytest.fixture
def entered(huiqi_env: Settings) -> Iterator[Path]:
    path = huiqi_env.data_dir / "holidays" / f"{YEAR}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"year: {YEAR}\nsource: 国务院办公厅关于{YEAR}年部分节假日安排的通知（测试）\n"
        f"holidays: [{HOLIDAY}]\nworkdays: [{WORKDAY}]\n",
        encoding="utf-8",
    )
    cal.reload_arrangements()
    yield path
    cal.reload_arrangements()


def test_without_an_arrangement_the_year_is_estimated(huiqi_env: Settings) -> None:
    cal.reload_arrangements()
    assert not cal.covered(HOLIDAY)
    assert cal.is_working_day(HOLIDAY) and not cal.is_working_day(WORKDAY)
    assert cal.days_left(date(YEAR, 1, 5), date(YEAR, 3, 1)).estimated


def test_an_entered_arrangement_counts_exactly_and_is_not_estimated(entered: Path) -> None:
    assert cal.covered(HOLIDAY)
    assert not cal.is_working_day(HOLIDAY) and cal.is_working_day(WORKDAY)
    left = cal.days_left(date(YEAR, 1, 5), date(YEAR, 3, 1))
    assert not left.estimated and "估算" not in left.label()
    # deadlines count the entered days: the weekday off is not a working day, the worked Saturday is
    assert cal.working_days_between(HOLIDAY, HOLIDAY) == 0 and cal.working_days_between(WORKDAY, WORKDAY) == 1
    assert (
        cal.working_days_between(date(YEAR, 1, 1), date(YEAR, 12, 31), strict=True) > 0
    )  # strict accepts it


def test_the_library_stays_the_source_for_a_year_it_knows(huiqi_env: Settings) -> None:
    known = max(cal.COVERED_YEARS)
    path = huiqi_env.data_dir / "holidays" / f"{known}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"year: {known}\nsource: 误录\nholidays: [{known}-03-02]\n", encoding="utf-8")
    cal.reload_arrangements()
    assert cal.is_working_day(date(known, 3, 2)) == cal._official(date(known, 3, 2))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("year: 1999\nsource: x\n", "year 应为"),
        (f"year: {YEAR}\n", "缺少 source"),
        (f"year: {YEAR}\nsource: x\nholidays: [{YEAR + 1}-01-01]\n", "不在"),
        (f"year: {YEAR}\nsource: x\nworkdays: [{HOLIDAY}]\n", "周末的调休上班日"),
    ],
)
def test_a_bad_file_is_refused_with_its_path_and_reason(huiqi_env: Settings, text: str, reason: str) -> None:
    huiqi_env.data_dir.mkdir(parents=True, exist_ok=True)
    path = huiqi_env.data_dir / f"{YEAR}.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(cal.BadArrangement, match=reason) as refused:
        cal.read_arrangement(path, YEAR)
    assert str(path) in refused.value.message("zh")
