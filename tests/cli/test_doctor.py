"""`huiqi doctor` names the thing that is wrong: a bad database URL is the database's fault (not the
font's), a broken or missing template is caught by rendering it with sample data, a bad setting is named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crm import config
from crm.cli import app


def _doctor() -> tuple[int, dict[str, str]]:
    result = CliRunner().invoke(app, ["doctor"])
    lines = [line for line in result.stdout.splitlines() if line[:1] in "✓✗–"]
    return result.exit_code, {line[2:].split(":")[0]: line[:1] for line in lines}


def _use(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    config.override_settings(config.load_settings())


def test_a_bad_database_url_is_blamed_on_the_database_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, HUIQI_DATABASE_URL="postgresql://nobody@127.0.0.1:1/nodb")  # nothing listens
    code, marks = _doctor()
    assert code == 1
    assert marks["数据库 database"] == "✗" and marks["中文字体 CJK font"] == "✓"
    assert marks["库中名称可显示 names printable"] == "–"


def test_a_broken_or_missing_template_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(config.get_settings().templates_dir, templates)
    pack = templates / "pack.html"
    pack.write_text(pack.read_text("utf-8").replace("</body>", "{{ no_such_name }}</body>"), "utf-8")
    (templates / "report.html").unlink()
    _use(monkeypatch, HUIQI_TEMPLATES_DIR=str(templates))
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 1
    line = next(x for x in result.stdout.splitlines() if "服务包模板 templates" in x)
    assert (
        line.startswith("✗") and "pack.html" in line and "no_such_name" in line and "缺少 report.html" in line
    )


def test_a_bad_setting_is_named_and_the_rest_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUIQI_SESSION_HOURS", "eight")
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "✗ 设置 settings: 环境变量 HUIQI_SESSION_HOURS 应为正数" in result.stdout
    assert "– 数据库 database: 跳过" in result.stdout


def test_a_healthy_installation_passes() -> None:
    code, marks = _doctor()
    assert code == 0 and set(marks.values()) == {"✓"} and len(marks) == 8
