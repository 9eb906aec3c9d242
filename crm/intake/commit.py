"""Writing an import plan: matched rows updated through the store, new rows bulk-inserted and audited.

all-or-nothing: any bad row means nothing is written. valid-only: each matched row runs in its own
savepoint, so a refused row is rolled back alone and reported with its row number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from crm import store
from crm.intake.importer import (
    Action,
    ImportResult,
    Mode,
    Preview,
    RowIssue,
    RowPlan,
    check_one_row_per_target,
    target_of,
)
from crm.models import Contact, Enterprise, FiscalYear
from crm.records.validation import ValidationFailed


def commit_import(
    preview: Preview,
    *,
    session: Session,
    actor: str,
    mode: Mode = "all-or-nothing",
    decisions: dict[int, Action] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Write the plan through the store. all-or-nothing: any bad row means nothing is written."""
    for plan in preview.rows:
        if decisions and plan.row in decisions:
            plan.action = decisions[plan.row]
    check_one_row_per_target(preview)
    bad = [p for p in preview.rows if not p.ok]
    if bad and mode == "all-or-nothing":
        return ImportResult(False, [], [], 0, bad)
    result = ImportResult(True, [], [], 0, bad)
    good = [p for p in preview.rows if p.ok and p.action != "skip"]
    result.skipped = sum(1 for p in preview.rows if p.ok and p.action == "skip")
    updates = [p for p in good if p.action.startswith("update:")]
    creates = [p for p in good if p.action == "create"]
    known = _Existing.load(session, [target_of(p) for p in updates])
    done, total = 0, len(good)
    for plan in updates:
        _update_row(plan, session, actor, result, known, isolated=mode == "valid-only")
        done += 1
        if progress and done % 200 == 0:
            progress(done, total)
    _insert_audited(session, FiscalYear, known.new_years, actor)
    _insert_audited(session, Contact, known.new_contacts, actor)
    for k in range(0, len(creates), CHUNK):
        result.created += _bulk_create(session, creates[k : k + CHUNK], actor)
        done += len(creates[k : k + CHUNK])
        if progress:
            progress(done, total)
    if progress and total == 0:
        progress(0, 0)
    return result


CHUNK = 1000


def _bulk_create(session: Session, plans: list[RowPlan], actor: str) -> list[int]:
    """New enterprises with their years and contacts: already cleaned by ``clean`` and checked for unique
    credit codes (in the file and against the database, in this transaction), so they are inserted with
    one INSERT per table and audited exactly as ``store.create_*`` audits a single create."""
    ids = _insert_audited(
        session, Enterprise, [{"former_names": [], "tags": [], **p.enterprise} for p in plans], actor
    )
    years = [
        {"enterprise_id": i, **fy} for i, p in zip(ids, plans, strict=True) for fy in p.fiscal_years.values()
    ]
    _insert_audited(session, FiscalYear, years, actor)
    contacts = [
        {"enterprise_id": i, "is_primary": False, **p.contact}
        for i, p in zip(ids, plans, strict=True)
        if p.contact
    ]
    _insert_audited(session, Contact, contacts, actor)
    return ids


def _insert_audited(session: Session, model: type[Any], rows: list[dict[str, Any]], actor: str) -> list[int]:
    return store.insert_many(session=session, model=model, rows=rows, actor=actor)


@dataclass
class _Existing:
    """The matched enterprises' records, read in three queries instead of three per row; and the years and
    contacts to insert for them in bulk once every row is done."""

    enterprises: dict[int, Enterprise]
    years: dict[tuple[int, int], FiscalYear]
    contacts: set[tuple[int, str]]
    new_years: list[dict[str, Any]] = field(default_factory=list)
    new_contacts: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def load(cls, session: Session, ids: list[int]) -> _Existing:
        enterprises, years, contacts = store.import_targets(session=session, ids=ids)
        return cls(
            {e.id or 0: e for e in enterprises},
            {(y.enterprise_id, y.year): y for y in years},
            {(c.enterprise_id, c.name) for c in contacts},
        )


def _update_row(
    plan: RowPlan, session: Session, actor: str, result: ImportResult, known: _Existing, *, isolated: bool
) -> None:
    """Apply one matched row through the store; valid-only: a refused row is rolled back alone (savepoint)."""
    years, contacts = len(known.new_years), len(known.new_contacts)
    try:
        if isolated:
            with session.begin_nested():
                _update(plan, session, actor, known)
        else:
            _update(plan, session, actor, known)
    except (ValidationFailed, store.StoreError) as exc:
        if not isolated:
            raise
        del known.new_years[years:], known.new_contacts[contacts:]
        plan.errors.append(RowIssue(plan.row, "-", "-", _reason(exc)))
        result.rejected.append(plan)
        return
    result.updated.append(target_of(plan))


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationFailed):
        return "；".join(e.message("zh") for e in exc.errors)
    return exc.message("zh") if isinstance(exc, store.StoreError) else str(exc)


def _update(plan: RowPlan, session: Session, actor: str, known: _Existing) -> None:
    enterprise_id = target_of(plan)
    current = known.enterprises.get(enterprise_id) or store.get_record(
        session=session, model=Enterprise, record_id=enterprise_id
    )
    # the name on file stays; unchanged values are not rewritten (no audit noise, no version bump)
    changes = {k: v for k, v in plan.enterprise.items() if k != "name" and getattr(current, k) != v}
    if changes:
        store.update_enterprise(
            session=session,
            enterprise_id=enterprise_id,
            expected_version=current.version,
            data=changes,
            actor=actor,
        )
    for data in plan.fiscal_years.values():
        existing = known.years.get((enterprise_id, data["year"]))
        if existing is None:
            known.new_years.append({"enterprise_id": enterprise_id, **data})
            continue
        year_changes = {k: v for k, v in data.items() if k != "year" and getattr(existing, k) != v}
        if year_changes:
            store.update_child(
                session=session,
                model=FiscalYear,
                record_id=existing.id or 0,
                expected_version=existing.version,
                data=year_changes,
                actor=actor,
            )
    if plan.contact and (enterprise_id, plan.contact["name"]) not in known.contacts:
        known.new_contacts.append({"enterprise_id": enterprise_id, "is_primary": False, **plan.contact})
        known.contacts.add((enterprise_id, plan.contact["name"]))
