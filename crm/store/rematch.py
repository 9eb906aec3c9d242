"""The re-match's bulk reads and writes of stored verdicts.

Fingerprints summed per enterprise (one pass over a covering index), the stored rows of the enterprises
whose sum differs, and one transaction that upserts the changed verdicts (``INSERT .. ON CONFLICT (enterprise,
policy) DO UPDATE`` on SQLite and PostgreSQL), deletes the verdicts of policies no longer in force and writes
the differences. Like every verdict write (``crm.store.matches.replace_results``), a row carries when its facts
were read (``read_at``): a verdict computed from facts read after the re-match read its own (an officer
re-matched one enterprise meanwhile) is never overwritten or deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from crm.models import MatchDiff, MatchResult, PackRecord
from crm.store.fact_inputs import fetch_tuples
from crm.store.tx import serialise

CHUNK = 5_000
KEY = ("enterprise_id", "policy_id")


def digest_sums(*, session: Session) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(enterprise ids ascending, sum of their verdicts' fingerprints, verdicts with one, verdicts)."""
    t = _table()
    query = (
        sa.select(
            t.c.enterprise_id,
            sa.cast(sa.func.coalesce(sa.func.sum(t.c.digest), 0), sa.BigInteger),
            sa.func.count(t.c.digest),
            sa.func.count(),
        )
        .group_by(t.c.enterprise_id)
        .order_by(t.c.enterprise_id)
    )
    rows = np.array(fetch_tuples(session, query), dtype=np.int64).reshape(-1, 4)
    return rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3]


def stored_rows(
    *, session: Session, enterprise_ids: Sequence[int]
) -> dict[tuple[int, str], tuple[int | None, str]]:
    """(fingerprint, outcome) of the stored verdicts of these enterprises, by (enterprise, policy)."""
    t = _table()
    out: dict[tuple[int, str], tuple[int | None, str]] = {}
    ids = [int(i) for i in enterprise_ids]
    for first in range(0, len(ids), CHUNK):
        chunk = ids[first : first + CHUNK]
        query = sa.select(t.c.enterprise_id, t.c.policy_id, t.c.digest, t.c.outcome).where(
            t.c.enterprise_id.in_(chunk)
        )
        for eid, pid, digest, outcome in fetch_tuples(session, query):
            out[(eid, pid)] = (digest, outcome)
    return out


def enterprises_with_packs(*, session: Session) -> set[int]:
    """Every enterprise that has been given a service pack (a changed verdict makes it out of date)."""
    query = sa.select(PackRecord.__table__.c.enterprise_id).distinct()  # type: ignore[attr-defined]
    return {int(r[0]) for r in session.execute(query)}


def write_changes(
    *,
    session: Session,
    upserts: list[dict[str, Any]],
    deletes: Sequence[tuple[int, str]],
    diffs: list[dict[str, Any]],
    read_at: datetime,
) -> None:
    """Upsert the changed verdicts, delete the obsolete ones and record the differences, in one transaction;
    a verdict computed from facts read after ``read_at`` stays as it is."""
    serialise(session)
    t = _table()
    newer = sa.and_(t.c.read_at.is_not(None), t.c.read_at > read_at)
    if upserts:
        insert = (sqlite.insert if _dialect(session) == "sqlite" else postgresql.insert)(t)
        columns = [c for c in upserts[0] if c not in KEY]
        statement = insert.on_conflict_do_update(
            index_elements=list(KEY), set_={c: insert.excluded[c] for c in columns}, where=sa.not_(newer)
        )
        for first in range(0, len(upserts), CHUNK):
            session.execute(statement, upserts[first : first + CHUNK])
    if deletes:
        delete = sa.delete(t).where(
            t.c.enterprise_id == sa.bindparam("eid"), t.c.policy_id == sa.bindparam("pid"), sa.not_(newer)
        )
        session.execute(delete, [{"eid": e, "pid": p} for e, p in deletes])
    if diffs:
        session.execute(sa.insert(MatchDiff.__table__), diffs)  # type: ignore[attr-defined]


def _table() -> Any:
    return MatchResult.__table__  # type: ignore[attr-defined]


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name
