"""Backups and restores: SQLite's online backup API, pg_dump/pg_restore for PostgreSQL; daily rotation.

A backup is one file: ``huiqi-YYYYmmdd-HHMMSS.sqlite3`` (a complete SQLite database, open it with any
SQLite tool) or ``huiqi-YYYYmmdd-HHMMSS.dump`` (pg_dump custom format). Restoring first saves the
current database next to the backups, so a wrong restore can itself be undone.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from crm.config import Settings, get_settings
from crm.db import private_file
from crm.errors import HuiqiError

_NAME = re.compile(r"^huiqi-(\d{8})-(\d{6})(?:-[a-z0-9-]+)?\.(sqlite3|dump)$")


class BackupError(HuiqiError):
    """A backup or restore could not be made; the message says why and what to do (Chinese)."""

    exit_code = 1


def backup(
    dest: Path | None = None,
    *,
    settings: Settings | None = None,
    now: datetime | None = None,
    label: str = "",
) -> Path:
    """Write a consistent copy of the database to ``dest`` (default: a new file in the backups dir)."""
    settings = settings or get_settings()
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    suffix = ".sqlite3" if settings.is_sqlite else ".dump"
    if dest is None:
        dest = _free(settings.backups_dir, f"huiqi-{stamp}{'-' + label if label else ''}", suffix)
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")  # never leave a half-written file under the real name
    if settings.is_sqlite:
        from crm import db

        db.get_engine(settings)  # a database that was never opened is created (and migrated) first
        _sqlite_copy(_sqlite_path(settings), partial)
        _sqlite_check(partial)
    else:
        url, env = _libpq(settings)
        private_file(partial)
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(partial), url], env)
    partial.replace(dest)
    return dest


def restore(source: Path, *, settings: Settings | None = None) -> Path:
    """Replace the database with the backup ``source``; returns the safety copy of what was replaced."""
    from crm import db

    settings = settings or get_settings()
    if not source.is_file():
        raise BackupError(f"找不到备份文件：{source}")
    if settings.is_sqlite:
        _sqlite_check(source)
    safety = backup(settings=settings, label="before-restore")
    db.dispose_engines()
    if settings.is_sqlite:
        _sqlite_replace(source, _sqlite_path(settings))
    else:
        url, env = _libpq(settings)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                url,
                str(source),
            ],
            env,
        )
    db.get_engine(settings)  # migrates an older backup to the current schema
    return safety


def daily_backup_if_due(*, settings: Settings | None = None, now: datetime | None = None) -> Path | None:
    """Desktop mode: the first start of a day backs up into ``backups/auto`` and prunes old ones."""
    settings = settings or get_settings()
    now = now or datetime.now()
    auto = settings.backups_dir / "auto"
    existing = list(auto.glob("huiqi-*")) if auto.is_dir() else []
    if any(_taken_on(p) == now.date() for p in existing):
        return None
    made = backup(
        auto / f"huiqi-{now:%Y%m%d-%H%M%S}{'.sqlite3' if settings.is_sqlite else '.dump'}", settings=settings
    )
    for path in to_prune(
        [*existing, made], keep_daily=settings.backup_keep_daily, keep_weekly=settings.backup_keep_weekly
    ):
        path.unlink(missing_ok=True)
    return made


def to_prune(paths: Iterable[Path], *, keep_daily: int, keep_weekly: int) -> list[Path]:
    """Backups beyond the newest one of each of the last ``keep_daily`` days and ``keep_weekly`` weeks."""
    dated = sorted(((_taken_at(p), p) for p in paths if _taken_at(p)), reverse=True)
    keep: set[Path] = set()
    days: list[date] = []
    weeks: list[tuple[int, int]] = []
    for at, path in dated:
        assert at is not None
        day, week = at.date(), at.isocalendar()[:2]
        if day not in days and len(days) < keep_daily:
            days.append(day)
            keep.add(path)
        if week not in weeks and len(weeks) < keep_weekly:
            weeks.append(week)
            keep.add(path)
    return [p for _, p in dated if p not in keep]


# --- helpers ------------------------------------------------------------------------------------------


def _free(folder: Path, stem: str, suffix: str) -> Path:
    """``stem + suffix`` in ``folder``, or ``stem-2 + suffix`` ... when two backups share a second."""
    path, n = folder / f"{stem}{suffix}", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}{suffix}"
    return path


def _taken_at(path: Path) -> datetime | None:
    m = _NAME.match(path.name)
    return datetime.strptime(m[1] + m[2], "%Y%m%d%H%M%S") if m else None


def _taken_on(path: Path) -> date | None:
    at = _taken_at(path)
    return at.date() if at else None


def _sqlite_path(settings: Settings) -> Path:
    path = make_url(settings.database_url).database
    if not path or path == ":memory:":
        raise BackupError("内存数据库无法备份")
    return Path(path)


def _sqlite_replace(source: Path, live: Path) -> None:
    """Copy ``source`` over the live database, refusing (before anything changes) while another process has
    it open: leaving WAL mode needs the only connection, so it is the probe, and the copy then runs on it."""
    dst = sqlite3.connect(live, timeout=0)
    try:
        try:
            mode = dst.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        except sqlite3.OperationalError:
            mode = "locked"
        if mode != "delete":
            raise BackupError(
                f"数据库正被其他进程使用（如 huiqi app 或 huiqi serve），未做任何更改。请先关闭它们再恢复：{live}"
            )
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
        try:
            src.backup(dst)
        finally:
            src.close()
    finally:
        dst.close()


def _sqlite_copy(source: Path, dest: Path) -> None:
    """Page-by-page copy with SQLite's online backup API: consistent while others keep writing."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        private_file(dest)  # created 0600 before a single page is written
        dst = sqlite3.connect(dest, timeout=30)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal/-shm beside it
        finally:
            dst.close()
    finally:
        src.close()


def _sqlite_check(path: Path) -> None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"不是有效的 SQLite 备份文件：{path}（{exc}）") from exc
    finally:
        conn.close()
    if result is None or result[0] != "ok":
        raise BackupError(f"备份文件已损坏：{path}（{result}）")


def _libpq(settings: Settings) -> tuple[str, dict[str, str]]:
    """The libpq URL without its password, and an environment carrying it (not visible in ``ps``)."""
    import os

    url = make_url(settings.database_url).set(drivername="postgresql")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(password=None).render_as_string(hide_password=False), env


def _run(argv: list[str], env: dict[str, str]) -> None:
    if shutil.which(argv[0]) is None:
        raise BackupError(
            f"找不到 {argv[0]}：请安装与服务器同版本的 PostgreSQL 客户端（apt install postgresql-client）"
        )
    result = subprocess.run(argv, capture_output=True, text=True, check=False, env=env)
    if result.returncode != 0:
        raise BackupError(f"{argv[0]} 失败（退出码 {result.returncode}）：{result.stderr.strip()}")
