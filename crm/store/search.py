"""What the header search index is built from, how to tell that it is stale, and a hook on committed changes.

``watch(tables, callback)`` is called explicitly by whoever keeps an index (``crm.services.search``):
importing this module registers nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import event, func
from sqlmodel import Session, col, select

from crm.models import Contact, Enterprise

IndexRow = tuple[int, str, str | None, tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def index_rows(*, session: Session) -> Iterator[IndexRow]:
    """(id, name, USCC, former names, contact names, contact phones) of every live enterprise."""
    contacts: dict[int, tuple[list[str], list[str]]] = {}
    query = select(Contact.enterprise_id, Contact.name, Contact.phone).where(
        col(Contact.deleted_at).is_(None)
    )
    for eid, name, phone in session.exec(query):
        names, phones = contacts.setdefault(eid, ([], []))
        names.append(name)
        if phone:
            phones.append(phone)
    rows = session.exec(
        select(Enterprise.id, Enterprise.name, Enterprise.uscc, Enterprise.former_names).where(
            col(Enterprise.deleted_at).is_(None)
        )
    )
    empty: tuple[list[str], list[str]] = ([], [])
    for i, n, u, f in rows:
        names, phones = contacts.get(i or 0, empty)
        yield (i or 0, n, u, tuple(f or ()), tuple(names), tuple(phones))


def signature(*, session: Session) -> tuple[Any, ...]:
    """(count, max id, last update) of enterprises and contacts: moves whenever either table changes."""
    parts: list[Any] = []
    for model in (Enterprise, Contact):
        parts += list(
            session.exec(
                select(func.count(), func.max(model.id), func.max(model.updated_at)).select_from(model)
            ).one()
        )
    return tuple(parts)


# --- committed changes -------------------------------------------------------------------------------

_watchers: list[tuple[frozenset[str], Callable[[], None]]] = []
_lock = threading.Lock()


def watch(tables: set[str], callback: Callable[[], None]) -> None:
    """Call ``callback`` after each commit that wrote to one of ``tables`` (ORM objects or statements).

    Idempotent for the same (tables, callback); the session listeners are registered on the first call.
    """
    key = (frozenset(tables), callback)
    with _lock:
        if key in _watchers:
            return
        if not _watchers:
            event.listen(Session, "after_flush", _note_orm_changes)
            event.listen(Session, "do_orm_execute", _note_statement_changes)
            event.listen(Session, "after_commit", _call_after_commit)
        _watchers.append(key)


def _note_orm_changes(session: Session, _context: Any) -> None:
    touched = {
        getattr(type(o), "__tablename__", None) for o in (*session.new, *session.dirty, *session.deleted)
    }
    _note(session, touched)


def _note_statement_changes(state: Any) -> None:
    # the store writes updates as version-checked UPDATE statements, which after_flush does not see
    if state.is_update or state.is_insert or state.is_delete:
        table = getattr(state.statement, "table", None)
        _note(state.session, {getattr(table, "name", None)})


def _note(session: Session, touched: set[Any]) -> None:
    for i, (tables, _) in enumerate(_watchers):
        if touched & tables:
            session.info.setdefault("changed_watch", set()).add(i)


def _call_after_commit(session: Session) -> None:
    for i in sorted(session.info.pop("changed_watch", ())):
        _watchers[i][1]()
