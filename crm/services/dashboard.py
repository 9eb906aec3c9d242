"""KPI cards and chart data of the 工作台 and the yearly report; every chart exportable to .xlsx."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from crm import domain
from crm.db import session_scope
from crm.models import PipelineStage
from crm.services import deadlines
from crm.store import Session, applications
from crm.store import dashboard as tallies


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    value: str
    raw: float


@dataclass(frozen=True)
class Chart:
    """One chart's numbers: categories along one axis, one or more named series."""

    key: str
    title: str
    kind: str  # bar | stacked | funnel
    categories: list[str]
    series: list[tuple[str, Sequence[float]]]
    unit: str = "家"
    keys: tuple[
        str, ...
    ] = ()  # the code of each series where it has one (outcome codes), for colours and sums


@dataclass
class Dashboard:
    year: int
    on: date
    kpis: list[Kpi] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)

    def chart(self, key: str) -> Chart:
        return next(c for c in self.charts if c.key == key)


def dashboard(*, year: int | None = None, on: date | None = None) -> Dashboard:
    """Every KPI and chart for ``year`` (default: this year) as of ``on``."""
    on = on or date.today()
    year = year or on.year
    with session_scope() as session:
        places = tallies.enterprise_counts(session=session)
        stages = _stage_counts(session, year)
        charts = [
            by_division(places),
            by_street(places),
            matches(session),
            funnel(session, stages, year),
            approvals(session, year),
            packs_by_month(session, year),
        ]
        return Dashboard(year, on, kpis(session, year, charts, places, stages), charts)


def kpis(
    session: Session,
    year: int,
    charts: list[Chart],
    places: dict[tuple[Any, Any], int],
    stages: dict[tuple[str, str], int],
) -> list[Kpi]:
    """The headline numbers (the cards)."""
    enterprises = sum(places.values())
    match_chart = next(c for c in charts if c.key == "matches")
    worth = sum(
        sum(v)
        for key, (_, v) in zip(match_chart.keys, match_chart.series, strict=True)
        if key in ("eligible", "likely")
    )
    open_codes = set(applications.stage_codes(session=session, outcome="open"))
    open_apps = sum(n for (stage, y), n in stages.items() if y == "*" and stage in open_codes)
    approved = next(c for c in charts if c.key == "approvals")
    count = sum(approved.series[0][1])
    amount = sum(approved.series[1][1])
    packs = sum(next(c for c in charts if c.key == "packs").series[0][1])
    return [
        Kpi("enterprises", "在册企业", f"{enterprises:,}", enterprises),
        Kpi("worth_telling", "符合或基本符合的政策匹配", f"{int(worth):,}", worth),
        Kpi("open_applications", "在办申报", f"{open_apps:,}", open_apps),
        Kpi("approved", f"{year} 年获批", f"{int(count):,}", count),
        Kpi("amount", f"{year} 年获批金额（万元）", f"{amount:,.2f}", amount),
        Kpi("packs", f"{year} 年发放服务包", f"{int(packs):,}", packs),
    ]


def by_division(places: dict[tuple[Any, Any], int]) -> Chart:
    """Live enterprises per sports-industry division (01–11, then 未填)."""
    counts = _sum_by(places, 1)
    cats = [code for code in domain.SPORTS_DIVISIONS if counts.get(code)] + (
        [None] if counts.get(None) else []
    )
    return Chart(
        "by_division",
        "企业按体育产业类别",
        "bar",
        [f"{c} {domain.SPORTS_DIVISIONS[c][0]}" if c else "未填" for c in cats],
        [("企业数", [counts[c] for c in cats])],
    )


def by_street(places: dict[tuple[Any, Any], int]) -> Chart:
    """Live enterprises per street of Yangpu."""
    counts = _sum_by(places, 0)
    cats = [s for s in domain.STREETS if counts.get(s)] + [s for s in counts if s not in domain.STREETS]
    return Chart(
        "by_street", "企业按街道", "bar", [s or "未填" for s in cats], [("企业数", [counts[s] for s in cats])]
    )


def matches(session: Session) -> Chart:
    """Stored matches per policy, split by outcome."""
    # the source holds live enterprises only (a deleted enterprise's matches are not stored)
    rows = tallies.match_counts(session=session)
    titles = deadlines.policy_titles()
    policies = sorted(
        {p for p, _, _ in rows}, key=lambda p: (list(titles).index(p) if p in titles else 99, p)
    )
    table = {(p, o): n for p, o, n in rows}
    series = {code: [table.get((p, code), 0) for p in policies] for code in domain.OUTCOMES}
    shown = [code for code, values in series.items() if any(values)]
    return Chart(
        "matches",
        "政策匹配结果",
        "stacked",
        [titles.get(p, p) for p in policies],
        [(domain.outcome_label(code), series[code]) for code in shown],
        keys=tuple(shown),
    )


def funnel(session: Session, by_stage: dict[tuple[str, str], int], year: int) -> Chart:
    """Applications of the year's cycles that reached each stage (a rejection reached the stage before it)."""
    stages = applications.stages(session=session)
    counts = {stage: n for (stage, y), n in by_stage.items() if y == str(year)}
    chain = [s for s in stages if s.outcome != "lost"]
    reached = []
    for i, stage in enumerate(chain):
        later = sum(counts.get(s.code, 0) for s in chain[i:])
        lost = sum(
            counts.get(s.code, 0)
            for s in stages
            if s.outcome == "lost" and _before(stages, s) >= _index(chain, stage)
        )
        reached.append(later + lost)
    return Chart(
        "funnel", f"{year} 年申报漏斗", "funnel", [s.label_zh for s in chain], [("申报数", reached)], "件"
    )


def approvals(session: Session, year: int) -> Chart:
    """Approvals decided in ``year`` per policy: count and amount secured (万元)."""
    won = applications.stage_codes(session=session, outcome="won")
    rows = tallies.approvals(session=session, year=year, won=won)
    titles = deadlines.policy_titles()
    return Chart(
        "approvals",
        f"{year} 年获批情况",
        "bar",
        [titles.get(p, p) for p, _, _ in rows],
        [("获批数", [n for _, n, _ in rows]), ("获批金额（万元）", [_wan(amount) for _, _, amount in rows])],
        "件",
    )


def packs_by_month(session: Session, year: int) -> Chart:
    """Service packs handed out per month of ``year``."""
    rows = tallies.packs_per_month(session=session, year=year)
    return Chart(
        "packs",
        f"{year} 年服务包发放",
        "bar",
        [f"{m}月" for m in range(1, 13)],
        [("服务包", [int(rows.get(m, 0)) for m in range(1, 13)])],
        "份",
    )


def export_xlsx(board: Dashboard) -> bytes:
    """Every chart's numbers as an .xlsx workbook: one sheet per chart, plus the KPI cards."""
    from openpyxl import Workbook

    from crm.intake.export import safe_cell

    book = Workbook()
    sheet = book.active
    sheet.title = "关键指标"
    sheet.append(["指标", "数值"])
    for k in board.kpis:
        sheet.append([safe_cell(sheet, k.label), safe_cell(sheet, k.raw)])
    for chart in board.charts:
        ws = book.create_sheet(chart.title[:31])
        ws.append([safe_cell(ws, v) for v in ["类别", *[name for name, _ in chart.series]]])
        for i, cat in enumerate(chart.categories):
            ws.append([safe_cell(ws, v) for v in [cat, *[values[i] for _, values in chart.series]]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sum_by(places: dict[tuple[Any, Any], int], index: int) -> dict[Any, int]:
    out: dict[Any, int] = {}
    for key, n in places.items():
        out[key[index]] = out.get(key[index], 0) + n
    return out


def _stage_counts(session: Session, year: int) -> dict[tuple[str, str], int]:
    """Live applications per stage: all cycles under ``(stage, "*")``, the year's cycles under ``(stage, year)``.

    The store groups by the raw (stage, cycle) so the count is a scan of the covering index; the year is read here.
    """
    out: dict[tuple[str, str], int] = {}
    for stage, cycle, n in tallies.application_counts(session=session):
        out[(stage, "*")] = out.get((stage, "*"), 0) + n
        if cycle == str(year) or cycle.startswith(f"{year}-"):
            out[(stage, str(year))] = out.get((stage, str(year)), 0) + n
    return out


def _index(chain: list[PipelineStage], stage: PipelineStage) -> int:
    return chain.index(stage)


def _before(stages: list[PipelineStage], lost: PipelineStage) -> int:
    """Index in the non-lost chain of the last still-open stage before a lost one (评审中 for 未获批)."""
    chain = [s for s in stages if s.outcome != "lost"]
    earlier = [s for s in chain if s.position < lost.position and s.outcome == "open"]
    return chain.index(earlier[-1]) if earlier else 0


def _wan(amount: Any) -> float:
    return float((Decimal(amount or 0) / 10000).quantize(Decimal("0.01")))
