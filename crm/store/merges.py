"""The writes of a merge of duplicate enterprises: re-pointing child rows, the MergeRecord, its audit rows.

``crm.intake.merge`` decides what moves and what the winner gains; this module does the writing. Every
table with an ``enterprise_id`` foreign key to ``enterprise`` is a child table; a row that would clash
with a unique key of the winner's rows stays where it is. Each re-pointed row gets an audit row.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from crm.models import MergeRecord, utcnow
from crm.store.core import write_audit, write_audits


def move_children(*, session: Session, loser_id: int, winner_id: int, actor: str) -> dict[str, list[int]]:
    """Re-point the loser's child rows that do not clash with the winner's; table name -> moved row ids."""
    moved = {}
    for table in _child_tables():
        rows = session.execute(sa.select(table).where(table.c.enterprise_id == loser_id)).mappings().all()
        clashing = _clashes(session, table, rows, winner_id)
        ids = [int(r["id"]) for r in rows if int(r["id"]) not in clashing]
        _repoint(session, table, ids, winner_id, loser_id, actor)
        moved[table.name] = ids
    return moved


def move_back(*, session: Session, moved: dict[str, list[int]], to_id: int, from_id: int, actor: str) -> None:
    """Undo ``move_children``: the rows listed per table go back from ``from_id`` to ``to_id``."""
    for table in _child_tables():
        _repoint(session, table, moved.get(table.name, []), to_id, from_id, actor)


def record_merge(
    *, session: Session, actor: str, winner_id: int, loser_id: int, loser_name: str, detail: dict[str, Any]
) -> MergeRecord:
    """Write the MergeRecord (what undo needs) and the winner's "merged from" audit row."""
    record = MergeRecord(actor=actor, winner_id=winner_id, loser_id=loser_id, detail=detail)
    session.add(record)
    write_audit(
        session=session,
        actor=actor,
        action="merge",
        entity="enterprise",
        entity_id=winner_id,
        enterprise_id=winner_id,
        field="merged_from",
        new=f"{loser_name}（#{loser_id}）",
    )
    return record


def mark_undone(*, session: Session, record: MergeRecord, actor: str) -> MergeRecord:
    """Mark a merge as undone (who, when) with the winner's audit row."""
    record.undone_at, record.undone_by = utcnow(), actor
    session.add(record)
    write_audit(
        session=session,
        actor=actor,
        action="restore",
        entity="enterprise",
        entity_id=record.winner_id,
        enterprise_id=record.winner_id,
        field="merged_from",
        old=f"#{record.loser_id}",
    )
    return record


def merge_record(*, session: Session, merge_id: int) -> MergeRecord | None:
    """One merge, if it exists."""
    return session.get(MergeRecord, merge_id)


def merges(*, session: Session, enterprise_id: int | None = None) -> list[MergeRecord]:
    """Merges, newest first (those an enterprise took part in, when given)."""
    query = select(MergeRecord).order_by(col(MergeRecord.id).desc())
    if enterprise_id is not None:
        query = query.where(
            (MergeRecord.winner_id == enterprise_id) | (MergeRecord.loser_id == enterprise_id)
        )
    return list(session.exec(query))


def _child_tables() -> list[sa.Table]:
    """Tables whose rows belong to an enterprise (a foreign key enterprise_id -> enterprise.id)."""
    out = []
    for table in SQLModel.metadata.sorted_tables:
        column = table.c.get("enterprise_id")
        if (
            column is not None
            and any(fk.column.table.name == "enterprise" for fk in column.foreign_keys)
            and table.name != "mergerecord"
        ):
            out.append(table)
    return out


def _clashes(session: Session, table: sa.Table, rows: Any, winner_id: int) -> set[int]:
    out: set[int] = set()
    for columns, live_only in _unique_keys(table):
        others = [c for c in columns if c != "enterprise_id"]
        query = sa.select(*[table.c[c] for c in others]).where(table.c.enterprise_id == winner_id)
        if live_only:
            query = query.where(table.c.deleted_at.is_(None))
        taken = {tuple(r) for r in session.execute(query)}
        out |= {
            int(r["id"])
            for r in rows
            if tuple(r[c] for c in others) in taken and not (live_only and r["deleted_at"] is not None)
        }
    return out


def _unique_keys(table: sa.Table) -> list[tuple[list[str], bool]]:
    """The unique keys that include ``enterprise_id``: (columns, whether only live rows count)."""
    keys = [
        ([c.name for c in u.columns], False)
        for u in table.constraints
        if isinstance(u, sa.UniqueConstraint) and "enterprise_id" in u.columns
    ]
    keys += [
        ([c.name for c in i.columns], i.dialect_options["sqlite"]["where"] is not None)
        for i in table.indexes
        if i.unique and "enterprise_id" in i.columns
    ]
    return keys


def _repoint(session: Session, table: sa.Table, ids: list[int], to_id: int, from_id: int, actor: str) -> None:
    if not ids:
        return
    values: dict[str, Any] = {"enterprise_id": to_id}
    if "version" in table.c:
        values["version"] = table.c.version + 1
    if "updated_at" in table.c:
        values["updated_at"] = utcnow()
    session.execute(
        sa.update(table).where(table.c.id.in_(ids), table.c.enterprise_id == from_id).values(**values)
    )
    write_audits(
        session=session,
        rows=[
            {
                "actor": actor,
                "action": "merge",
                "entity": table.name,
                "entity_id": i,
                "enterprise_id": to_id,
                "field": "enterprise_id",
                "old": from_id,
                "new": to_id,
            }
            for i in ids
        ],
    )
