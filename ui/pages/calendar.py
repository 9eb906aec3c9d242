"""日历 (/calendar): month and agenda views of windows, internal deadlines and tasks; ICS download."""

from __future__ import annotations

import calendar as month_grid
from datetime import date, timedelta

from nicegui import ui

from crm.i18n import register
from crm.services import deadlines
from crm.services.enterprises import officers
from ui.components.cycle_windows import CycleWindows
from ui.format import days_left
from ui.i18n_ui import tr
from ui.theme import frame

register(
    {
        "ui.cal.title": ("日历", "Calendar"),
        "ui.cal.month": ("月视图", "Month"),
        "ui.cal.today": ("今天", "Today"),
        "ui.cal.agenda": ("日程", "Agenda"),
        "ui.cal.office": ("全办", "Whole office"),
        "ui.cal.officer": ("专员", "Officer"),
        "ui.cal.prev": ("上个月", "Previous month"),
        "ui.cal.next": ("下个月", "Next month"),
        "ui.cal.ics": ("下载日历（ICS）", "Download calendar (ICS)"),
        "ui.cal.empty": ("这段时间没有申报窗口、截止或待办", "No windows, deadlines or tasks in this period"),
        "ui.cal.month_label": ("{year} 年 {month} 月", "{year}-{month:02d}"),
    }
)

WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")
COLORS = {
    "window_opens": "positive",
    "window_closes": "negative",
    "internal_deadline": "warning",
    "task": "primary",
}


def create() -> None:
    @ui.page("/calendar")
    def calendar_page() -> None:
        with frame(tr("ui.cal.title")):
            view = CalendarView()
            view.build()
            CycleWindows(on_change=view.body.refresh).build()


class CalendarView:
    def __init__(self) -> None:
        today = date.today()
        self.month = date(today.year, today.month, 1)
        self.officer_id: int | None = None
        self.view = "agenda"

    def build(self) -> None:
        with ui.row().classes("items-center gap-4"):
            ui.select(
                {None: tr("ui.cal.office"), **{o.id: o.display_name for o in officers()}},
                value=None,
                label=tr("ui.cal.officer"),
                on_change=lambda e: self._set(officer_id=e.value),
            ).classes("w-40").mark("calendar-officer")
            ui.toggle(
                {"agenda": tr("ui.cal.agenda"), "month": tr("ui.cal.month")},
                value=self.view,
                on_change=lambda e: self._set(view=e.value),
            ).mark("calendar-view")
            ui.button(tr("ui.cal.ics"), icon="event", on_click=self.download).props("flat").mark(
                "ics-download"
            )
        self.body()

    def _set(self, **changes: object) -> None:
        for key, value in changes.items():
            setattr(self, key, value)
        self.body.refresh()

    def download(self) -> None:
        ui.download.content(deadlines.ics(officer_id=self.officer_id), "huiqi-calendar.ics", "text/calendar")

    @ui.refreshable_method
    def body(self) -> None:
        if self.view == "month":
            self.month_view()
        else:
            self.agenda_view()

    def agenda_view(self) -> None:
        today = date.today()
        # open tasks already overdue come first (a year back), then everything of the next 90 days
        items = [
            i
            for i in deadlines.agenda(
                today - timedelta(days=365), today + timedelta(days=90), officer_id=self.officer_id, on=today
            )
            if i.day >= today or i.kind == "task"
        ]
        if not items:
            ui.label(tr("ui.cal.empty")).classes("text-grey-7")
        with ui.list().props("dense separator").classes("w-full").mark("agenda"):
            for item in items:
                with ui.item():
                    with ui.item_section().props("side"):
                        ui.label(item.day.isoformat()).classes("text-mono")
                    with ui.item_section():
                        ui.item_label(item.title)
                        ui.item_label(item.detail).props("caption")
                    with ui.item_section().props("side"):
                        overdue = item.left is not None and item.left.overdue
                        ui.badge(
                            days_left(item.left),
                            color="negative" if overdue else COLORS.get(item.kind, "grey"),
                        ).mark(f"agenda-left-{item.day}")

    def month_view(self) -> None:
        first = self.month
        last = date(first.year, first.month, month_grid.monthrange(first.year, first.month)[1])
        by_day: dict[date, list[deadlines.AgendaItem]] = {}
        for item in deadlines.agenda(first, last, officer_id=self.officer_id):
            by_day.setdefault(item.day, []).append(item)
        with ui.row().classes("items-center gap-2"):
            ui.button(icon="chevron_left", on_click=lambda: self._shift(-1)).props("flat dense").tooltip(
                tr("ui.cal.prev")
            ).mark("month-prev")
            ui.label(tr("ui.cal.month_label", year=first.year, month=first.month)).classes("text-h6").mark(
                "month-label"
            )
            ui.button(icon="chevron_right", on_click=lambda: self._shift(1)).props("flat dense").tooltip(
                tr("ui.cal.next")
            ).mark("month-next")
        with ui.grid(columns=7).classes("w-full gap-1"):
            for name in WEEKDAYS:
                ui.label(name).classes("text-center text-caption text-grey-7")
            for _ in range(first.weekday()):
                ui.label("")
            for day in range(1, last.day + 1):
                self.day_cell(date(first.year, first.month, day), by_day)

    def day_cell(self, day: date, by_day: dict[date, list[deadlines.AgendaItem]]) -> None:
        is_today = day == date.today()
        cell = ui.card().classes("q-pa-xs min-h-[5rem]").props("flat bordered").mark(f"day-{day}")
        if is_today:  # a visible frame and a 今天 tag, not only a class Quasar does not know
            cell.classes("bg-blue-1").style("border: 2px solid var(--q-primary)")
        with cell:
            with ui.row().classes("items-center gap-1"):
                ui.label(str(day.day)).classes(
                    "text-caption" + (" text-bold text-primary" if is_today else "")
                )
                if is_today:
                    ui.badge(tr("ui.cal.today"), color="primary").props("dense").mark("today-marker")
            for item in by_day.get(day, []):
                ui.label(item.title).classes(f"text-caption text-{COLORS.get(item.kind, 'grey')}")

    def _shift(self, months: int) -> None:
        index = self.month.year * 12 + self.month.month - 1 + months
        self.month = date(index // 12, index % 12 + 1, 1)
        self.body.refresh()
