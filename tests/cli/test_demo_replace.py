"""`huiqi demo --replace` asks for --yes, backs up first, keeps officer accounts, and on a shared database
(server mode) refuses unless the database holds only demo data."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from crm import config
from crm.cli import app
from crm.services import auth
from crm.services.enterprises import create_enterprise

DEMO = ["demo", "--count", "12", "--no-pipeline"]


def _names() -> set[str]:
    from crm.services.enterprises import EnterpriseQuery, list_enterprises

    return {e.name for e in list_enterprises(EnterpriseQuery(page_size=1000)).rows}


def test_replace_without_yes_refuses_and_deletes_nothing() -> None:
    create_enterprise({"name": "上海真实体育有限公司"})
    result = CliRunner().invoke(app, [*DEMO, "--replace"])
    assert result.exit_code == 2
    assert "--yes" in result.output and "备份" in result.output
    assert "上海真实体育有限公司" in _names()


def test_replace_backs_up_first_and_keeps_officer_accounts() -> None:
    auth.create_account({"username": "wang", "display_name": "王专员", "role": "admin"}, "correct horse 1")
    create_enterprise({"name": "上海真实体育有限公司"})
    result = CliRunner().invoke(app, [*DEMO, "--replace", "--yes"])
    assert result.exit_code == 0, result.output
    backups = list(config.get_settings().backups_dir.glob("*"))
    assert len(backups) == 1 and str(backups[0]) in result.output
    assert "上海真实体育有限公司" not in _names() and len(_names()) == 12
    assert "wang" in {a.username for a in auth.list_accounts()}


def test_server_mode_refuses_to_replace_real_work(monkeypatch: pytest.MonkeyPatch) -> None:
    assert CliRunner().invoke(app, DEMO).exit_code == 0
    monkeypatch.setenv("HUIQI_MODE", "server")
    monkeypatch.setenv("HUIQI_STORAGE_SECRET", "x" * 32)
    config.override_settings(config.load_settings())
    only_demo = CliRunner().invoke(app, [*DEMO, "--replace", "--yes"])
    assert only_demo.exit_code == 0, only_demo.output
    with auth.acting_as(auth.Principal("li", "officer", "李专员")):
        create_enterprise({"name": "上海真实体育有限公司"})
    refused = CliRunner().invoke(app, [*DEMO, "--replace", "--yes"])
    assert refused.exit_code == 2 and "拒绝替换" in refused.output
    with auth.acting_as(auth.Principal("li", "officer", "李专员")):
        assert "上海真实体育有限公司" in _names()


def test_count_must_be_positive() -> None:
    result = CliRunner().invoke(app, ["demo", "--count", "-5"])
    assert result.exit_code == 2 and "--count" in result.output
