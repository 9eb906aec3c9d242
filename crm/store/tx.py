"""Concurrency on the write path: row locks, serialised checks, bounded retries of transient failures.

A guard that reads, then writes (the last administrator, a free credit code, a live parent) first takes
a lock here, so two officers cannot both pass it. PostgreSQL: ``SELECT ... FOR UPDATE`` on the rows in id
order (a fixed order, so two transactions never wait on each other crosswise) or a transaction-scoped
advisory lock on a key. SQLite: ``BEGIN IMMEDIATE`` (the write lock, taken before the first read), which
serialises every writer. Deadlocks and serialisation failures that still happen are retried by
``retrying`` a bounded number of times, then reported as ``crm.db.Busy``.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable, Iterable
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from crm.db import Busy

P = ParamSpec("P")
T = TypeVar("T")
R = TypeVar("R", bound=SQLModel)

ATTEMPTS = 5


def retrying(fn: Callable[P, T]) -> Callable[P, T]:
    """Run ``fn`` (a use-case that owns its transaction) again when the database says Busy, a few times."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return fn(*args, **kwargs)
            except Busy:
                if attempt == ATTEMPTS:
                    raise
                time.sleep(random.uniform(0.01, 0.05) * attempt)  # let the other transaction finish
        raise AssertionError("unreachable")

    return wrapper


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def serialise(session: Session) -> None:
    """SQLite: take the database's write lock now (``BEGIN IMMEDIATE``) so later reads see the latest
    commits and no other writer can slip in between them and our write. PostgreSQL: nothing."""
    if not is_sqlite(session):
        return
    raw = session.connection().connection.dbapi_connection
    if raw is not None and not raw.in_transaction:
        raw.execute("BEGIN IMMEDIATE")


def lock_rows(session: Session, model: type[R], ids: Iterable[int], *, shared: bool = False) -> list[R]:
    """Lock these rows until the transaction ends (in id order) and return them freshly read.

    ``shared``: other transactions may take the same shared lock (children added to one live parent at
    once) but nobody may update or delete the rows meanwhile.
    """
    wanted = sorted(set(ids))
    serialise(session)
    table: Any = model.__table__  # type: ignore[attr-defined]
    query = select(model).where(table.c.id.in_(wanted)).order_by(table.c.id)
    if not is_sqlite(session):
        query = query.with_for_update(read=shared)
    return list(session.scalars(query.execution_options(populate_existing=True)))


def lock_key(session: Session, key: str) -> None:
    """Hold a lock named ``key`` until the transaction ends (check-then-insert of a unique value)."""
    if is_sqlite(session):
        serialise(session)
        return
    session.execute(select(func.pg_advisory_xact_lock(func.hashtext(key))))
