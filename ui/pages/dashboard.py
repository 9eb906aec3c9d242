"""工作台 (/): the radar (who to call this week), KPI cards and charts, per officer or for the office."""

from __future__ import annotations

from datetime import date

from nicegui import ui

from crm.domain import OUTCOME_HEX
from crm.i18n import register
from crm.services import dashboard, pipeline
from crm.services import radar as radar_service
from crm.services.enterprises import current_actor, officers
from ui.format import days_left
from ui.i18n_ui import tr
from ui.theme import frame

register(
    {
        "ui.dash.title": ("工作台", "Dashboard"),
        "ui.dash.office": ("全办", "Whole office"),
        "ui.dash.officer": ("专员", "Officer"),
        "ui.dash.radar": ("本周要办", "This week"),
        "ui.dash.none": ("暂无", "Nothing"),
        "ui.dash.more": ("共 {n} 项，显示前 {shown} 项", "{n} in total, first {shown} shown"),
        "ui.dash.show_all": ("查看全部", "Show all"),
        "ui.dash.col.enterprise": ("企业", "Enterprise"),
        "ui.dash.col.what": ("事项", "What"),
        "ui.dash.col.detail": ("说明", "Detail"),
        "ui.dash.col.due": ("期限", "Due"),
        "ui.dash.close": ("关闭", "Close"),
        "ui.dash.open_app": ("建申报", "Open application"),
        "ui.dash.opened": ("已建申报 #{id}", "Application #{id} opened"),
        "ui.dash.export": ("导出图表数据（Excel）", "Export chart data (Excel)"),
        "ui.dash.figures": ("统计", "Figures"),
    }
)


def create() -> None:
    @ui.page("/")
    def dashboard_page() -> None:
        with frame(tr("ui.dash.title")):
            Workbench().build()


class Workbench:
    def __init__(self) -> None:
        self.team = officers()
        me = current_actor()
        # an officer opens on their own call list; an admin without enterprises of their own on the office's
        self.officer_id: int | None = next(
            (o.id for o in self.team if o.username == me and o.role == "officer"), None
        )

    def build(self) -> None:
        choices = {None: tr("ui.dash.office"), **{o.id: o.display_name for o in self.team}}
        ui.select(
            choices,
            value=self.officer_id,
            label=tr("ui.dash.officer"),
            on_change=lambda e: self._officer(e.value),
        ).classes("w-48").mark("radar-officer")
        self.radar()
        self.figures()

    def _officer(self, officer_id: int | None) -> None:
        self.officer_id = officer_id
        self.radar.refresh()

    @ui.refreshable_method
    def radar(self) -> None:
        result = radar_service.radar(
            officer_id=self.officer_id, settings=radar_service.RadarSettings(limit=10)
        )
        ui.label(tr("ui.dash.radar")).classes("text-h6")
        with ui.row().classes("w-full gap-3 items-stretch"):
            for section in result.sections:
                self.section(section)

    def section(self, section: radar_service.Section) -> None:
        with ui.card().classes("w-96 q-pa-sm").mark(f"radar-{section.key}"):
            ui.label(f"{section.title}（{section.shown_total}）").classes("text-subtitle1")
            if not section.items:
                ui.label(tr("ui.dash.none")).classes("text-grey-7")
            for item in section.items:
                with ui.row().classes("w-full items-center no-wrap gap-2"):
                    with ui.column().classes("gap-0 col"):
                        ui.link(item.enterprise, f"/enterprises/{item.enterprise_id}").classes("text-body2")
                        ui.label(f"{item.what}｜{item.detail}").classes("text-caption")
                    if item.left is not None:  # a stall has no deadline: its detail says how long
                        ui.badge(
                            _countdown(item), color="negative" if item.left.overdue else "primary"
                        ).classes("text-center").style("white-space: normal; max-width: 8rem").mark(
                            f"due-{section.key}-{item.enterprise_id}"
                        )
                    if section.key == "untold" and item.policy_id:
                        ui.button(
                            tr("ui.dash.open_app"), on_click=lambda i=item: self.open_application(i)
                        ).props("flat dense size=sm").mark(f"open-app-{item.enterprise_id}-{item.policy_id}")
            if section.total > len(section.items):
                with ui.row().classes("w-full items-center"):
                    ui.label(tr("ui.dash.more", n=section.shown_total, shown=len(section.items))).classes(
                        "text-caption"
                    )
                    ui.space()
                    ui.button(tr("ui.dash.show_all"), on_click=lambda k=section.key: self.show_all(k)).props(
                        "flat dense no-caps size=sm"
                    ).mark(f"show-all-{section.key}")

    def show_all(self, key: str) -> None:
        """Every item of one card (up to the radar's cap), paged, each row opening its enterprise."""
        section = radar_service.section(key, officer_id=self.officer_id)
        columns = [
            {"name": c, "label": tr(f"ui.dash.col.{c}"), "field": c, "align": "left"}
            for c in ("enterprise", "what", "detail", "due")
        ]
        rows = [
            {
                "id": n,
                "enterprise_id": i.enterprise_id,
                "enterprise": i.enterprise,
                "what": i.what,
                "detail": i.detail,
                "due": _countdown(i),
            }
            for n, i in enumerate(section.items)
        ]
        with ui.dialog() as dialog, ui.card().style("min-width: min(72rem, 95vw)"):
            ui.label(f"{section.title}（{section.shown_total}）").classes("text-h6")
            table = (
                ui.table(columns=columns, rows=rows, row_key="id", pagination=20)
                .props("dense flat wrap-cells")
                .classes("w-full cursor-pointer")
                .mark(f"all-{key}")
            )
            table.on("rowClick", lambda e: ui.navigate.to(f"/enterprises/{e.args[1]['enterprise_id']}"))
            ui.button(tr("ui.dash.close"), on_click=dialog.close).props("flat")
        dialog.open()

    def open_application(self, item: radar_service.Item) -> None:
        try:
            app = pipeline.create_from_match(
                item.enterprise_id, item.policy_id or "", cycle=item.cycle, outcome=item.outcome
            )
        except pipeline.DuplicateApplication as exc:
            ui.notify(exc.message(), type="warning")
            return
        ui.notify(tr("ui.dash.opened", id=app.id), type="positive")
        self.radar.refresh()  # the enterprise is being dealt with: it leaves the call list

    def figures(self) -> None:
        board = dashboard.dashboard()
        ui.label(tr("ui.dash.figures")).classes("text-h6 q-mt-md")
        with ui.row().classes("gap-3"):
            for kpi in board.kpis:
                with ui.card().classes("q-pa-sm w-48").mark(f"kpi-{kpi.key}"):
                    ui.label(kpi.label).classes("text-caption text-grey-7")
                    ui.label(kpi.value).classes("text-h5 text-primary")
        ui.button(
            tr("ui.dash.export"),
            icon="download",
            on_click=lambda: ui.download.content(
                dashboard.export_xlsx(dashboard.dashboard()), f"huiqi-dashboard-{date.today()}.xlsx"
            ),
        ).props("flat").mark("export-xlsx")
        with ui.grid(columns=2).classes("w-full gap-3"):
            for chart in board.charts:
                with ui.card().classes("q-pa-sm"):
                    ui.echart(echart_options(chart)).classes("w-full h-72").mark(f"chart-{chart.key}")


def _countdown(item: radar_service.Item) -> str:
    """Time left, saying which deadline it counts down to when that is the materials' (before the close)."""
    left = days_left(item.left)
    if item.due_kind == "internal_deadline":
        return f"{tr('ui.deadline.internal_deadline')} {left}"
    return left


def echart_options(chart: dashboard.Chart) -> dict:
    """ECharts options of one chart (bars horizontal so long Chinese labels stay readable)."""
    return {"textStyle": {"fontFamily": CHART_FONT}, **_options(chart)}


# charts draw on a canvas, which does not inherit the page's CSS fonts: name the same stack, bundled font last
CHART_FONT = (
    "-apple-system, 'Segoe UI', Roboto, 'PingFang SC', 'Microsoft YaHei', 'Huiqi Sans SC', sans-serif"
)


def _options(chart: dashboard.Chart) -> dict:
    stacked = chart.kind == "stacked"
    if chart.kind == "funnel":
        return {
            "title": {"text": chart.title, "textStyle": {"fontSize": 14}},
            "tooltip": {},
            "series": [
                {
                    "type": "funnel",
                    "sort": "none",
                    "label": {"formatter": "{b}：{c}"},
                    "data": [
                        {"name": c, "value": v}
                        for c, v in zip(chart.categories, chart.series[0][1], strict=True)
                    ],
                }
            ],
        }
    return {
        "title": {"text": chart.title, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        # the legend below the bars, never over the title
        "legend": {"bottom": 0, "type": "scroll"} if len(chart.series) > 1 else {"show": False},
        "grid": {"left": 8, "right": 24, "top": 36, "bottom": 32, "containLabel": True},
        "xAxis": {"type": "value"},
        "yAxis": {
            "type": "category",
            "data": chart.categories,
            "inverse": True,
            # long Chinese names end in … instead of running off the card (the tooltip has them whole)
            "axisLabel": {"width": 180, "overflow": "truncate"},
        },
        "series": [
            {
                "name": name,
                "type": "bar",
                "data": values,
                **({"stack": "all"} if stacked else {}),
                **({"itemStyle": {"color": OUTCOME_HEX[code]}} if code in OUTCOME_HEX else {}),
            }
            for (name, values), code in zip(chart.series, _codes(chart), strict=True)
        ],
    }


def _codes(chart: dashboard.Chart) -> list[str]:
    """The vocabulary code of each series (outcomes draw in their own colours), '' where there is none."""
    return list(chart.keys) if len(chart.keys) == len(chart.series) else [""] * len(chart.series)
