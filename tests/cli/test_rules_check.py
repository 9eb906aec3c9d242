"""`huiqi rules check` asks what the test suite asks: four kinds of example case, at least four cases, and a
warning for a policy without windows (it would never reach the radar); `huiqi rules facts` lists the facts."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from crm.cli import app
from tests.cli.conftest import LIBRARY


def _policy(tmp_path: Path, text: str) -> Path:
    (tmp_path / "talent_employer.yaml").write_text(text, "utf-8")
    return tmp_path


def test_too_few_cases_is_an_error_with_file_and_line(tmp_path: Path) -> None:
    text = (LIBRARY / "talent_employer.yaml").read_text("utf-8")
    head, _, cases = text.partition("\ncases:\n")
    first = re.split(r"\n(?=  - name:)", cases)[0]
    rules = _policy(tmp_path, f"{head}\ncases:\n{first}\n")
    result = CliRunner().invoke(app, ["rules", "check", "--dir", str(rules)])
    assert result.exit_code == 1
    assert re.search(r"talent_employer\.yaml:\d+: cases: 至少需要 4 个示例案例，现有 1 个", result.stderr)
    assert "缺少结果为" in result.stderr


def test_a_policy_without_windows_warns_but_loads(tmp_path: Path) -> None:
    text = (LIBRARY / "talent_employer.yaml").read_text("utf-8")
    text = re.sub(r"windows:\n(  - .*\n)+", "", text)
    result = CliRunner().invoke(app, ["rules", "check", "--dir", str(_policy(tmp_path, text))])
    assert result.exit_code == 0, result.output
    assert "警告 (warning)" in result.stderr and "没有 windows" in result.stderr
    assert "1 项政策可用，0 个错误，1 个警告" in result.stdout


def test_the_shipped_library_passes_rules_check() -> None:
    result = CliRunner().invoke(app, ["rules", "check", "--dir", str(LIBRARY)])
    assert result.exit_code == 0 and "0 个错误，0 个警告" in result.stdout, result.output


def test_rules_facts_lists_each_fact_with_its_unit_and_what_it_reads() -> None:
    result = CliRunner().invoke(app, ["rules", "facts", "--markdown"])
    assert result.exit_code == 0
    row = next(line for line in result.stdout.splitlines() if line.startswith("| `sales_revenue_last_year`"))
    assert "money" in row and "CNY" in row and "销售收入" in row
