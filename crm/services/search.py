"""The header search box: one query over names, pinyin, USCC, former names and contacts."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, func
from sqlmodel import Session, col, select

from crm.db import session_scope
from crm.intake.search import Record, SearchIndex
from crm.models import Contact, Enterprise

# below this size a stale index is rebuilt before answering (a few ms); above, in the background
SYNC_REBUILD_LIMIT = 20_000
CHECK_EVERY_S = 1.0


@dataclass(frozen=True)
class SearchHit:
    """One result of the search box: which enterprise, what matched (Chinese label), how well (0-100)."""

    enterprise_id: int
    name: str
    matched_on: str
    score: float


def search(text: str, limit: int = 10) -> list[SearchHit]:
    """Ranked, typo-tolerant enterprise search for the header box (name, 拼音, 首字母, USCC, contacts)."""
    index = _cache.current()
    return [SearchHit(h.enterprise_id, h.name, h.matched_on, h.score) for h in index.search(text, limit)]


def invalidate() -> None:
    """Tell the index that records changed (imports and merges call this); the next search refreshes."""
    _cache.stale = True


def build_index(session: Session) -> SearchIndex:
    """A fresh index of all live enterprises and their live contacts."""
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
    return SearchIndex(
        Record(
            i or 0,
            n,
            u,
            tuple(f or ()),
            tuple(contacts.get(i or 0, empty)[0]),
            tuple(contacts.get(i or 0, empty)[1]),
        )
        for i, n, u, f in rows
    )


def _signature(session: Session) -> tuple[Any, ...]:
    parts: list[Any] = []
    for model in (Enterprise, Contact):
        parts += list(
            session.exec(
                select(func.count(), func.max(model.id), func.max(model.updated_at)).select_from(model)
            ).one()
        )
    return tuple(parts)


class _IndexCache:
    """One index per process, rebuilt when the tables' signature (count, max id, last update) moves."""

    def __init__(self) -> None:
        self.index: SearchIndex | None = None
        self.signature: tuple[Any, ...] | None = None
        self.url: str | None = None
        self.checked = 0.0
        self.stale = False
        self.lock = threading.Lock()
        self.rebuilding = False

    def current(self) -> SearchIndex:
        from crm.config import get_settings

        url = get_settings().database_url
        if self.index is None or self.url != url:
            self._rebuild(url)
        elif self.stale or time.monotonic() - self.checked > CHECK_EVERY_S:
            self._refresh_if_changed(url)
        assert self.index is not None
        return self.index

    def _refresh_if_changed(self, url: str) -> None:
        self.checked, self.stale = time.monotonic(), False
        with session_scope() as session:
            if _signature(session) == self.signature:
                return
        if self.index is not None and len(self.index) > SYNC_REBUILD_LIMIT:
            if not self.rebuilding:
                self.rebuilding = True
                threading.Thread(target=self._rebuild, args=(url,), daemon=True).start()
            return
        self._rebuild(url)

    def _rebuild(self, url: str) -> None:
        with self.lock:
            try:
                with session_scope() as session:
                    signature = _signature(session)
                    index = build_index(session)
                self.index, self.signature, self.url = index, signature, url
                self.checked = time.monotonic()
            finally:
                self.rebuilding = False


_cache = _IndexCache()
_WATCHED = {"enterprise", "contact"}


@event.listens_for(Session, "after_flush")
def _note_orm_changes(session: Session, _context: Any) -> None:
    touched = (*session.new, *session.dirty, *session.deleted)
    if any(getattr(type(o), "__tablename__", None) in _WATCHED for o in touched):
        session.info["search_stale"] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement_changes(state: Any) -> None:
    # the store writes updates as version-checked UPDATE statements, which after_flush does not see
    if state.is_update or state.is_insert or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in _WATCHED:
            state.session.info["search_stale"] = True


@event.listens_for(Session, "after_commit")
def _refresh_after_commit(session: Session) -> None:
    if session.info.pop("search_stale", False):
        invalidate()
