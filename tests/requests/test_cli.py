"""`huiqi requests make|import|list` as an officer uses them."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from crm.cli import app
from tests.requests.conftest import fill


def test_make_fill_import_accept_and_list(enterprise_id: int, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    made = runner.invoke(app, ["requests", "make", "--out", str(out), "--id", str(enterprise_id)])
    assert made.exit_code == 0, made.output
    assert "已生成 1 份" in made.output and (tmp_path / "out.zip").exists()
    [path] = out.glob("*.xlsx")
    assert "待交回" in runner.invoke(app, ["requests", "list", "--status", "sent"]).output

    fill(path)
    shown = runner.invoke(app, ["requests", "import", str(out)])
    assert shown.exit_code == 0 and "→ 120.00 万元" in shown.output and "未写入" in shown.output
    applied = runner.invoke(app, ["requests", "import", str(out), "--accept-all"])
    assert applied.exit_code == 0, applied.output
    assert "已写入" in applied.output
    assert "已交回" in runner.invoke(app, ["requests", "list", "--status", "returned"]).output


def test_bad_status_and_due_are_refused_in_chinese(enterprise_id: int, tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(app, ["requests", "list", "--status", "lost"])
    assert bad.exit_code == 2 and "不是有效值" in bad.output and "returned" in bad.output
    due = runner.invoke(
        app, ["requests", "make", "--out", str(tmp_path), "--id", str(enterprise_id), "--due", "soon"]
    )
    assert due.exit_code == 2 and "YYYY-MM-DD" in due.output
