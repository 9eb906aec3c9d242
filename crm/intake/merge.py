"""Merge a duplicate enterprise into another, keeping all its history; and undo a merge.

Every table with an ``enterprise_id`` foreign key (fiscal years, IP, credentials, contacts, interactions,
tasks, match results, packs, applications, ...) has the loser's rows re-pointed to the winner. A row
that would clash with one of the winner's (the same fiscal year) stays with the loser and fills the
winner's blanks. The winner gains the loser's name as a former name and its blank fields; the loser is
soft-deleted. Each step is audited; the MergeRecord holds what undo needs. This module decides; every
write goes through ``crm.store`` (``crm.store.merges`` re-points the rows and records the merge).
"""

from __future__ import annotations

from typing import Any

from crm import store
from crm.i18n import register
from crm.models import Enterprise, FiscalYear, MergeRecord
from crm.records.fields import FISCAL_YEAR_FIELDS, spec
from crm.store import Session, merges, tx

_FIGURES = [f.name for f in FISCAL_YEAR_FIELDS if f.name != "year"]
_SKIP = {"name", "former_names", "uscc_override_reason", "tags", "notes"}


register({"intake.merge_error": ("无法合并：{reason}", "Cannot merge: {reason}")})


class MergeError(store.StoreError):
    """A merge (or its undo) that cannot be done; the message says why."""

    key = "intake.merge_error"


def merge(*, session: Session, winner_id: int, loser_id: int, actor: str) -> MergeRecord:
    """Merge enterprise ``loser_id`` into ``winner_id``; returns the record that ``undo`` takes."""
    if winner_id == loser_id:
        raise MergeError("不能把企业合并到它自己")
    winner, loser = _lock_live(session, winner_id, loser_id)
    detail: dict[str, Any] = {"moved": {}, "filled_years": {}, "winner_before": {}}
    detail["moved"] = merges.move_children(
        session=session, loser_id=loser_id, winner_id=winner_id, actor=actor
    )
    filled = _fill_years(session, loser_id, winner_id, actor)  # year id -> {field: value filled in}
    detail["filled_years"] = {k: list(v) for k, v in filled.items()}
    detail["filled_values"] = filled
    changes = _winner_changes(winner, loser)
    detail["winner_before"] = {k: _jsonable(getattr(winner, k)) for k in changes}
    store.delete(
        session=session, model=Enterprise, record_id=loser_id, expected_version=loser.version, actor=actor
    )
    if changes:
        winner = store.update_enterprise(
            session=session,
            enterprise_id=winner_id,
            expected_version=winner.version,
            data=changes,
            actor=actor,
        )
    # as stored (names normalised): what undo expects to find before it puts the old values back
    detail["winner_after"] = {k: _jsonable(getattr(winner, k)) for k in changes}
    return merges.record_merge(
        session=session,
        actor=actor,
        winner_id=winner_id,
        loser_id=loser_id,
        loser_name=loser.name,
        detail=detail,
    )


def undo(*, session: Session, merge_id: int, actor: str) -> MergeRecord:
    """Undo a merge: the loser comes back with its rows, the winner gets its fields back."""
    record = merges.merge_record(session=session, merge_id=merge_id)
    if record is None or record.undone_at is not None:
        raise MergeError("该合并记录不存在或已撤销")
    detail = record.detail
    tx.lock_rows(session, Enterprise, [record.winner_id, record.loser_id])
    winner = store.get_record(session=session, model=Enterprise, record_id=record.winner_id)
    _refuse_if_changed_since(session, winner, detail)
    before = detail.get("winner_before", {})
    if before:
        store.update_enterprise(
            session=session,
            enterprise_id=record.winner_id,
            expected_version=winner.version,
            data=before,
            actor=actor,
        )
    store.restore(session=session, model=Enterprise, record_id=record.loser_id, actor=actor)
    for year_id, fields in detail.get("filled_years", {}).items():
        fy = store.get_record(session=session, model=FiscalYear, record_id=int(year_id))
        store.update_child(
            session=session,
            model=FiscalYear,
            record_id=fy.id or 0,
            expected_version=fy.version,
            data={f: None for f in fields},
            actor=actor,
        )
    merges.move_back(
        session=session,
        moved=detail.get("moved", {}),
        to_id=record.loser_id,
        from_id=record.winner_id,
        actor=actor,
    )
    return merges.mark_undone(session=session, record=record, actor=actor)


def _lock_live(session: Session, winner_id: int, loser_id: int) -> tuple[Enterprise, Enterprise]:
    """Lock both enterprises (in id order, so crossed merges queue instead of deadlocking), then check
    that both are still live: a child added to the loser meanwhile waits for this merge and is refused."""
    locked = {e.id: e for e in tx.lock_rows(session, Enterprise, [winner_id, loser_id])}
    winner, loser = locked.get(winner_id), locked.get(loser_id)
    if winner is None or loser is None or winner.deleted_at is not None or loser.deleted_at is not None:
        raise MergeError("其中一家企业已被合并或删除（可能是他人刚刚操作），请刷新后再看")
    return winner, loser


def _refuse_if_changed_since(session: Session, winner: Enterprise, detail: dict[str, Any]) -> None:
    """Undo puts back what the merge changed; refuse when an officer changed those values since."""
    after = detail.get("winner_after", {})
    changed = [spec("enterprise", k).zh for k, v in after.items() if _jsonable(getattr(winner, k)) != v]
    for year_id, filled in detail.get("filled_values", {}).items():
        fy = store.get_record(session=session, model=FiscalYear, record_id=int(year_id), include_deleted=True)
        if any(_jsonable(getattr(fy, f)) != v for f, v in filled.items()):
            changed.append(f"{fy.year} 年度数据")
    if changed:
        raise MergeError(
            f"合并后“{winner.name}”的{'、'.join(changed)}已被修改，撤销会覆盖这些修改；"
            "请先核对这些字段，必要时手工改回后再撤销"
        )


def _fill_years(session: Session, loser_id: int, winner_id: int, actor: str) -> dict[str, dict[str, Any]]:
    """The loser's fiscal years that stayed (same year as the winner's) fill the winner's blanks."""
    mine = {fy.year: fy for fy in store.children(session=session, model=FiscalYear, enterprise_id=winner_id)}
    filled: dict[str, dict[str, Any]] = {}
    for fy in store.children(session=session, model=FiscalYear, enterprise_id=loser_id):
        target = mine.get(fy.year)
        if target is None:
            continue
        blanks = {
            k: getattr(fy, k) for k in _FIGURES if getattr(fy, k) is not None and getattr(target, k) is None
        }
        if blanks:
            store.update_child(
                session=session,
                model=FiscalYear,
                record_id=target.id or 0,
                expected_version=target.version,
                data=blanks,
                actor=actor,
            )
            filled[str(target.id)] = {k: _jsonable(v) for k, v in blanks.items()}
    return filled


def _winner_changes(winner: Enterprise, loser: Enterprise) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in Enterprise.model_fields:
        if name in _SKIP or name in ("id", "version", "created_at", "updated_at", "deleted_at"):
            continue
        if getattr(winner, name) is None and getattr(loser, name) is not None:
            changes[name] = getattr(loser, name)
    if changes.get("uscc") and loser.uscc_override_reason:
        changes["uscc_override_reason"] = loser.uscc_override_reason
    former = list(dict.fromkeys([*winner.former_names, loser.name, *loser.former_names]))
    former = [n for n in former if n != winner.name]
    if former != list(winner.former_names):
        changes["former_names"] = former
    tags = list(dict.fromkeys([*winner.tags, *loser.tags]))
    if tags != list(winner.tags):
        changes["tags"] = tags
    return changes


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool | list):
        return value
    return str(value)
