"""The write machinery every store module uses: insert, version-checked update, soft delete, audit.

Write functions are keyword-only. A stale ``expected_version`` raises ``ConflictError`` and writes
nothing; every change writes one ``AuditEntry`` per changed field (who, when, old -> new).
Delete is soft (``deleted_at``) and can be undone with ``restore``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Table, insert, update
from sqlmodel import Session, SQLModel, col, select

from crm.errors import HuiqiError
from crm.models import (
    Application,
    AuditEntry,
    ComplianceEvent,
    Contact,
    Credential,
    CycleWindow,
    Enterprise,
    FiscalYear,
    Interaction,
    IPAsset,
    Officer,
    Task,
    Versioned,
    utcnow,
)
from crm.store.tx import lock_rows

M = TypeVar("M", bound=Versioned)

ENTITY_OF: dict[type[Versioned], str] = {
    Enterprise: "enterprise",
    FiscalYear: "fiscalyear",
    IPAsset: "ipasset",
    Credential: "credential",
    ComplianceEvent: "complianceevent",
    Contact: "contact",
    Interaction: "interaction",
    Task: "task",
    Officer: "officer",
    Application: "application",
    CycleWindow: "cyclewindow",
}
# PipelineStage is reference data seeded by a migration: audited under its table name, not listed here
# (crm.store.maintenance.clear_records empties every table named in ENTITY_OF)
MODEL_OF: dict[str, type[Versioned]] = {v: k for k, v in ENTITY_OF.items()}


# where the values being written come from (recorded on every audit row; None: typed by an officer)
_source: ContextVar[str | None] = ContextVar("audit_source", default=None)


@contextmanager
def provenance(source: str) -> Iterator[None]:
    """Record ``source`` on every audit row written inside the block: ``import:<file>``, ``return:<request>``,
    ``merge``, ``demo``, ``verified`` (no block: an officer's entry)."""
    token = _source.set(source[:120])
    try:
        yield
    finally:
        _source.reset(token)


def entity_name(model: type[Versioned]) -> str:
    """The audit's name of a model: its ENTITY_OF entry, else (audited reference data) its table name."""
    return ENTITY_OF.get(model) or str(model.__tablename__)


class StoreError(HuiqiError):
    """Base of the store's errors: nothing was written."""


class ConflictError(StoreError):
    """Somebody saved the record after it was loaded for this edit; nothing was written."""

    key = "error.conflict"

    def __init__(self, *, entity: str, record_id: int, expected: int, actual: int, actor: str, at: str):
        super().__init__(entity=entity, id=record_id, expected=expected, actual=actual, actor=actor, at=at)


class NotFoundError(StoreError):
    key = "error.not_found"

    def __init__(self, *, entity: str, record_id: int):
        super().__init__(entity=entity, id=record_id)


# --- generic delete / restore ---------------------------------------------------------------------


def delete(*, session: Session, model: type[M], record_id: int, expected_version: int, actor: str) -> M:
    """Soft-delete a record (version-checked); ``restore`` undoes it."""
    return update_versioned(
        session, model, record_id, expected_version, {"deleted_at": utcnow()}, actor=actor, action="delete"
    )


# model -> a check that a soft-deleted record may come back (its unique key still free); set by its module
RESTORE_CHECKS: dict[type[Versioned], Callable[[Session, Any], None]] = {}


def restore(*, session: Session, model: type[M], record_id: int, actor: str) -> M:
    """Undo a soft delete (refused when a live record took its unique key meanwhile)."""
    record = get_record(session=session, model=model, record_id=record_id, include_deleted=True)
    if model in RESTORE_CHECKS and record.deleted_at is not None:
        RESTORE_CHECKS[model](session, record)
    return update_versioned(
        session,
        model,
        record_id,
        record.version,
        {"deleted_at": None},
        actor=actor,
        action="restore",
        include_deleted=True,
    )


# --- reads ----------------------------------------------------------------------------------------


def get_record(*, session: Session, model: type[M], record_id: int, include_deleted: bool = False) -> M:
    """One record by id; NotFoundError when missing or (unless asked) soft-deleted."""
    record = session.get(model, record_id)
    if record is None or (record.deleted_at is not None and not include_deleted):
        raise NotFoundError(entity=entity_name(model), record_id=record_id)
    return record


def live_parent(session: Session, enterprise_id: int) -> Enterprise:
    """The live enterprise a child record is written under, share-locked until commit: a merge or delete
    of it waits for this write (and this write, had it come second, sees the enterprise gone)."""
    found = lock_rows(session, Enterprise, [enterprise_id], shared=True)
    if not found or found[0].deleted_at is not None:
        raise NotFoundError(entity="enterprise", record_id=enterprise_id)
    return found[0]


# --- bulk creation (import, demo) ----------------------------------------------------------------


def insert_many(
    *, session: Session, model: type[SQLModel], rows: list[dict[str, Any]], actor: str
) -> list[int]:
    """Insert already-cleaned rows with one INSERT, audited exactly as ``insert_one`` audits one create.

    For imports and the demo set: row-by-row creates cost ~25 ms each, too slow for 10,000 rows.
    Callers validate with ``crm.records.validation.clean`` and check uniqueness first.
    """
    if not rows:
        return []
    now = utcnow()
    table = table_of(model)
    keys = {k for r in rows for k in r}  # one INSERT needs the same columns in every row: blanks are NULL
    stamped = [{**dict.fromkeys(keys), **r, "version": 1, "created_at": now, "updated_at": now} for r in rows]
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    ids = [int(i) for i in session.execute(stmt, stamped).scalars()]
    entity = ENTITY_OF[model]  # type: ignore[index]
    audit = [
        {
            "at": now,
            "actor": actor,
            "action": "create",
            "entity": entity,
            "entity_id": record_id,
            "enterprise_id": record_id if model is Enterprise else row.get("enterprise_id"),
            "field": name,
            "old": None,
            "new": _show(row[name]),
            "source": _source.get(),
        }
        for record_id, row in zip(ids, rows, strict=True)
        for name in model.model_fields
        if name not in _META and row.get(name) not in (None, [], "")
    ]
    if audit:
        session.execute(insert(table_of(AuditEntry)), audit)
    return ids


# --- the write machinery --------------------------------------------------------------------------


def insert_one(session: Session, record: M, *, actor: str) -> M:
    session.add(record)
    session.flush()
    entity = entity_name(type(record))
    audit_rows = [
        _audit(record, actor, "create", name, None, value)
        for name, value in fields_of(record).items()
        if value not in (None, [], "")
    ]
    session.add_all(audit_rows or [_audit(record, actor, "create", None, None, None)])
    session.flush()
    assert record.id is not None, entity
    return record


def update_versioned(
    session: Session,
    model: type[M],
    record_id: int,
    expected_version: int,
    changes: dict[str, Any],
    *,
    actor: str,
    action: str = "update",
    include_deleted: bool = False,
) -> M:
    record = get_record(session=session, model=model, record_id=record_id, include_deleted=include_deleted)
    if model is not Enterprise and isinstance(getattr(record, "enterprise_id", None), int):
        live_parent(session, record.enterprise_id)  # type: ignore[attr-defined]
    old = fields_of(record) | {"deleted_at": record.deleted_at}
    changed = {k: v for k, v in changes.items() if _norm(old.get(k)) != _norm(v)}
    if record.version != expected_version:
        raise _conflict(session, model, record, expected_version)
    if not changed:
        return record
    now = utcnow()
    table = table_of(model)
    result = session.execute(
        update(table)
        .where(table.c.id == record_id, table.c.version == expected_version)
        .values(**changed, version=expected_version + 1, updated_at=now)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.expire(record)
        raise _conflict(session, model, record, expected_version)
    session.add_all(
        [_audit(record, actor, action, k, old.get(k), v) for k, v in changed.items() if k != "deleted_at"]
        or [_audit(record, actor, action, None, None, None)]
    )
    session.flush()
    session.refresh(record)
    return record


def table_of(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined]


def _conflict(session: Session, model: type[M], record: M, expected: int) -> ConflictError:
    session.refresh(record)
    last = session.exec(
        select(AuditEntry)
        .where(AuditEntry.entity == entity_name(model), AuditEntry.entity_id == record.id)
        .order_by(col(AuditEntry.id).desc())
    ).first()
    actor = last.actor if last else "?"
    at = _local_time(last.at) if last else "?"
    return ConflictError(
        entity=entity_name(model),
        record_id=record.id or 0,
        expected=expected,
        actual=record.version,
        actor=actor,
        at=at,
    )


def _local_time(at: datetime) -> str:
    return at.astimezone().strftime("%Y-%m-%d %H:%M")


def write_audit(
    *,
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: int,
    enterprise_id: int | None = None,
    field: str | None = None,
    old: Any = None,
    new: Any = None,
) -> None:
    """One audit row for an event that is not a field change of a versioned record (a settlement, a login)."""
    session.add(
        AuditEntry(
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            enterprise_id=enterprise_id,
            field=field,
            old=_show(old),
            new=_show(new),
            source=_source.get(),
        )
    )
    session.flush()


def write_audits(*, session: Session, rows: list[dict[str, Any]]) -> None:
    """Many audit rows at once (``write_audit``'s keywords per row), e.g. the rows a merge re-points."""
    session.add_all(
        [
            AuditEntry(
                **{"source": _source.get(), **r, "old": _show(r.get("old")), "new": _show(r.get("new"))}
            )
            for r in rows
        ]
    )
    session.flush()


def _audit(
    record: Versioned, actor: str, action: str, field_name: str | None, old: Any, new: Any
) -> AuditEntry:
    enterprise_id = record.id if isinstance(record, Enterprise) else getattr(record, "enterprise_id", None)
    return AuditEntry(
        actor=actor,
        action=action,
        entity=entity_name(type(record)),
        entity_id=record.id or 0,
        enterprise_id=enterprise_id,
        field=field_name,
        old=_show(old),
        new=_show(new),
        source=_source.get(),
    )


_META = {"id", "version", "created_at", "updated_at", "deleted_at", "password_hash"}


def fields_of(record: Versioned) -> dict[str, Any]:
    return {k: v for k, v in record.model_dump().items() if k not in _META}


def _norm(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.01"))
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return value


def _show(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date | Decimal):
        return str(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
