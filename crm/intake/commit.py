"""Writing an import plan: matched rows updated through the store, new rows bulk-inserted and audited.

all-or-nothing: any bad row means nothing is written; a row refused while writing (an officer saved the
same record, or a new enterprise's credit code, meanwhile) refuses the whole import with ``ImportRefused``
naming the row. valid-only: each matched row (with its new years and contacts) runs in its own savepoint,
new rows are inserted a chunk at a time and, when a chunk clashes, one savepoint per row: a refused row is
rolled back alone and reported with its row number and why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from crm import store
from crm.db import database_error
from crm.errors import HuiqiError
from crm.i18n import register, t
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
from crm.store import tx
from crm.store.queries import live_by_uscc

register(
    {
        "import.refused": (
            "整体导入未写入任何数据：第 {row} 行 · {reason}",
            "Nothing was imported (all-or-nothing): row {row} · {reason}",
        ),
        "import.uscc_taken": (
            "统一社会信用代码 {code} 已属于在册企业“{name}”（导入期间由他人录入），本行未新建",
            "Credit code {code} now belongs to the enterprise '{name}' (entered by someone during the import)",
        ),
    }
)


Children = tuple[list[dict[str, Any]], list[dict[str, Any]]]  # new fiscal years, new contacts of one row


class ImportRefused(HuiqiError):
    """All-or-nothing: one row could not be written, so nothing was; names the row and why."""

    key = "import.refused"

    def __init__(self, *, row: int, reason: str):
        self.row = row
        super().__init__(row=row, reason=reason)


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
    isolated = mode == "valid-only"
    tx.serialise(session)  # SQLite: hold the write lock from here, so the savepoints nest in one transaction
    known = _Existing.load(session, [target_of(p) for p in updates])
    done, total = 0, len(good)
    for plan in updates:
        _update_row(plan, session, actor, result, known, isolated=isolated)
        done += 1
        if progress and done % 200 == 0:
            progress(done, total)
    if not isolated:
        _insert_pending(session, known, actor)
    for k in range(0, len(creates), CHUNK):
        result.created += _create_chunk(session, creates[k : k + CHUNK], actor, result, isolated=isolated)
        done += len(creates[k : k + CHUNK])
        if progress:
            progress(done, total)
    if progress and total == 0:
        progress(0, 0)
    return result


CHUNK = 1000


def _create_chunk(
    session: Session, plans: list[RowPlan], actor: str, result: ImportResult, *, isolated: bool
) -> list[int]:
    """Insert a chunk of new enterprises at once; when one clashes (someone entered its credit code during
    the import), row by row: valid-only rejects that row, all-or-nothing refuses the import naming it."""
    try:
        with session.begin_nested():
            return _bulk_create(session, plans, actor)
    except IntegrityError:
        pass
    ids: list[int] = []
    for plan in plans:
        try:
            with session.begin_nested():
                ids += _bulk_create(session, [plan], actor)
        except IntegrityError as exc:
            _refuse_row(plan, _clash_reason(session, plan, exc), result, isolated=isolated)
    return ids


def _clash_reason(session: Session, plan: RowPlan, exc: IntegrityError) -> str:
    code = plan.enterprise.get("uscc")
    other = live_by_uscc(session=session, code=code) if code else None
    if other is not None:
        return t("import.uscc_taken", "zh", code=code, name=other.name)
    said = database_error(exc)
    return said.message("zh") if said else "数据库拒绝写入本行"


def _refuse_row(plan: RowPlan, reason: str, result: ImportResult, *, isolated: bool) -> None:
    if not isolated:
        raise ImportRefused(row=plan.row, reason=reason)
    plan.errors.append(RowIssue(plan.row, "-", "-", reason))
    result.rejected.append(plan)


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
    pending: list[tuple[RowPlan, Children]] = field(default_factory=list)

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
    """Apply one matched row through the store. valid-only: the row and its new years and contacts in
    one savepoint, a refused row rolled back alone; all-or-nothing: a refused row refuses the import, the
    new years and contacts wait for ``_insert_pending``."""
    try:
        if isolated:
            with session.begin_nested():
                _insert_children(session, _update(plan, session, actor, known), actor)
        else:
            known.pending.append((plan, _update(plan, session, actor, known)))
    except (HuiqiError, IntegrityError) as exc:
        _refuse_row(plan, _reason(exc), result, isolated=isolated)
        return
    result.updated.append(target_of(plan))


def _insert_children(session: Session, children: Children, actor: str) -> None:
    _insert_audited(session, FiscalYear, children[0], actor)
    _insert_audited(session, Contact, children[1], actor)


def _insert_pending(session: Session, known: _Existing, actor: str) -> None:
    """All-or-nothing: every matched row's new years and contacts at once; when they clash (an officer
    added the same year during the import), row by row to name the row that refuses the import."""
    years = [y for _, (ys, _) in known.pending for y in ys]
    contacts = [c for _, (_, cs) in known.pending for c in cs]
    try:
        with session.begin_nested():
            _insert_children(session, (years, contacts), actor)
            return
    except IntegrityError:
        pass
    for plan, children in known.pending:
        try:
            with session.begin_nested():
                _insert_children(session, children, actor)
        except IntegrityError as exc:
            raise ImportRefused(row=plan.row, reason=_reason(exc)) from None


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationFailed):
        return "；".join(e.message("zh") for e in exc.errors)
    if isinstance(exc, HuiqiError):
        return exc.message("zh")
    said = database_error(exc) if isinstance(exc, IntegrityError) else None
    return said.message("zh") if said else "数据库拒绝写入本行"


def _update(plan: RowPlan, session: Session, actor: str, known: _Existing) -> Children:
    """Write one matched row's changes; return its new fiscal years and contacts (not yet inserted)."""
    new: Children = ([], [])
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
            new[0].append({"enterprise_id": enterprise_id, **data})
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
        new[1].append({"enterprise_id": enterprise_id, "is_primary": False, **plan.contact})
        known.contacts.add((enterprise_id, plan.contact["name"]))
    return new
