"""A broken rule file never removes or changes a policy: its last good version stays in force, in every
command that evaluates (match, pack, packs), across processes, and the warning names file and line."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from crm import store
from crm.cli import app
from crm.db import session_scope
from crm.models import FiscalYear
from crm.rules import loader
from tests.cli.conftest import LIBRARY, break_file, new_process

PROFILE = LIBRARY / "examples" / "profile.yaml"


def test_a_broken_file_keeps_the_policy_at_its_last_good_version(rules_dir: Path) -> None:
    assert loader.reload() == []
    before = loader.current()
    line = break_file(rules_dir / "talent_employer.yaml")
    new_process()
    errors = loader.reload()
    assert [(Path(e.path).name, e.line) for e in errors] == [("talent_employer.yaml", line)]
    after = loader.current()
    assert after.ids() == before.ids() and after.hash == before.hash
    assert loader.problems()[0] | {"reason": ""} == {
        "path": str(rules_dir / "talent_employer.yaml"),
        "line": line,
        "reason": "",
        "file": "talent_employer.yaml",
        "policy": "talent_employer",
        "kept": True,
    }


def test_the_last_good_version_is_the_last_edit_that_loaded(rules_dir: Path) -> None:
    target = rules_dir / "talent_employer.yaml"
    loader.reload()
    target.write_text(target.read_text("utf-8").replace("title: 人才引进", "title: 人才引进新版"), "utf-8")
    loader.reload()
    break_file(target)
    new_process()
    loader.reload()
    assert loader.current().get("talent_employer").title.startswith("人才引进新版")


def test_a_file_that_never_loaded_is_reported_as_missing(rules_dir: Path) -> None:
    break_file(rules_dir / "talent_employer.yaml")
    loader.reload()
    assert "talent_employer" not in loader.current().ids()
    assert loader.problems()[0]["kept"] is False


def test_a_file_that_is_not_utf8_is_an_error_not_a_crash(rules_dir: Path) -> None:
    loader.reload()
    target = rules_dir / "talent_employer.yaml"
    target.write_bytes(target.read_text("utf-8").encode("gb18030"))
    new_process()
    errors = loader.reload()
    assert [Path(e.path).name for e in errors] == ["talent_employer.yaml"] and "UTF-8" in errors[0].reason
    assert loader.current().kept == ("talent_employer",)


def test_match_keeps_every_policy_warns_and_exits_1(rules_dir: Path) -> None:
    args = ["match", "--profile", str(PROFILE), "--on", "2026-05-18", "--json"]
    good = CliRunner().invoke(app, args)
    assert good.exit_code == 0, good.output
    line = break_file(rules_dir / "talent_employer.yaml")
    new_process()
    broken = CliRunner().invoke(app, args)
    assert broken.exit_code == 1
    assert f"talent_employer.yaml:{line}" in broken.stderr and "上一次成功载入" in broken.stderr
    assert json.loads(broken.stdout)["policies"] == json.loads(good.stdout)["policies"]


def _enterprise() -> int:
    with session_scope() as session:
        enterprise = store.create_enterprise(
            session=session,
            actor="tester",
            data={"name": "上海玥体育有限公司", "street": "五角场", "registration_date": date(2019, 3, 12)},
        )
        store.create_child(
            session=session,
            model=FiscalYear,
            enterprise_id=enterprise.id,
            actor="tester",
            data={"year": 2025, "sales_revenue": Decimal(31250000), "staff_total": 86},
        )
        assert enterprise.id is not None
        return enterprise.id


def test_pack_and_packs_keep_the_policy_warn_and_exit_1(rules_dir: Path, tmp_path: Path) -> None:
    enterprise_id = _enterprise()
    loader.reload()
    line = break_file(rules_dir / "talent_employer.yaml")
    new_process()
    one = CliRunner().invoke(
        app,
        ["pack", "--enterprise", str(enterprise_id), "--out", str(tmp_path / "p.pdf"), "--on", "2026-05-18"],
    )
    assert one.exit_code == 1, one.output
    assert f"talent_employer.yaml:{line}" in one.stderr
    assert "talent_employer" in loader.current().ids()
    many = CliRunner().invoke(
        app,
        ["packs", "--id", str(enterprise_id), "--out", str(tmp_path / "packs"), "--workers", "1"]
        + [
            "--on",
            "2026-05-18",
            "--policy",
            "talent_employer",
            "--outcome",
            "likely",
            "--outcome",
            "needs_data",
        ],
    )
    assert many.exit_code == 1, many.output
    assert f"talent_employer.yaml:{line}" in many.stderr and "完成 1 份" in many.stdout
