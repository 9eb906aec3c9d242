"""Backups for the settings page and the desktop start-up (admin-only where an officer asks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from crm.auth import require
from crm.config import get_settings
from crm.ops import backup as _backup
from crm.ops.backup import BackupError

__all__ = [
    "BackupError",
    "BackupFile",
    "daily_backup_if_due",
    "list_backups",
    "make_backup",
    "restore_backup",
]


@dataclass(frozen=True)
class BackupFile:
    path: Path
    size: int
    modified: datetime


def make_backup(to: Path | None = None) -> Path:
    """Back the database up now, into ``to`` or a new file in the backups folder (admin)."""
    require("admin")
    return _backup.backup(to)


def restore_backup(source: Path) -> Path:
    """Replace the database with a backup; returns where the previous data was saved first (admin)."""
    require("admin")
    return _backup.restore(source)


def list_backups() -> list[BackupFile]:
    """Manual and automatic backups, newest first (admin)."""
    require("admin")
    root = get_settings().backups_dir
    files = [p for p in root.rglob("huiqi-*") if p.suffix in (".sqlite3", ".dump")] if root.is_dir() else []
    rows = [BackupFile(p, p.stat().st_size, datetime.fromtimestamp(p.stat().st_mtime)) for p in files]
    return sorted(rows, key=lambda b: b.modified, reverse=True)


def daily_backup_if_due() -> Path | None:
    """Desktop start-up: one automatic backup a day, old ones pruned (7 daily + 4 weekly)."""
    if get_settings().is_server:
        return None  # a server is backed up by its operator's schedule (`huiqi backup` from cron)
    return _backup.daily_backup_if_due()
