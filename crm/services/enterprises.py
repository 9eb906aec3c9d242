"""Enterprise records: list, read, create, edit, delete/restore, child records, history."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from crm import store
from crm.auth import current_principal, require
from crm.db import session_scope
from crm.models import AuditEntry, Enterprise, Officer
from crm.records.validation import FieldError, ValidationFailed
from crm.store import Aggregate, ConflictError, EnterpriseQuery, NotFoundError, Page, tx
from crm.store import enterprises as enterprise_store
from crm.store import officers as officer_store

__all__ = [
    "Aggregate",
    "ConflictError",
    "EnterpriseQuery",
    "FieldError",
    "NotFoundError",
    "Page",
    "ValidationFailed",
]


def current_actor() -> str:
    """The signed-in officer's username (desktop mode: the configured officer)."""
    return current_principal().username


def list_enterprises(query: EnterpriseQuery) -> Page:
    """One page of the enterprise list; its quick search also finds what the header's search finds
    (拼音, 首字母, typos, contacts), not only names containing the text."""
    if query.search and query.search.strip() and not query.search_ids:
        from crm.services.search import search

        hits = search(query.search.strip(), SEARCH_IDS)
        query = replace(query, search_ids=tuple(h.enterprise_id for h in hits))
    with session_scope() as session:
        return store.list_enterprises(session=session, query=query)


SEARCH_IDS = 1000  # the search index's best matches a list search adds to its own


def get_aggregate(enterprise_id: int) -> Aggregate:
    """An enterprise with its fiscal years, IP, credentials, compliance events and contacts."""
    with session_scope() as session:
        return store.load_aggregate(session=session, enterprise_id=enterprise_id)


def get_enterprise(enterprise_id: int, *, include_deleted: bool = False) -> Enterprise:
    """One enterprise record."""
    with session_scope() as session:
        return store.get_record(
            session=session, model=Enterprise, record_id=enterprise_id, include_deleted=include_deleted
        )


@tx.retrying
def create_enterprise(data: dict[str, Any], *, actor: str | None = None) -> Enterprise:
    """Create an enterprise from form or import data (validated; audited)."""
    require("write")
    with session_scope() as session:
        return store.create_enterprise(session=session, data=data, actor=actor or current_actor())


@tx.retrying
def update_enterprise(
    enterprise_id: int, expected_version: int, data: dict[str, Any], *, actor: str | None = None
) -> Enterprise:
    """Save an edit made on version ``expected_version`` (ConflictError if someone saved first)."""
    require("write")
    with session_scope() as session:
        return store.update_enterprise(
            session=session,
            enterprise_id=enterprise_id,
            expected_version=expected_version,
            data=data,
            actor=actor or current_actor(),
        )


@tx.retrying
def delete_record(entity: str, record_id: int, expected_version: int, *, actor: str | None = None) -> None:
    """Soft-delete an enterprise or a child record."""
    require("write")
    with session_scope() as session:
        store.delete(
            session=session,
            model=store.MODEL_OF[entity],
            record_id=record_id,
            expected_version=expected_version,
            actor=actor or current_actor(),
        )


@tx.retrying
def restore_record(entity: str, record_id: int, *, actor: str | None = None) -> None:
    """Undo a soft delete."""
    require("write")
    with session_scope() as session:
        store.restore(
            session=session, model=store.MODEL_OF[entity], record_id=record_id, actor=actor or current_actor()
        )


def list_children(entity: str, enterprise_id: int) -> list[Any]:
    """The live child records of one kind (fiscalyear, ipasset, credential, ...) of an enterprise."""
    with session_scope() as session:
        return store.children(session=session, model=store.MODEL_OF[entity], enterprise_id=enterprise_id)


@tx.retrying
def add_child(entity: str, enterprise_id: int, data: dict[str, Any], *, actor: str | None = None) -> Any:
    """Add a fiscal year, IP item, credential, compliance event, contact, interaction or task."""
    require("write")
    with session_scope() as session:
        return store.create_child(
            session=session,
            model=store.MODEL_OF[entity],
            enterprise_id=enterprise_id,
            data=data,
            actor=actor or current_actor(),
        )


@tx.retrying
def update_child(
    entity: str, record_id: int, expected_version: int, data: dict[str, Any], *, actor: str | None = None
) -> Any:
    """Edit a child record made on version ``expected_version``."""
    require("write")
    with session_scope() as session:
        return store.update_child(
            session=session,
            model=store.MODEL_OF[entity],
            record_id=record_id,
            expected_version=expected_version,
            data=data,
            actor=actor or current_actor(),
        )


def history(enterprise_id: int) -> list[AuditEntry]:
    """The enterprise's audit trail, newest first."""
    with session_scope() as session:
        return store.history(session=session, enterprise_id=enterprise_id)


@dataclass(frozen=True)
class Facets:
    """Values offered by the list's filters."""

    tags: list[str]


def facets() -> Facets:
    """Distinct tags in use (for the list's tag filter)."""
    with session_scope() as session:
        lists = enterprise_store.tag_lists(session=session)
    return Facets(sorted({tag for text in lists for tag in json.loads(text or "[]")}))


def officers() -> list[Officer]:
    """Active officer accounts."""
    with session_scope() as session:
        return officer_store.active_officers(session=session)
