"""The district-scale data set the end-to-end benches share: 100,000 enterprises (``bench.datagen``) and
300,000 applications, generated once into a SQLite file or a PostgreSQL database and reused.

    python bench/bigdata.py [--dir /tmp/huiqi-bigdata] [--pg URL] [--count 100000]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from bench.bench_pipeline import applications
from bench.datagen import populate
from crm import config, db

DEFAULT_DIR = Path(os.environ.get("HUIQI_BENCH_DATA", "/tmp/huiqi-bigdata"))
PG_NAME = "huiqi_bench_bigdata"


def use(url: str) -> sa.Engine:
    """Point crm at ``url`` (migrated) and return its engine."""
    os.environ["HUIQI_DATABASE_URL"] = url
    config.override_settings(config.load_settings())
    db.dispose_engines()
    return db.get_engine()


def sqlite_url(directory: Path = DEFAULT_DIR, count: int = 100_000) -> str:
    """The SQLite data set under ``directory``, generated when missing."""
    directory.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("HUIQI_DATA_DIR", str(directory))
    path = directory / f"bench-{count}.sqlite3"
    url = f"sqlite:///{path}"
    if not path.exists() or not (directory / f"bench-{count}.done").exists():
        path.unlink(missing_ok=True)
        _generate(use(url), count)
        (directory / f"bench-{count}.done").touch()
    return url


def pg_url(server_url: str, count: int = 100_000) -> str:
    """The PostgreSQL data set (database ``huiqi_bench_bigdata`` on that server), generated when missing."""
    url = server_url.rsplit("/", 1)[0] + f"/{PG_NAME}"
    admin = sa.create_engine(db._psycopg(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s", (PG_NAME,)).first()
        if not exists:
            conn.exec_driver_sql(f'CREATE DATABASE "{PG_NAME}"')
    admin.dispose()
    engine = use(url)
    with engine.connect() as conn:
        have = conn.exec_driver_sql("SELECT count(*) FROM enterprise").scalar()
    if have != count:
        _generate(engine, count)
    return url


def drop_pg(server_url: str) -> None:
    """Drop the PostgreSQL data set."""
    db.dispose_engines()
    admin = sa.create_engine(db._psycopg(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
    admin.dispose()


def _generate(engine: sa.Engine, count: int) -> None:
    from crm.models import Application, Officer

    started = time.perf_counter()
    counts = populate(engine, count)
    now = datetime.now(UTC)
    base = {"version": 1, "created_at": now, "updated_at": now}
    with engine.begin() as conn:
        if not conn.execute(sa.select(sa.func.count()).select_from(Officer.__table__)).scalar():
            officers = [
                {
                    **base,
                    "username": f"officer{i}",
                    "display_name": f"专员{i}",
                    "role": "officer",
                    "active": True,
                }
                for i in range(1, 21)
            ]
            conn.execute(sa.insert(Officer.__table__), officers)
        rows = list(applications(random.Random(20261128), base, count))
        for first in range(0, len(rows), 20_000):
            conn.execute(sa.insert(Application.__table__), rows[first : first + 20_000])
        conn.exec_driver_sql("ANALYZE")
    print(
        f"generated {counts['enterprise']:,} enterprises and {len(rows):,} applications "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--pg", default=None)
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()
    print(sqlite_url(args.dir, args.count))
    if args.pg:
        print(pg_url(args.pg, args.count))


if __name__ == "__main__":
    main()
