"""Settings from environment variables with sensible defaults.

HUIQI_DATABASE_URL   SQLAlchemy URL; default: SQLite file in the data dir
HUIQI_DATA_DIR       where the database, packs and backups live (default: the user's data dir)
HUIQI_RULES_DIR      policy rule files (default: the shipped ``policy_rules`` package)
HUIQI_TEMPLATES_DIR  pack templates (default: the shipped ``templates`` package)
HUIQI_OFFICER        the officer name recorded in desktop mode (default: the OS user)
--- server mode, accounts, backups (issue 7) ---
HUIQI_MODE           desktop (default: one user, no login) | server (`huiqi serve`: login required)
HUIQI_STORAGE_SECRET signs the session cookie; `huiqi serve` refuses to start without it
HUIQI_SESSION_HOURS  a login expires after this many hours (default 8)
HUIQI_COOKIE_SECURE  1: session cookie only over HTTPS (set it behind a TLS proxy; default 0)
HUIQI_MAX_UPLOAD_MB  the largest spreadsheet an officer may upload or import (default 20)
HUIQI_REQUEST_KEY    signs the data-request workbooks (default: a random key kept in <data dir>/request.key)
"""

from __future__ import annotations

import getpass
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from crm.errors import HuiqiError

APP_NAME = "huiqi"


def _package_dir(name: str) -> Path:
    """Directory of a shipped data package (works from a checkout and from an installed wheel)."""
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"data package {name!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _default_officer() -> str:
    """The desktop user's login name as an officer username (lower-case letters, digits, . _ -)."""
    try:
        name = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "officer"
    return re.sub(r"[^a-z0-9._-]", "_", name.lower()).lstrip(".")[:64] or "officer"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    rules_dir: Path
    templates_dir: Path
    officer: str = field(default_factory=_default_officer)
    # --- server mode, accounts, backups (issue 7) ---
    mode: str = "desktop"  # desktop | server
    storage_secret: str | None = field(default=None, repr=False)  # never printed
    session_hours: float = 8.0
    cookie_secure: bool = False
    lockout_failures: int = 5  # failed logins in a row that lock an account ...
    lockout_minutes: int = 15  # ... for this long
    address_attempts: int = 30  # sign-in attempts from one address (not yet proven good) per lockout period
    backup_keep_daily: int = 7
    backup_keep_weekly: int = 4
    max_upload_mb: float = 20.0  # the largest spreadsheet accepted for import

    @property
    def is_server(self) -> bool:
        return self.mode == "server"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def packs_dir(self) -> Path:
        return self.data_dir / "packs"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read settings from ``env`` (default: ``os.environ``)."""
    env = dict(os.environ if env is None else env)
    data_dir = Path(env.get("HUIQI_DATA_DIR") or platformdirs.user_data_dir(APP_NAME, appauthor=False))
    url = env.get("HUIQI_DATABASE_URL") or f"sqlite:///{data_dir / 'huiqi.sqlite3'}"
    rules = Path(env["HUIQI_RULES_DIR"]) if env.get("HUIQI_RULES_DIR") else _package_dir("policy_rules")
    templates = (
        Path(env["HUIQI_TEMPLATES_DIR"]) if env.get("HUIQI_TEMPLATES_DIR") else _package_dir("templates")
    )
    officer = env.get("HUIQI_OFFICER") or _default_officer()
    return Settings(
        data_dir=data_dir,
        database_url=url,
        rules_dir=rules,
        templates_dir=templates,
        officer=officer,
        **_server_settings(env),
    )


def _server_settings(env: dict[str, str]) -> dict[str, Any]:
    """Server mode, accounts and backups (issue 7)."""
    mode = (env.get("HUIQI_MODE") or "desktop").strip().lower()
    if mode not in ("desktop", "server"):
        raise HuiqiError(
            f"环境变量 HUIQI_MODE 应为 desktop 或 server，而不是 {mode!r} (must be desktop or server)"
        )
    secure = (env.get("HUIQI_COOKIE_SECURE") or "0").strip().lower()
    if secure not in ("0", "1", "true", "false", "yes", "no"):
        raise HuiqiError(f"环境变量 HUIQI_COOKIE_SECURE 应为 0 或 1，而不是 {secure!r} (must be 0 or 1)")
    return {
        "mode": mode,
        "storage_secret": env.get("HUIQI_STORAGE_SECRET") or None,
        "session_hours": _positive(env, "HUIQI_SESSION_HOURS", 8),
        "cookie_secure": secure in ("1", "true", "yes"),
        "max_upload_mb": _positive(env, "HUIQI_MAX_UPLOAD_MB", 20),
    }


def _positive(env: dict[str, str], name: str, default: float) -> float:
    """A positive number from the environment; a clear error (not a traceback) when it is not one."""
    text = (env.get(name) or "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise HuiqiError(f"环境变量 {name} 应为正数，而不是 {text!r} ({name} must be a positive number)")
    return value


_settings: Settings | None = None


def request_key() -> bytes:
    """The key that signs data-request workbooks: HUIQI_REQUEST_KEY, else a random key created once in the data
    dir (every process of one installation shares it; a returned file signed by another office fails)."""
    configured = os.environ.get("HUIQI_REQUEST_KEY")
    if configured:
        return configured.encode()
    path = get_settings().data_dir / "request.key"
    if not path.exists():
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("x") as handle:  # two processes starting at once: the first one's key wins
                handle.write(secrets.token_hex(32))
        except FileExistsError:
            pass
    return path.read_text().strip().encode()


def get_settings() -> Settings:
    """The process-wide settings, read once."""
    global _settings
    if _settings is None:
        _settings = load_settings()
    return _settings


def override_settings(settings: Settings | None) -> None:
    """Replace the process-wide settings (tests, CLI options)."""
    global _settings
    _settings = settings
