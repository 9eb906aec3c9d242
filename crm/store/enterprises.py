"""Writes and reads of the enterprise aggregate: the enterprise, its child records, its history."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, cast
from sqlmodel import Session, col, select

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
)
from crm.records import validation
from crm.records.fields import spec
from crm.store.core import (
    ENTITY_OF,
    RESTORE_CHECKS,
    M,
    fields_of,
    get_record,
    insert_one,
    live_parent,
    update_versioned,
)
from crm.store.tx import lock_key

# --- enterprise -----------------------------------------------------------------------------------


def create_enterprise(*, session: Session, data: dict[str, Any], actor: str) -> Enterprise:
    """Validate and insert an enterprise; audit it as created."""
    clean = validation.clean("enterprise", data)
    _check_uscc_unique(session, clean.get("uscc"), None)  # under a lock on the code: see _check_uscc_unique
    _check_officer(session, clean.get("owner_officer_id"))
    return insert_one(session, Enterprise(**clean), actor=actor)


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
    return update_versioned(session, Enterprise, enterprise_id, expected_version, clean, actor=actor)


def _check_uscc_unique(session: Session, code: str | None, own_id: int | None) -> None:
    """Refuse a credit code a live enterprise already has; the lock on the code is held until commit, so
    two officers saving the same new code at once cannot both pass (the partial unique index backs it)."""
    if not code:
        return
    lock_key(session, f"enterprise.uscc:{code}")
    query = select(Enterprise).where(Enterprise.uscc == code, col(Enterprise.deleted_at).is_(None))
    other = session.exec(query).first()
    if other is not None and other.id != own_id:
        s = spec("enterprise", "uscc")
        raise validation.ValidationFailed(
            [
                validation.FieldError(
                    "uscc", "validation.uscc_duplicate", s.zh, s.en, {"other": f"{other.name}（#{other.id}）"}
                )
            ]
        )


def _check_restore(session: Session, record: Any) -> None:
    if isinstance(record, Enterprise):
        _check_uscc_unique(session, record.uscc, record.id)


RESTORE_CHECKS[Enterprise] = _check_restore


def _check_officer(session: Session, officer_id: int | None) -> None:
    """An owner officer must be an active account."""
    if officer_id is None:
        return
    officer = session.get(Officer, officer_id)
    if officer is None or not officer.active:
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
    live_parent(session, enterprise_id)
    clean = validation.clean(ENTITY_OF[model], data)
    if model is FiscalYear:
        _check_year_free(session, enterprise_id, clean["year"], None)
    return insert_one(session, model(**{"enterprise_id": enterprise_id, **clean}), actor=actor)


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
        validation.clean(ENTITY_OF[model], {**fields_of(record), **data})
    return update_versioned(session, model, record_id, expected_version, clean, actor=actor)


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


# --- small reads ----------------------------------------------------------------------------------


def owner_of(*, session: Session, enterprise_id: int) -> int | None:
    """The officer an enterprise (live or deleted) is assigned to; None when unassigned or unknown."""
    enterprise = session.get(Enterprise, enterprise_id)
    return enterprise.owner_officer_id if enterprise else None


def name_of(*, session: Session, enterprise_id: int) -> str | None:
    """An enterprise's name (live or deleted); None for an unknown id."""
    enterprise = session.get(Enterprise, enterprise_id)
    return enterprise.name if enterprise else None


def fiscal_years_of(*, session: Session, enterprise_ids: list[int]) -> list[FiscalYear]:
    """The live fiscal years of some enterprises (exports)."""
    query = select(FiscalYear).where(
        col(FiscalYear.enterprise_id).in_(enterprise_ids), col(FiscalYear.deleted_at).is_(None)
    )
    return list(session.exec(query))


def identities(*, session: Session) -> list[tuple[int, str, str | None]]:
    """(id, name, USCC) of every live enterprise, by id: what the duplicate scan compares."""
    query = (
        select(Enterprise.id, Enterprise.name, Enterprise.uscc)
        .where(col(Enterprise.deleted_at).is_(None))
        .order_by(col(Enterprise.id))
    )
    return [(i or 0, name, uscc) for i, name, uscc in session.exec(query)]


def tag_lists(*, session: Session) -> list[str]:
    """The distinct tag lists of live enterprises, as stored (JSON text): a few dozen combinations to
    decode instead of every enterprise's row."""
    stored = cast(Enterprise.__table__.c.tags, String)  # type: ignore[attr-defined]
    query = select(stored).distinct().where(col(Enterprise.deleted_at).is_(None))
    return list(session.exec(query))


def any_enterprise(*, session: Session) -> bool:
    """Whether the database holds any enterprise (live or deleted)."""
    return session.exec(select(Enterprise.id).limit(1)).first() is not None


def count_usccs(*, session: Session, codes: list[str]) -> int:
    """How many live enterprises carry one of these USCCs."""
    query = select(Enterprise.uscc).where(
        col(Enterprise.uscc).in_(codes), col(Enterprise.deleted_at).is_(None)
    )
    return len(session.exec(query).all())


def owners(*, session: Session) -> dict[int, int | None]:
    """Enterprise id (live or deleted) -> the officer it is assigned to."""
    return {i or 0: owner for i, owner in session.exec(select(Enterprise.id, Enterprise.owner_officer_id))}


def all_names(*, session: Session) -> list[str]:
    """Every enterprise's and contact's name, deleted ones too (the font check of ``huiqi doctor``)."""
    return list(session.exec(select(Enterprise.name))) + list(session.exec(select(Contact.name)))
