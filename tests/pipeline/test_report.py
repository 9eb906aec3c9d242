"""The yearly report PDF: KPI figures, chart tables and chart drawings (SVG text) all in the PDF text."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader
from typer.testing import CliRunner

from crm import cli
from crm.services import pipeline
from tests.pipeline.conftest import Office


def test_report_command_writes_a_pdf_with_the_figures(office: Office, tmp_path) -> None:
    a = pipeline.create_from_match(office.ent["跃动"], "hnte", on=date(2026, 3, 2))
    a = pipeline.move(a.id, a.version, "approved", on=date(2026, 10, 20))
    pipeline.update(a.id, a.version, {"amount_secured": "350000"})
    out = tmp_path / "report.pdf"
    result = CliRunner().invoke(cli.app, ["report", "--year", "2026", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "2026 年杨浦区体育产业惠企服务统计报告" in text
    assert "2026 年获批金额（万元）" in text and "35.00" in text
    assert "五角场" in text and "高新技术企业认定" in text
    assert "推荐" in text and "（100%）" in text  # the funnel drawing's own labels


def test_ics_command_writes_every_officer_feed(office: Office) -> None:
    result = CliRunner().invoke(cli.app, ["ics", "--feeds"])
    assert result.exit_code == 0, result.output
    assert "张三" in result.output and result.output.count(".ics") == 2
