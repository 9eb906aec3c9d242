"""The district's yearly statistics report: dashboard numbers + SVG charts -> templates/report.html -> PDF.

Goes through the packs' renderer (sandboxed Jinja2, WeasyPrint, templates-only fetcher, subset CJK fonts).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from crm import svgchart
from crm.services import dashboard

TEMPLATE = "report.html"
OFFICE = "杨浦区投资促进办公室"


def build_context(board: dashboard.Dashboard) -> dict[str, Any]:
    """Plain data for the report template: KPI cards, and each chart as a table plus its SVG drawing."""
    return {
        "document_id": f"huiqi-report-{board.year}-{board.on.isoformat()}",
        "year": board.year,
        "generated_on": board.on.isoformat(),
        "office": OFFICE,
        "kpis": [{"label": k.label, "value": k.value} for k in board.kpis],
        "charts": [_chart(c) for c in board.charts],
    }


def _chart(chart: dashboard.Chart) -> dict[str, Any]:
    if chart.kind == "funnel":
        svg = svgchart.funnel(chart.categories, chart.series[0][1], unit=chart.unit)
    elif chart.key == "approvals" and chart.series:
        svg = svgchart.bars(chart.categories, chart.series[:1], unit=chart.unit)
    else:
        svg = svgchart.bars(
            chart.categories,
            chart.series,
            unit=chart.unit if len(chart.series) == 1 else "",
            stacked=chart.kind == "stacked",
        )
    rows = [[cat, *[_fmt(values[i]) for _, values in chart.series]] for i, cat in enumerate(chart.categories)]
    return {
        "title": chart.title,
        "svg": svg,
        "empty": not chart.categories,
        "header": ["类别", *[name for name, _ in chart.series]],
        "rows": rows,
    }


def _fmt(value: float) -> str:
    return f"{value:,.2f}" if value != int(value) else f"{int(value):,}"


def report_pdf(year: int, *, on: date | None = None) -> bytes:
    """The yearly report as PDF bytes."""
    from crm.packs.render import get_renderer

    board = dashboard.dashboard(year=year, on=on)
    return get_renderer().render_pdf(build_context(board), template=TEMPLATE)
