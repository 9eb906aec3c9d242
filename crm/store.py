"""Every write of a business record goes through here: validated, version-checked, audited.

Write functions are keyword-only. A stale ``expected_version`` raises ``ConflictError`` and writes
nothing; every change writes one ``AuditEntry`` per changed field (who, when, old -> new).
Delete is soft (``deleted_at``) and can be undone with ``restore``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import String, Table, Text, cast, func, insert, or_, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session, SQLModel, col, select

from crm import validation
from crm.i18n import t
from crm.models import (
    AuditEntry,
    ComplianceEvent,
    Contact,
    Credential,
    Enterprise,
    FiscalYear,
    Interaction,
    IPAsset,
    Officer,
    Task,
    Versioned,
    utcnow,
)

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
}
MODEL_OF: dict[str, type[Versioned]] = {v: k for k, v in ENTITY_OF.items()}


def entity_name(model: type[Versioned]) -> str:
    """The audit's name of a model: its ENTITY_OF entry, else (audited reference data) its table name."""
    return ENTITY_OF.get(model) or str(model.__tablename__)


class StoreError(Exception):
    """Base of the store's errors; ``message(lang)`` is for people."""

    key = "error.validation"
    params: dict[str, Any]

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)


class ConflictError(StoreError):
    """Somebody saved the record after it was loaded for this edit; nothing was written."""

    key = "error.conflict"

    def __init__(self, *, entity: str, record_id: int, expected: int, actual: int, actor: str, at: str):
        self.params = dict(entity=entity, id=record_id, expected=expected, actual=actual, actor=actor, at=at)
        super().__init__(self.message("zh"))


class NotFoundError(StoreError):
    key = "error.not_found"

    def __init__(self, *, entity: str, record_id: int):
        self.params = dict(entity=entity, id=record_id)
        super().__init__(self.message("zh"))


# --- enterprise -----------------------------------------------------------------------------------


def create_enterprise(*, session: Session, data: dict[str, Any], actor: str) -> Enterprise:
    """Validate and insert an enterprise; audit it as created."""
    clean = validation.clean("enterprise", data)
    _check_uscc_unique(session, clean.get("uscc"), None)
    _check_officer(session, clean.get("owner_officer_id"))
    return _insert(session, Enterprise(**clean), actor=actor)


def update_enterprise(
    *, session: Session, enterprise_id: int, expected_version: int, data: dict[str, Any], actor: str
) -> Enterprise:
    """Apply a partial update if the record is still at ``expected_version``."""
    current = get_record(session=session, model=Enterprise, record_id=enterprise_id)
    # the override reason on file still covers a code whose check digit fails
    merged = {"name": current.name, "uscc_override_reason": current.uscc_override_reason, **data}
    clean = validation.clean("enterprise", merged, partial=True)
    clean = {k: v for k, v in clean.items() if k in data}
    _check_uscc_unique(session, clean.get("uscc"), enterprise_id)
    if clean.get("owner_officer_id") != current.owner_officer_id:  # a since-deactivated owner may stay
        _check_officer(session, clean.get("owner_officer_id"))
    return _update(session, Enterprise, enterprise_id, expected_version, clean, actor=actor)


def _check_uscc_unique(session: Session, code: str | None, own_id: int | None) -> None:
    if not code:
        return
    query = select(Enterprise).where(Enterprise.uscc == code, col(Enterprise.deleted_at).is_(None))
    other = session.exec(query).first()
    if other is not None and other.id != own_id:
        from crm.fields import spec

        s = spec("enterprise", "uscc")
        raise validation.ValidationFailed(
            [
                validation.FieldError(
                    "uscc", "validation.uscc_duplicate", s.zh, s.en, {"other": f"{other.name}（#{other.id}）"}
                )
            ]
        )


def _check_officer(session: Session, officer_id: int | None) -> None:
    """An owner officer must be an active account."""
    if officer_id is None:
        return
    officer = session.get(Officer, officer_id)
    if officer is None or not officer.active:
        from crm.fields import spec

        s = spec("enterprise", "owner_officer_id")
        raise validation.ValidationFailed(
            [
                validation.FieldError(
                    "owner_officer_id", "validation.officer_unknown", s.zh, s.en, {"value": officer_id}
                )
            ]
        )


# --- children of an enterprise --------------------------------------------------------------------


def create_child(
    *, session: Session, model: type[M], enterprise_id: int, data: dict[str, Any], actor: str
) -> M:
    """Validate and insert a child record (fiscal year, IP, credential, ...) of a live enterprise."""
    get_record(session=session, model=Enterprise, record_id=enterprise_id)
    clean = validation.clean(ENTITY_OF[model], data)
    if model is FiscalYear:
        _check_year_free(session, enterprise_id, clean["year"], None)
    return _insert(session, model(**{"enterprise_id": enterprise_id, **clean}), actor=actor)


def update_child(
    *,
    session: Session,
    model: type[M],
    record_id: int,
    expected_version: int,
    data: dict[str, Any],
    actor: str,
) -> M:
    """Partial update of a child record, version-checked and audited."""
    clean = validation.clean(ENTITY_OF[model], data, partial=True)
    if model is FiscalYear and "year" in clean:
        record = get_record(session=session, model=model, record_id=record_id)
        _check_year_free(session, record.enterprise_id, clean["year"], record_id)  # type: ignore[attr-defined]
    if model is FiscalYear or model is Credential:
        record = get_record(session=session, model=model, record_id=record_id)
        validation.clean(ENTITY_OF[model], {**_fields(record), **data})
    return _update(session, model, record_id, expected_version, clean, actor=actor)


def _check_year_free(session: Session, enterprise_id: int, year: int, own_id: int | None) -> None:
    query = select(FiscalYear).where(FiscalYear.enterprise_id == enterprise_id, FiscalYear.year == year)
    other = session.exec(query).first()
    if other is not None and other.id != own_id:
        raise validation.ValidationFailed(
            [
                validation.FieldError(
                    "year",
                    "validation.choice",
                    "年度",
                    "Year",
                    {"value": str(year), "choices": "尚未录入的年度（该年度已存在）"},
                )
            ]
        )


# --- officers -------------------------------------------------------------------------------------


def create_officer(
    *, session: Session, data: dict[str, Any], actor: str, password_hash: str | None = None
) -> Officer:
    """Validate and insert an officer account."""
    clean = validation.clean("officer", data)
    return _insert(session, Officer(**clean, password_hash=password_hash), actor=actor)


def get_or_create_officer(*, session: Session, username: str, display_name: str | None = None) -> Officer:
    """The officer with this username, created (role officer) on first use in desktop mode."""
    officer = session.exec(select(Officer).where(Officer.username == username)).first()
    if officer is None:
        officer = create_officer(
            session=session,
            actor=username,
            data={"username": username, "display_name": display_name or username, "role": "admin"},
        )
    return officer


# --- generic delete / restore ---------------------------------------------------------------------


def delete(*, session: Session, model: type[M], record_id: int, expected_version: int, actor: str) -> M:
    """Soft-delete a record (version-checked); ``restore`` undoes it."""
    return _update(
        session, model, record_id, expected_version, {"deleted_at": utcnow()}, actor=actor, action="delete"
    )


def restore(*, session: Session, model: type[M], record_id: int, actor: str) -> M:
    """Undo a soft delete."""
    record = get_record(session=session, model=model, record_id=record_id, include_deleted=True)
    return _update(
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


_CHILD_ORDER: dict[type[Versioned], str] = {
    FiscalYear: "year",
    Interaction: "occurred_on",
    Task: "due_date",
    ComplianceEvent: "occurred_on",
    IPAsset: "grant_date",
    Credential: "issued_on",
}


def children(
    *, session: Session, model: type[M], enterprise_id: int, include_deleted: bool = False
) -> list[M]:
    """The child records of one enterprise, newest first where it has a date or year."""
    query = select(model).where(model.enterprise_id == enterprise_id)  # type: ignore[attr-defined]
    if not include_deleted:
        query = query.where(col(model.deleted_at).is_(None))
    order = _CHILD_ORDER.get(model)
    query = query.order_by(getattr(model, order).desc() if order else col(model.id))
    return list(session.exec(query))


@dataclass
class Aggregate:
    """An enterprise with the records the facts and the packs read."""

    enterprise: Enterprise
    fiscal_years: list[FiscalYear] = field(default_factory=list)
    ip_assets: list[IPAsset] = field(default_factory=list)
    credentials: list[Credential] = field(default_factory=list)
    compliance_events: list[ComplianceEvent] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)


def load_aggregate(*, session: Session, enterprise_id: int) -> Aggregate:
    """Load one live enterprise with its live fiscal years, IP, credentials, compliance events, contacts."""
    enterprise = get_record(session=session, model=Enterprise, record_id=enterprise_id)

    def of(model: type[M]) -> list[M]:
        return children(session=session, model=model, enterprise_id=enterprise_id)

    return Aggregate(
        enterprise, of(FiscalYear), of(IPAsset), of(Credential), of(ComplianceEvent), of(Contact)
    )


def history(*, session: Session, enterprise_id: int, limit: int = 500) -> list[AuditEntry]:
    """The audit trail of an enterprise and its child records, newest first."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.enterprise_id == enterprise_id)
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .limit(limit)
    )
    return list(session.exec(query))


SORTABLE = (
    "name",
    "registration_date",
    "street",
    "sports_division",
    "registered_capital",
    "updated_at",
    "id",
)


@dataclass(frozen=True)
class EnterpriseQuery:
    """Filters, sort and page of the enterprise list."""

    search: str | None = None
    streets: tuple[str, ...] = ()
    divisions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    ids: tuple[int, ...] | None = None
    deleted: bool = False
    sort: str = "name"
    descending: bool = False
    page: int = 1
    page_size: int = 25


@dataclass
class Page:
    rows: list[Enterprise]
    total: int
    page: int
    page_size: int


def list_enterprises(*, session: Session, query: EnterpriseQuery) -> Page:
    """One page of enterprises matching the filters, with the total count."""
    where = _filters(query, session.get_bind().dialect.name)
    total = session.exec(select(func.count()).select_from(Enterprise).where(*where)).one()
    sort_col = getattr(Enterprise, query.sort if query.sort in SORTABLE else "name")
    order = [sort_col.desc() if query.descending else sort_col.asc(), col(Enterprise.id).asc()]
    stmt = (
        select(Enterprise)
        .where(*where)
        .order_by(*order)
        .offset((max(query.page, 1) - 1) * query.page_size)
        .limit(query.page_size)
    )
    return Page(list(session.exec(stmt)), int(total), query.page, query.page_size)


def _filters(query: EnterpriseQuery, dialect: str = "sqlite") -> list[Any]:
    where: list[Any] = [
        col(Enterprise.deleted_at).isnot(None) if query.deleted else col(Enterprise.deleted_at).is_(None)
    ]
    if query.streets:
        where.append(col(Enterprise.street).in_(query.streets))
    if query.divisions:
        where.append(col(Enterprise.sports_division).in_(query.divisions))
    for tag in query.tags:
        where.append(
            cast(_table(Enterprise).c.tags, String).contains(
                json.dumps(tag, ensure_ascii=False), autoescape=True
            )
        )
    if query.ids is not None:
        where.append(col(Enterprise.id).in_(query.ids))
    if query.search and query.search.strip():
        where.append(_search(query.search.strip(), dialect))
    return where


_USCC_CHARS = re.compile(r"[0-9A-Za-z]+")


def _search(text: str, dialect: str) -> Any:
    """Name or former name containing ``text``, or a credit code starting with it."""
    former = cast(_table(Enterprise).c.former_names, String)
    if dialect == "postgresql" and len(text) == 2:
        # exact and indexed (0700): trigram indexes cannot serve two-character terms
        clauses = [_bigrams(col(Enterprise.name)).contains([text]), _bigrams(former).contains([text])]
    else:
        clauses = [
            col(Enterprise.name).contains(text, autoescape=True),
            former.contains(text, autoescape=True),
        ]
    if _USCC_CHARS.fullmatch(text):  # a credit code holds only digits and capitals
        clauses.append(col(Enterprise.uscc).startswith(text.upper(), autoescape=True))
    return or_(*clauses)


def _bigrams(expr: Any) -> Any:
    return func.huiqi_bigrams(expr, type_=ARRAY(Text))


# --- bulk creation (import, demo) ----------------------------------------------------------------


def insert_many(
    *, session: Session, model: type[SQLModel], rows: list[dict[str, Any]], actor: str
) -> list[int]:
    """Insert already-cleaned rows with one INSERT, audited exactly as ``_insert`` audits one create.

    For imports and the demo set: row-by-row creates cost ~25 ms each, too slow for 10,000 rows.
    Callers validate with ``crm.validation.clean`` and check uniqueness first.
    """
    if not rows:
        return []
    now = utcnow()
    table = _table(model)
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
        }
        for record_id, row in zip(ids, rows, strict=True)
        for name in model.model_fields
        if name not in _META and row.get(name) not in (None, [], "")
    ]
    if audit:
        session.execute(insert(_table(AuditEntry)), audit)
    return ids


# --- the write machinery --------------------------------------------------------------------------


def _insert(session: Session, record: M, *, actor: str) -> M:
    session.add(record)
    session.flush()
    entity = entity_name(type(record))
    audit_rows = [
        _audit(record, actor, "create", name, None, value)
        for name, value in _fields(record).items()
        if value not in (None, [], "")
    ]
    session.add_all(audit_rows or [_audit(record, actor, "create", None, None, None)])
    session.flush()
    assert record.id is not None, entity
    return record


def _update(
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
    old = _fields(record) | {"deleted_at": record.deleted_at}
    changed = {k: v for k, v in changes.items() if _norm(old.get(k)) != _norm(v)}
    if record.version != expected_version:
        raise _conflict(session, model, record, expected_version)
    if not changed:
        return record
    now = utcnow()
    table = _table(model)
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


def _table(model: type[SQLModel]) -> Table:
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
    )


_META = {"id", "version", "created_at", "updated_at", "deleted_at", "password_hash"}


def _fields(record: Versioned) -> dict[str, Any]:
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
