"""Engine and session factory; SQLite pragmas; Alembic migrations applied at start-up.

Making an engine also installs the sessions' write guard (``crm.auth.guard_writes``): a principal
without the ``write`` permission cannot write through any session. A session scope never lets a raw
database error out: a deadlock, a serialisation failure or a busy SQLite file becomes ``Busy`` (which
``crm.store.tx.retrying`` retries), a constraint violation becomes ``WriteClash``. May import crm.config,
crm.auth and crm.errors.
"""

from __future__ import annotations

import json
import os
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, create_engine

from crm.auth import guard_writes
from crm.config import Settings, get_settings
from crm.errors import HuiqiError
from crm.i18n import register

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()  # two threads' first use must not both migrate (alembic is not thread-safe)


def make_engine(url: str) -> Engine:
    """A new engine for ``url`` (SQLite: WAL, foreign keys, busy timeout); sessions refuse a viewer's writes."""
    guard_writes()
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""  # "sqlite://" is in memory: no file
        if path and path != ":memory:":
            private_file(Path(path))
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, json_serializer=_json_dumps
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(
        _psycopg(url), pool_pre_ping=True, pool_size=10, max_overflow=20, json_serializer=_json_dumps
    )


def private_file(path: Path) -> None:
    """Make ``path`` (and its folder) readable by this user only, creating it empty if missing: the database
    and backups hold every enterprise's data. SQLite gives its -wal/-shm files the database's mode."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    path.chmod(0o600)


def _psycopg(url: str) -> str:
    # a plain postgresql:// URL would make SQLAlchemy look for psycopg2; we ship psycopg 3
    return (
        "postgresql+psycopg://" + url.removeprefix("postgresql://")
        if url.startswith("postgresql://")
        else url
    )


def _json_dumps(value: Any) -> str:
    # readable Chinese in JSON columns, and tag search can match the stored text directly
    return json.dumps(value, ensure_ascii=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def get_engine(settings: Settings | None = None) -> Engine:
    """The shared engine for the configured database, migrated to the latest schema."""
    settings = settings or get_settings()
    engine = _engines.get(settings.database_url)
    if engine is not None:
        return engine
    with _engines_lock:
        engine = _engines.get(settings.database_url)
        if engine is None:
            engine = make_engine(settings.database_url)
            if stored_revision(engine) != head_revision():  # alembic (0.1-0.3 s to import) only when needed
                upgrade(engine)
            refresh_statistics(engine)
            _engines[settings.database_url] = engine
    return engine


def refresh_statistics(engine: Engine) -> None:
    """Give SQLite's planner statistics (PostgreSQL's autovacuum does this on its own).

    Without them SQLite walks the index on ``deleted_at`` (NULL on every row) for every list page,
    several times slower on 100,000 enterprises. Cheap when the statistics are fresh.
    """
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as conn:
        has_stats = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='sqlite_stat1'"
        ).first()
        conn.exec_driver_sql("PRAGMA optimize" if has_stats else "ANALYZE")


def dispose_engines() -> None:
    """Close every pooled connection (tests, switching databases)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def scratch_database(server_url: str, *, prefix: str = "huiqi_scratch") -> Iterator[str]:
    """A throw-away PostgreSQL database on the server of ``server_url`` (tests, benchmarks); dropped on exit.

    Yields its URL. Creating it raises when the server does not answer, so callers can skip.
    """
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(_psycopg(server_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield server_url.rsplit("/", 1)[0] + f"/{name}"
        finally:
            dispose_engines()
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@contextmanager
def session_scope(settings: Settings | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(get_engine(settings), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except DBAPIError as exc:
            session.rollback()
            said = database_error(exc)
            if said is None:
                raise
            raise said from exc
        except BaseException:
            session.rollback()
            raise


# --- database errors, said for people ------------------------------------------------------------

register(
    {
        "error.db_busy": (
            "数据库正忙：其他专员正在同时保存相关记录，本次操作未写入。请稍后重试。",
            "The database is busy: other officers are saving related records. Nothing was written; "
            "try again in a moment.",
        ),
        "error.db_clash": (
            "与他人同时保存的数据冲突：{what}。本次操作未写入，请刷新后重试。",
            "Clashes with data someone saved at the same time: {what}. Nothing was written; reload and "
            "try again.",
        ),
    }
)

# PostgreSQL SQLSTATEs worth retrying: serialisation failure, deadlock, lock not available
_TRANSIENT_STATES = {"40001", "40P01", "55P03"}
# what a violated unique key means, by the column list SQLite names or the constraint PostgreSQL names
_CLASHES: list[tuple[tuple[str, ...], str, str]] = [
    (
        ("uq_enterprise_live_uscc", "enterprise.uscc"),
        "统一社会信用代码已被另一家企业使用",
        "credit code in use",
    ),
    (
        ("uq_application_live", "application.enterprise_id, application.policy_id"),
        "该企业本批次已有此政策的申报",
        "the application already exists",
    ),
    (("uq_fiscalyear_enterprise_year", "fiscalyear.enterprise_id"), "该年度数据已存在", "year exists"),
    (("uq_matchresult_enterprise_policy", "matchresult."), "匹配结果正被同时更新", "verdicts updated"),
]


class Busy(HuiqiError):
    """A deadlock, serialisation failure or locked database: nothing was written; worth retrying."""

    key = "error.db_busy"


class WriteClash(HuiqiError):
    """A database constraint refused the write (someone saved a clashing record at the same time)."""

    key = "error.db_clash"

    def __init__(self, *, what: str, constraint: str = ""):
        self.constraint = constraint
        super().__init__(what=what)


def is_transient(exc: BaseException) -> bool:
    """Whether a database error is a deadlock, serialisation failure or busy SQLite file."""
    if not isinstance(exc, DBAPIError):
        return False
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if state in _TRANSIENT_STATES:
        return True
    text = str(exc.orig).lower()
    return "database is locked" in text or "database table is locked" in text


def database_error(exc: DBAPIError) -> HuiqiError | None:
    """The HuiqiError an officer is told instead of a raw database error (None: a bug, not a clash)."""
    if is_transient(exc):
        return Busy()
    if isinstance(exc, IntegrityError):
        name = constraint_of(exc)
        what = next((zh for keys, zh, _ in _CLASHES if any(k in name for k in keys)), "记录已被他人修改")
        return WriteClash(what=what, constraint=name)
    return None


def constraint_of(exc: DBAPIError) -> str:
    """The violated constraint's name (PostgreSQL) or SQLite's text naming its columns."""
    diag = getattr(exc.orig, "diag", None)
    return str(getattr(diag, "constraint_name", None) or exc.orig)


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply Alembic migrations up to ``revision``."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def head_revision() -> str | None:
    """The newest migration's revision, read from the migration files' text (None: not one single head)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("[!_]*.py"):
        text = path.read_text(encoding="utf-8")
        found = re.search(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", text, flags=re.MULTILINE)
        down = re.search(r"^down_revision\s*(?::[^=]*)?=\s*(.*)$", text, flags=re.MULTILINE)
        if found is None or down is None:
            return None  # a file this reader does not understand: let alembic decide
        revisions.add(found.group(1))
        parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    heads = revisions - parents
    return next(iter(heads)) if len(heads) == 1 else None


def stored_revision(engine: Engine) -> str | None:
    """The revision recorded in the database, without alembic (None: an empty or unversioned database)."""
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    return str(rows[0][0]) if len(rows) == 1 else None


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None: empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def safe_url() -> str:
    """The configured database URL with any password hidden (for messages and `huiqi doctor`)."""
    from sqlalchemy.engine import make_url

    return make_url(get_settings().database_url).render_as_string(hide_password=True)
