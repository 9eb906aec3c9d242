"""Every closed-vocabulary option is checked: bad usage exits 2 naming the valid values and the closest one;
contradictory combinations are refused; the job's own problems exit 1."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crm import store
from crm.cli import app
from crm.db import session_scope


@pytest.fixture
def enterprise_id() -> int:
    with session_scope() as session:
        enterprise = store.create_enterprise(
            session=session,
            actor="tester",
            data={"name": "上海甲体育有限公司", "street": "五角场", "registration_date": date(2019, 3, 12)},
        )
        assert enterprise.id is not None
        return enterprise.id


BAD_USAGE = [
    # closed vocabularies: the valid values, and a did-you-mean where one is close
    (["packs", "--out", "o", "--policy", "hnt"], ["hnte", "did you mean"]),
    (["packs", "--out", "o", "--policy", "nosuch"], ["not a valid value", "talent_employer"]),
    (["packs", "--out", "o", "--policy", "hnte", "--outcome", "eligibel"], ["did you mean) eligible"]),
    (["packs", "--out", "o", "--policy", "hnte", "--outcome", "bogus"], ["near_miss", "needs_data"]),
    (["packs", "--out", "o", "--division", "3"], ["did you mean) 03"]),
    (["packs", "--out", "o", "--street", "五角"], ["did you mean) 五角场"]),
    (["packs", "--out", "o", "--id", "9999"], ["9999"]),
    (["pack", "--enterprise", "1", "--out", "x.pdf", "--officer", "nosuch"], ["--officer"]),
    (["radar", "--officer", "nosuch"], ["--officer"]),
    (["ics", "--out", "x.ics", "--officer", "nosuch"], ["--officer"]),
    (["export", "x.xlsx", "--street", "殷行路"], ["did you mean) 殷行"]),
    (["import", "README.md", "--mode", "valid"], ["did you mean) valid-only"]),
    (["officer", "add", "li", "--name", "李", "--role", "admn"], ["did you mean) admin"]),
    (["demo", "--count", "-5"], ["--count"]),
    (["match", "--profile", "p.yaml", "--on", "2026-13-01"], ["YYYY-MM-DD"]),
    # contradictory or incomplete combinations
    (["packs", "--out", "o", "--outcome", "eligible"], ["--outcome needs --policy"]),
    (["ics", "--out", "x.ics", "--feeds"], ["--feeds takes neither"]),
    (["ics"], ["--out or --feeds"]),
    (["export", "x.csv"], ["only .xlsx"]),
    (["export", "x.xlsx", "--template", "--street", "殷行"], ["--template takes no filter"]),
    (["match"], ["exactly one of"]),
    (["demo", "--replace", "--yes", "--if-empty"], ["contradictory"]),
]


@pytest.mark.usefixtures("enterprise_id")
@pytest.mark.parametrize(("args", "said"), BAD_USAGE, ids=[" ".join(a) for a, _ in BAD_USAGE])
def test_bad_usage_exits_2_and_says_what_is_valid(
    args: list[str], said: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    result = CliRunner().invoke(app, args, env={"COLUMNS": "400"})
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.replace("│", " ").split())
    for fragment in said:
        assert fragment in text
    assert "Traceback" not in result.output
    assert not Path("x.csv").exists() and not Path("o").exists()


def test_import_exit_codes(tmp_path: Path) -> None:
    good, mixed = tmp_path / "good.csv", tmp_path / "mixed.csv"
    head = "企业名称,统一社会信用代码,所属街道\n"
    good.write_text(head + "上海甲体育有限公司,,五角场\n", "utf-8")
    mixed.write_text(head + "上海乙体育有限公司,,五角场\n上海丙体育有限公司,123,五角场\n", "utf-8")
    assert CliRunner().invoke(app, ["import", str(good)]).exit_code == 0
    result = CliRunner().invoke(app, ["import", str(mixed), "--mode", "valid-only"])
    assert result.exit_code == 1 and "新建 1 家" in result.output and "拒绝 1 行" in result.output
