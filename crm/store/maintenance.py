"""Whole-database chores: emptying the CRM's records (the demo's ``--replace``), planner statistics."""

from __future__ import annotations

from sqlalchemy import MetaData, text
from sqlmodel import Session

from crm.models import AuditEntry
from crm.store.core import ENTITY_OF


def clear_records(*, session: Session) -> None:
    """Delete the CRM's records and every row that refers to them; reference data stays."""
    meta = MetaData()
    meta.reflect(bind=session.connection())
    doomed = {str(AuditEntry.__tablename__), *ENTITY_OF.values()}  # entity names are the table names
    grew = True
    while grew:  # tables other features added that point at these (applications, packs, ...)
        before = len(doomed)
        doomed |= {
            t.name for t in meta.sorted_tables if any(fk.column.table.name in doomed for fk in t.foreign_keys)
        }
        grew = len(doomed) > before
    tables = [t for t in reversed(meta.sorted_tables) if t.name in doomed]
    if session.get_bind().dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        session.execute(text(f"TRUNCATE {names} RESTART IDENTITY"))
    else:
        for table in tables:
            session.execute(table.delete())


def analyze(*, session: Session) -> None:
    """Refresh the planner's statistics after a bulk load (without them SQLite walks the index on
    ``deleted_at``, NULL on every row, for every list page)."""
    session.execute(text("ANALYZE"))
