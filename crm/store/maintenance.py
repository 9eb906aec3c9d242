"""Whole-database chores: emptying the CRM's records (the demo's ``--replace``), planner statistics."""

from __future__ import annotations

from sqlalchemy import MetaData, delete, text
from sqlmodel import Session, col, func, select

from crm.models import AuditEntry
from crm.store.core import ENTITY_OF

KEPT = frozenset({"officer"})  # accounts survive a demo --replace (the server's admin among them)


def clear_records(*, session: Session) -> None:
    """Delete the CRM's records and every row that refers to them; officer accounts (and their audit rows)
    and reference data stay."""
    meta = MetaData()
    meta.reflect(bind=session.connection())
    doomed = {name for name in ENTITY_OF.values() if name not in KEPT}  # entity names are the table names
    grew = True
    while grew:  # tables other features added that point at these (applications, packs, ...)
        before = len(doomed)
        doomed |= {
            t.name
            for t in meta.sorted_tables
            if t.name not in KEPT and any(fk.column.table.name in doomed for fk in t.foreign_keys)
        }
        grew = len(doomed) > before
    tables = [t for t in reversed(meta.sorted_tables) if t.name in doomed]
    if session.get_bind().dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        session.execute(text(f"TRUNCATE {names} RESTART IDENTITY"))
    else:
        for table in tables:
            session.execute(table.delete())
    session.execute(delete(AuditEntry).where(col(AuditEntry.entity).not_in(KEPT)))


def changes_not_by(*, session: Session, actor: str) -> int:
    """Audit rows about records (accounts aside) written by anyone but ``actor``: 0 = only demo data."""
    query = (
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.actor != actor, col(AuditEntry.entity).not_in(KEPT))
    )
    return int(session.exec(query).one())


def analyze(*, session: Session) -> None:
    """Refresh the planner's statistics after a bulk load (without them SQLite walks the index on
    ``deleted_at``, NULL on every row, for every list page)."""
    session.execute(text("ANALYZE"))
