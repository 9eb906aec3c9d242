"""The header search box: one query over names, pinyin, USCC, former names and contacts."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from crm.auth import Principal, acting_as, current_principal, require
from crm.db import session_scope
from crm.intake.search import Record, SearchIndex
from crm.store import search as index_store

# below this size a stale index is rebuilt before answering (a few ms); above, in the background
SYNC_REBUILD_LIMIT = 20_000
CHECK_EVERY_S = 1.0
WATCHED = {"enterprise", "contact"}  # the tables the index is built from


@dataclass(frozen=True)
class SearchHit:
    """One result of the search box: which enterprise, what matched (Chinese label), how well (0-100)."""

    enterprise_id: int
    name: str
    matched_on: str
    score: float


def search(text: str, limit: int = 10) -> list[SearchHit]:
    """Ranked, typo-tolerant enterprise search for the header box (name, 拼音, 首字母, USCC, contacts)."""
    require("read")  # the index is in memory: a browser whose login ended must not read it
    index = _cache.current()
    return [SearchHit(h.enterprise_id, h.name, h.matched_on, h.score) for h in index.search(text, limit)]


def invalidate() -> None:
    """Tell the index that records changed (imports and merges call this); the next search refreshes."""
    _cache.stale = True


def _build_index() -> tuple[tuple[Any, ...], SearchIndex]:
    """The tables' signature and a fresh index of all live enterprises and their live contacts."""
    with session_scope() as session:
        signature = index_store.signature(session=session)
        return signature, SearchIndex(Record(*row) for row in index_store.index_rows(session=session))


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

        index_store.watch(WATCHED, invalidate)  # imports and edits elsewhere mark the index stale on commit
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
            if index_store.signature(session=session) == self.signature:
                return
        if self.index is not None and len(self.index) > SYNC_REBUILD_LIMIT:
            if not self.rebuilding:
                self.rebuilding = True
                principal = current_principal()  # the thread reads as the officer who searched
                threading.Thread(target=self._rebuild_as, args=(principal, url), daemon=True).start()
            return
        self._rebuild(url)

    def _rebuild_as(self, principal: Principal, url: str) -> None:
        with acting_as(principal):
            self._rebuild(url)

    def _rebuild(self, url: str) -> None:
        with self.lock:
            try:
                signature, index = _build_index()
                self.index, self.signature, self.url = index, signature, url
                self.checked = time.monotonic()
            finally:
                self.rebuilding = False


_cache = _IndexCache()
