"""Stored verdicts, officers' settlements of manual conditions, and the differences a re-match finds."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from crm.models import Enterprise, ManualSettlement, MatchDiff, MatchResult, PackRecord, utcnow
from crm.store.core import write_audit
from crm.store.tx import is_sqlite, serialise

# --- settlements -------------------------------------------------------------------------------------


def add_settlement(
    *,
    session: Session,
    enterprise_id: int,
    policy_id: str,
    condition_id: str,
    met: bool | None,
    actor: str,
    note: str = "",
) -> ManualSettlement:
    """Record an officer's decision on a manual condition (None withdraws it), audited as a settlement."""
    row = ManualSettlement(
        enterprise_id=enterprise_id,
        policy_id=policy_id,
        condition_id=condition_id,
        met=met,
        officer=actor,
        note=note,
    )
    session.add(row)
    session.flush()
    shown = {True: "核定为满足", False: "核定为不满足", None: "撤回核定"}[met]
    write_audit(
        session=session,
        actor=actor,
        action="settle",
        entity="manualsettlement",
        entity_id=row.id or 0,
        enterprise_id=enterprise_id,
        field=f"{policy_id}.{condition_id}",
        new=f"{shown} {note}".strip(),
    )
    return row


def settlements(*, session: Session, enterprise_id: int | None = None) -> list[ManualSettlement]:
    """Every settlement (of one enterprise, or of all), oldest first: the newest decision wins."""
    query = select(ManualSettlement).order_by(col(ManualSettlement.at), col(ManualSettlement.id))
    if enterprise_id is not None:
        query = query.where(ManualSettlement.enterprise_id == enterprise_id)
    return list(session.exec(query).all())


def value_columns(low: float | None, high: float | None) -> dict[str, Decimal | None]:
    """A verdict's estimated benefit as stored (CNY to the fen; None where unbounded or unknown)."""
    return {
        "value_low": None if low is None else Decimal(str(round(low, 2))),
        "value_high": None if high is None else Decimal(str(round(high, 2))),
    }


# --- stored verdicts and their differences ------------------------------------------------------------


def replace_results(
    *,
    session: Session,
    rows: list[dict[str, Any]],
    enterprise_ids: Sequence[int],
    rules_hash: str,
    read_at: datetime | None = None,
) -> list[dict[str, Any]]:
    """Store the verdicts of ``enterprise_ids`` (computed from facts read at ``read_at``) and write and
    return the differences.

    By upsert on (enterprise, policy), under a lock on the rows it replaces: a verdict only replaces one
    computed from facts read no later than its own, so a re-match that read the data before an officer's
    edit never overwrites the match made after it; a stored verdict of a policy no longer evaluated goes.
    """
    id_list = sorted({int(i) for i in enterprise_ids})
    read_at = _aware(read_at or utcnow())
    old = _lock_results(session, id_list)
    newer = {k for k, (_, at) in old.items() if at is not None and at > read_at}
    now = utcnow()
    rows = [
        {**r, "read_at": read_at, "computed_at": now}
        for r in rows
        if (r["enterprise_id"], r["policy_id"]) not in newer
    ]
    for k in range(0, len(rows), 1000):
        session.execute(_upsert(session, rows[k : k + 1000]))
    kept = {(r["enterprise_id"], r["policy_id"]) for r in rows} | newer
    _delete_gone(session, [k for k in old if k not in kept])
    diffs = _diffs(session, {k: v for k, (v, _) in old.items()}, rows, rules_hash)
    if diffs:
        session.execute(sa.insert(MatchDiff), diffs)
    return diffs


def _lock_results(session: Session, ids: list[int]) -> dict[tuple[int, str], tuple[str, datetime | None]]:
    """The stored (outcome, read_at) of these enterprises' verdicts, locked until commit (SQLite: the
    write lock), so nobody replaces them between this read and our write."""
    serialise(session)
    t = MatchResult.__table__  # type: ignore[attr-defined]
    out: dict[tuple[int, str], tuple[str, datetime | None]] = {}
    for k in range(0, len(ids), 5000):
        query = (
            sa.select(t.c.enterprise_id, t.c.policy_id, t.c.outcome, t.c.read_at)
            .where(t.c.enterprise_id.in_(ids[k : k + 5000]))
            .order_by(t.c.enterprise_id, t.c.policy_id)
        )
        if not is_sqlite(session):
            query = query.with_for_update()
        out |= {(e, p): (o, _aware(at) if at else None) for e, p, o, at in session.execute(query)}
    return out


def _upsert(session: Session, rows: list[dict[str, Any]]) -> Any:
    """INSERT ... ON CONFLICT (enterprise, policy) DO UPDATE, only over a verdict read no later."""
    insert = sqlite_insert if is_sqlite(session) else pg_insert
    stmt = insert(MatchResult).values(rows)
    columns = [c for c in rows[0] if c not in ("enterprise_id", "policy_id", "id")] if rows else []
    return stmt.on_conflict_do_update(
        index_elements=["enterprise_id", "policy_id"],
        set_={c: stmt.excluded[c] for c in columns},
        where=sa.or_(
            MatchResult.__table__.c.read_at.is_(None),  # type: ignore[attr-defined]
            MatchResult.__table__.c.read_at <= stmt.excluded.read_at,  # type: ignore[attr-defined]
        ),
    )


def _delete_gone(session: Session, gone: list[tuple[int, str]]) -> None:
    """Drop the stored verdicts of policies no longer evaluated (one DELETE per policy)."""
    t = MatchResult.__table__  # type: ignore[attr-defined]
    by_policy: dict[str, list[int]] = {}
    for eid, pid in gone:
        by_policy.setdefault(pid, []).append(eid)
    for pid, eids in by_policy.items():
        session.execute(sa.delete(t).where(t.c.policy_id == pid, t.c.enterprise_id.in_(eids)))


def _aware(at: datetime) -> datetime:
    """UTC with its zone (SQLite hands stored times back without one)."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _diffs(
    session: Session, old: dict[tuple[int, str], str], rows: list[dict[str, Any]], rules_hash: str
) -> list[dict[str, Any]]:
    run_id = uuid.uuid4().hex[:12]
    out, changed = [], set()
    for r in rows:
        before, after = old.get((r["enterprise_id"], r["policy_id"])), r["outcome"]
        kind = diff_kind(before, after)
        if before != after:
            changed.add(r["enterprise_id"])
        if kind:
            out.append(_diff(run_id, r["enterprise_id"], r["policy_id"], kind, before, after, rules_hash))
    for enterprise_id in sorted(changed & _enterprises_with_packs(session, changed)):
        out.append(_diff(run_id, enterprise_id, None, "pack_out_of_date", None, None, rules_hash))
    return out


def _diff(
    run_id: str,
    enterprise_id: int,
    policy_id: str | None,
    kind: str,
    old: str | None,
    new: str | None,
    rules_hash: str,
) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "enterprise_id": enterprise_id,
        "policy_id": policy_id,
        "kind": kind,
        "old_outcome": old,
        "new_outcome": new,
        "rules_hash": rules_hash,
    }


def diff_kind(before: str | None, after: str) -> str | None:
    """newly_eligible / no_longer_eligible when a verdict moves into or out of eligible, else None."""
    if after == "eligible" and before not in ("eligible", "held"):
        return "newly_eligible"
    if before == "eligible" and after not in ("eligible", "held"):
        return "no_longer_eligible"
    return None


def _enterprises_with_packs(session: Session, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    query = select(PackRecord.enterprise_id).where(col(PackRecord.enterprise_id).in_(sorted(ids))).distinct()
    return set(session.exec(query).all())


# --- reading them back ----------------------------------------------------------------------------------


def match_rows_select() -> Any:
    """Stored verdicts as a selectable (enterprise_id, policy_id, outcome, to_collect, value_low, value_high)
    for pipeline and radar."""
    t = MatchResult.__table__  # type: ignore[attr-defined]
    return sa.select(
        t.c.enterprise_id, t.c.policy_id, t.c.outcome, t.c.to_collect, t.c.value_low, t.c.value_high
    )


def results_of(*, session: Session, enterprise_id: int) -> list[MatchResult]:
    """The stored verdicts of one enterprise, best rank first."""
    query = (
        select(MatchResult).where(MatchResult.enterprise_id == enterprise_id).order_by(col(MatchResult.rank))
    )
    return list(session.exec(query).all())


def members_by_outcome(*, session: Session, policy_id: str) -> list[tuple[str, int, str]]:
    """(outcome, enterprise id, name) of every live enterprise's stored verdict on one policy, by name."""
    query = (
        select(MatchResult.outcome, Enterprise.id, Enterprise.name)
        .join(Enterprise, col(Enterprise.id) == col(MatchResult.enterprise_id))
        .where(MatchResult.policy_id == policy_id, col(Enterprise.deleted_at).is_(None))
        .order_by(col(Enterprise.name))
    )
    return [(outcome, int(eid or 0), name) for outcome, eid, name in session.exec(query)]


def recent_diffs(*, session: Session, limit: int = 200) -> list[dict[str, Any]]:
    """The newest re-match differences with the enterprise's name."""
    query = (
        select(MatchDiff, Enterprise.name)
        .join(Enterprise, col(Enterprise.id) == col(MatchDiff.enterprise_id))
        .order_by(col(MatchDiff.at).desc(), col(MatchDiff.id).desc())
        .limit(limit)
    )
    return [d.model_dump() | {"enterprise_name": name} for d, name in session.exec(query)]


def results_with_names(
    *, session: Session, enterprise_ids: list[int]
) -> list[tuple[int, str, str | None, MatchResult]]:
    """(enterprise id, name, USCC, stored verdict) of some enterprises, by name then rank (exports)."""
    query = (
        select(Enterprise.id, Enterprise.name, Enterprise.uscc, MatchResult)
        .join(MatchResult, col(MatchResult.enterprise_id) == col(Enterprise.id))
        .where(col(Enterprise.id).in_(enterprise_ids))
        .order_by(col(Enterprise.name), col(MatchResult.rank))
    )
    return [(i or 0, name, uscc, m) for i, name, uscc, m in session.exec(query)]
