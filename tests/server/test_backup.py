"""Backups: a restore gives back every table exactly; daily rotation; a bad file is refused."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select
from typer.testing import CliRunner

from crm import db
from crm.config import get_settings
from crm.ops import backup
from crm.services import enterprises

Snapshot = dict[str, list[tuple]]


def snapshot() -> Snapshot:
    """Every row of every table in the database (reflected, so other features' tables count too)."""
    engine = db.get_engine()
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {
            name: [
                tuple(r)
                for r in conn.execute(select(table).order_by(*table.primary_key.columns or table.columns))
            ]
            for name, table in sorted(meta.tables.items())
        }


def fill() -> int:
    ent = enterprises.create_enterprise(
        {
            "name": "上海跃动体育科技有限公司",
            "tags": ["电竞", "场馆"],
            "registered_capital": "500万元",
            "registration_date": "2019-03-05",
        }
    )
    enterprises.add_child(
        "fiscalyear", ent.id, {"year": 2024, "sales_revenue": "1234.56万", "staff_total": 40}
    )
    enterprises.add_child("contact", ent.id, {"name": "张三", "phone": "13800000000"})
    gone = enterprises.create_enterprise({"name": "已注销体育公司"})
    enterprises.delete_record("enterprise", gone.id, gone.version)
    return ent.id


def test_restore_brings_back_every_table_exactly(any_db: str) -> None:
    ent_id = fill()
    before = snapshot()
    made = backup.backup()
    assert any(before.values()), "the test needs data"
    enterprises.update_enterprise(ent_id, 1, {"name": "改名后的公司"})
    enterprises.create_enterprise({"name": "备份之后新建的公司"})
    assert snapshot() != before

    safety = backup.restore(made)

    assert snapshot() == before
    assert safety.exists() and safety != made
    backup.restore(safety)  # the copy taken before the restore holds the later edits
    assert enterprises.get_enterprise(ent_id).name == "改名后的公司"


def test_a_damaged_backup_is_refused_and_the_database_is_untouched(tmp_path: Path) -> None:
    fill()
    before = snapshot()
    bad = tmp_path / "huiqi-20260101-000000.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(backup.BackupError, match="不是有效的 SQLite 备份文件"):
        backup.restore(bad)
    assert snapshot() == before


def test_backup_and_restore_from_the_command_line(tmp_path: Path) -> None:
    from crm.cli import app

    ent_id = fill()
    target = tmp_path / "office.sqlite3"
    assert CliRunner().invoke(app, ["backup", "--to", str(target)]).exit_code == 0
    enterprises.update_enterprise(ent_id, 1, {"name": "改名后的公司"})
    result = CliRunner().invoke(app, ["restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    assert enterprises.get_enterprise(ent_id).name == "上海跃动体育科技有限公司"


def test_rotation_keeps_seven_days_and_four_weeks() -> None:
    start = datetime(2026, 1, 1, 9, 0, 0)
    paths = [Path(f"huiqi-{start + timedelta(days=d):%Y%m%d-%H%M%S}.sqlite3") for d in range(60)]
    paths += [Path("notes.txt")]
    pruned = backup.to_prune(paths, keep_daily=7, keep_weekly=4)
    kept = sorted(p.name for p in paths if p not in pruned and p.name != "notes.txt")
    days = [name[6:14] for name in kept]
    # Sundays 8, 15, 22 Feb: the newest of the three weeks before the one of 1 March (ISO week 9)
    assert days == [
        "20260208",
        "20260215",
        "20260222",
        "20260223",
        "20260224",
        "20260225",
        "20260226",
        "20260227",
        "20260228",
        "20260301",
    ]
    assert Path("notes.txt") not in pruned


def test_the_daily_backup_runs_once_a_day_and_prunes() -> None:
    fill()
    first = backup.daily_backup_if_due(now=datetime(2026, 3, 1, 8, 0))
    assert first is not None and first.exists()
    assert backup.daily_backup_if_due(now=datetime(2026, 3, 1, 17, 0)) is None
    for day in range(1, 40):
        assert backup.daily_backup_if_due(now=datetime(2026, 3, 1, 8, 0) + timedelta(days=day)) is not None
    auto = sorted(p.name for p in (get_settings().backups_dir / "auto").iterdir())
    assert len(auto) <= 7 + 4 and not any(name.endswith(("-wal", "-shm", ".partial")) for name in auto)


HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1])
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("SELECT count(*) FROM enterprise").fetchone()
print("holding", flush=True)
time.sleep(120)
"""


def test_restore_refuses_while_another_process_holds_the_database_and_changes_nothing(tmp_path: Path) -> None:
    import subprocess
    import sys

    fill()
    saved = backup.backup(tmp_path / "b.sqlite3")
    enterprises.create_enterprise({"name": "备份之后新建的企业"})
    before = snapshot()
    db.dispose_engines()
    live = backup._sqlite_path(get_settings())
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(live)], stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
            with pytest.raises(backup.BackupError, match="正被其他进程使用"):
                backup.restore(saved)
        finally:
            holder.kill()
    assert snapshot() == before  # nothing was replaced


def test_the_database_and_backups_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    fill()
    made = backup.backup()
    live = backup._sqlite_path(get_settings())
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in (live, made)} == {
        live.name: "0o600",
        made.name: "0o600",
    }
    assert oct(live.parent.stat().st_mode & 0o077) == "0o0"  # the data dir: no group, no others
