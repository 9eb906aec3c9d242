"""Dashboard figures an officer reads off the cards and charts, and their .xlsx export."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from crm.services import dashboard, pipeline
from tests.pipeline.conftest import TODAY, Office


def _decided(office: Office) -> None:
    a = pipeline.create_from_match(office.ent["跃动"], "hnte", on=date(2026, 3, 2))
    a = pipeline.move(a.id, a.version, "reviewing", on=date(2026, 6, 1))
    a = pipeline.move(a.id, a.version, "approved", on=date(2026, 10, 20))
    pipeline.update(a.id, a.version, {"amount_secured": "200000"})
    b = pipeline.create_from_match(office.ent["蓝湾"], "hnte", on=date(2026, 3, 2))
    b = pipeline.move(b.id, b.version, "reviewing", on=date(2026, 6, 1))
    pipeline.move(b.id, b.version, "rejected", on=date(2026, 10, 20))
    pipeline.create_from_match(office.ent["赛途"], "hnte", on=date(2026, 3, 2))


def test_cards_and_charts(office: Office) -> None:
    _decided(office)
    board = dashboard.dashboard(on=TODAY)
    cards = {k.key: k.value for k in board.kpis}
    assert cards["enterprises"] == "4" and cards["approved"] == "1" and cards["amount"] == "20.00"
    assert cards["worth_telling"] == "3" and cards["open_applications"] == "1"
    assert board.chart("by_street").categories[:2] == ["江浦路", "殷行"]
    assert dict(zip(board.chart("funnel").categories, board.chart("funnel").series[0][1], strict=True)) == {
        "推荐": 3,
        "已告知": 2,
        "准备材料": 2,
        "已申报": 2,
        "评审中": 2,
        "获批": 1,
        "兑现": 0,
    }
    assert board.chart("matches").series[0] == ("符合", [1, 1])
    assert Decimal(str(board.chart("approvals").series[1][1][0])) == Decimal("20")


def test_every_chart_exports_to_xlsx(office: Office) -> None:
    _decided(office)
    board = dashboard.dashboard(on=TODAY)
    book = load_workbook(io.BytesIO(dashboard.export_xlsx(board)))
    assert book.sheetnames == ["关键指标", *[c.title for c in board.charts]]
    funnel = book["2026 年申报漏斗"]
    assert [c.value for c in funnel[2]] == ["推荐", 3]
