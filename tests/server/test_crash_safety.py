"""A process killed with SIGKILL in the middle of a long write leaves no partial records behind.

The write is the intake's import (all rows in ONE transaction through crm.store). Re-match and pack
batches are not covered here: stored match results do not exist yet, and the pack batch writes each
PackRecord in its own transaction after its PDF is complete.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

from sqlmodel import func
from sqlmodel import select as sql_select

from crm import db
from crm.config import get_settings
from crm.db import session_scope
from crm.models import AuditEntry, Enterprise
from crm.services import enterprises

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 90  # bounded: the child must reach half-way within this, or the test fails


def _counts() -> tuple[int, int]:
    with session_scope() as session:
        return (
            session.exec(sql_select(func.count()).select_from(Enterprise)).one(),
            session.exec(sql_select(func.count()).select_from(AuditEntry)).one(),
        )


def _kill_half_way(rows: int) -> str:
    settings = get_settings()
    env = {
        **os.environ,
        "HUIQI_DATA_DIR": str(settings.data_dir),
        "HUIQI_DATABASE_URL": settings.database_url,
        "PYTHONPATH": str(ROOT),
    }
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("crash_child.py")), str(rows)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
        text=True,
    )
    try:
        ready, _, _ = select.select([child.stdout], [], [], WAIT_SECONDS)
        line = child.stdout.readline() if ready else ""  # type: ignore[union-attr]
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()  # type: ignore[union-attr]
        child.stderr.close()  # type: ignore[union-attr]
    return line


def test_an_import_killed_half_way_leaves_nothing_and_loses_nothing(any_db: str) -> None:
    kept = enterprises.create_enterprise({"name": "崩溃前已有的体育公司"})
    before = _counts()
    db.dispose_engines()  # the child must find the database as another process would

    line = _kill_half_way(400)

    assert line.startswith("HALF"), f"the child never reached half-way: {line!r}"
    assert _counts() == before  # not one of the 200+ rows written before the kill survives
    assert enterprises.get_enterprise(kept.id).name == "崩溃前已有的体育公司"
    enterprises.create_enterprise({"name": "重启后新建的体育公司"})  # the database takes writes again
    assert _counts()[0] == before[0] + 1
