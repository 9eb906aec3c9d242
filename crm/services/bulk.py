"""Bulk work on the enterprise list: the ids a filter selects (as the list finds them, 拼音 included), and
assigning an officer or adding/removing a tag on many enterprises in one all-or-nothing, audited save."""

from __future__ import annotations

from dataclasses import replace

from crm.auth import require
from crm.db import session_scope
from crm.errors import HuiqiError
from crm.i18n import register
from crm.models import Enterprise
from crm.services.enterprises import current_actor, list_enterprises
from crm.store import EnterpriseQuery, Session, get_record, tx
from crm.store import enterprises as store

MAX_SELECTION = 10_000  # a bulk action touches at most this many enterprises (one office's whole list)

register(
    {
        "error.bulk.empty": ("没有选中任何企业", "No enterprise selected"),
        "error.bulk.too_many": ("一次最多处理 {n} 家企业", "At most {n} enterprises at once"),
        "error.bulk.tag": ("标签不能为空", "The tag cannot be empty"),
    }
)


class NothingSelected(HuiqiError):
    key = "error.bulk.empty"


class TooMany(HuiqiError):
    key = "error.bulk.too_many"


class BlankTag(HuiqiError):
    key = "error.bulk.tag"


def matching_ids(query: EnterpriseQuery) -> list[int]:
    """Every live enterprise the list's filters select (all pages), in list order."""
    page = list_enterprises(replace(query, page=1, page_size=MAX_SELECTION))
    return [e.id for e in page.rows if e.id is not None]


@tx.retrying
def assign_officer(ids: list[int], officer_id: int | None) -> int:
    """Make ``officer_id`` (None: nobody) the 负责专员 of every enterprise in ``ids``; how many changed."""
    require("write")
    _check(ids)
    with session_scope() as session:
        changed = 0
        for eid in ids:
            record = get_record(session=session, model=Enterprise, record_id=eid)
            if record.owner_officer_id != officer_id:
                _save(session, record, {"owner_officer_id": officer_id})
                changed += 1
        return changed


@tx.retrying
def change_tag(ids: list[int], tag: str, *, add: bool) -> int:
    """Add (or remove) one tag on every enterprise in ``ids``; how many changed."""
    require("write")
    _check(ids)
    tag = tag.strip()
    if not tag:
        raise BlankTag()
    with session_scope() as session:
        changed = 0
        for eid in ids:
            record = get_record(session=session, model=Enterprise, record_id=eid)
            tags = list(record.tags or [])
            if (tag in tags) == add:
                continue
            _save(session, record, {"tags": [*tags, tag] if add else [t for t in tags if t != tag]})
            changed += 1
        return changed


def _save(session: Session, record: Enterprise, data: dict[str, object]) -> None:
    store.update_enterprise(
        session=session,
        enterprise_id=record.id or 0,
        expected_version=record.version,
        data=data,
        actor=current_actor(),
    )


def _check(ids: list[int]) -> None:
    if not ids:
        raise NothingSelected()
    if len(ids) > MAX_SELECTION:
        raise TooMany(n=MAX_SELECTION)
