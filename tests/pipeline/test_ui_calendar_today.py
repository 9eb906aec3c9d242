"""日历: the month view marks today, and the agenda keeps an overdue open task at the top."""

from __future__ import annotations

from datetime import date, timedelta

from nicegui import ui
from nicegui.testing import User

from tests.pipeline.conftest import Office, add_task


async def test_the_month_view_marks_today(user: User, office: Office) -> None:
    await user.open("/calendar")
    for toggle in user.find(kind=ui.toggle).elements:
        toggle.set_value("month")
    await user.should_see(marker="today-marker")
    cell = user.find(f"day-{date.today()}").elements.pop()
    assert "var(--q-primary)" in cell._style.get("border", "")


async def test_an_overdue_task_stays_on_the_agenda(user: User, office: Office) -> None:
    due = date.today() - timedelta(days=3)
    add_task(office.ent["跃动"], "补交 2025 年审计报告", due, office.zhang)
    await user.open("/calendar")
    await user.should_see("补交 2025 年审计报告")
    assert user.find(f"agenda-left-{due}").elements.pop().text == "已过期 3 天"
