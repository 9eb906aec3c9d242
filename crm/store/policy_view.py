"""The 政策 pages' reads of stored verdicts: counts per outcome and one page of an outcome's enterprises.

Counts come from the (policy, outcome, enterprise) index alone, minus the few verdicts of deleted
enterprises; a page of enterprises is one indexed, limited query. Neither loads every enterprise.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from crm.models import Enterprise, MatchResult


def outcome_totals(*, session: Session, policy_id: str | None = None) -> dict[str, dict[str, int]]:
    """{policy: {outcome: live enterprises}} from the stored verdicts (of one policy, or of all)."""
    m, e = MatchResult.__table__, Enterprise.__table__  # type: ignore[attr-defined]
    where = [] if policy_id is None else [m.c.policy_id == policy_id]
    every = (
        sa.select(m.c.policy_id, m.c.outcome, sa.func.count())
        .where(*where)
        .group_by(m.c.policy_id, m.c.outcome)
    )
    gone = (
        sa.select(m.c.policy_id, m.c.outcome, sa.func.count())
        .join(e, e.c.id == m.c.enterprise_id)
        .where(e.c.deleted_at.is_not(None), *where)
        .group_by(m.c.policy_id, m.c.outcome)
    )
    out: dict[str, dict[str, int]] = {}
    for pid, outcome, n in session.execute(every):
        out.setdefault(pid, {})[outcome] = n
    for pid, outcome, n in session.execute(gone):
        out[pid][outcome] -= n
    return out


def outcome_members(
    *, session: Session, policy_id: str, outcome: str, offset: int = 0, limit: int = 50
) -> list[tuple[int, str]]:
    """(id, name) of live enterprises whose stored verdict on ``policy_id`` is ``outcome``, by name, one page."""
    m, e = MatchResult.__table__, Enterprise.__table__  # type: ignore[attr-defined]
    query = (
        sa.select(e.c.id, e.c.name)
        .join(m, m.c.enterprise_id == e.c.id)
        .where(m.c.policy_id == policy_id, m.c.outcome == outcome, e.c.deleted_at.is_(None))
        .order_by(e.c.name, e.c.id)
        .offset(offset)
        .limit(limit)
    )
    return [(int(i), name) for i, name in session.execute(query)]
