"""Writes and reads of applications, cycle windows and pipeline stages through the store's machinery.

Same contract as ``crm.store``: keyword-only, validated, version-checked (``ConflictError``), audited.
A stage move is one audited update of ``stage``, ``stage_since`` and ``stage_dates``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlmodel import Session, col, func, select

from crm import i18n
from crm.models import Application, CycleWindow, PipelineStage
from crm.records import fields, validation
from crm.store import transitions
from crm.store.core import (
    RESTORE_CHECKS,
    ConflictError,
    NotFoundError,
    StoreError,
    get_record,
    insert_one,
    live_parent,
    update_versioned,
)
from crm.store.tx import lock_key

__all__ = ["ConflictError", "DuplicateApplication", "NotFoundError", "StagesChanged", "UnknownStage"]


MESSAGES: dict[str, tuple[str, str]] = {
    "app.error.duplicate": (
        "该企业本批次已有此政策的申报：#{id}（{stage}）",
        "This enterprise already has an application for this policy in this cycle: #{id} ({stage})",
    ),
    "app.error.stage": ("未知的申报阶段：{stage}", "Unknown application stage: {stage}"),
    "app.error.closes_before_opens": (
        "{field}不能早于开始受理日期",
        "{field} cannot be before the opening date",
    ),
    "app.error.stage_code": (
        "{field}只能用小写字母、数字和下划线，以字母开头",
        "{field}: lower-case letters, digits and _",
    ),
    "app.error.stage_code_taken": (
        "{field}“{value}”已被其他阶段使用",
        "{field} '{value}' is used by another stage",
    ),
    "app.error.stage_in_use": (
        "还有 {n} 件申报处在该阶段，请先移走再停用",
        "{n} applications are in this stage; move them first",
    ),
    "app.error.no_active_stage": ("至少要保留一个启用的阶段", "Keep at least one active stage"),
    "app.error.stages_changed": (
        "阶段列表已被他人修改，请刷新后重试",
        "Someone changed the stages meanwhile; reload and retry",
    ),
}
i18n.register(MESSAGES)


class DuplicateApplication(StoreError):
    """The enterprise already has this policy in this cycle; nothing was written."""

    key = "app.error.duplicate"

    def __init__(self, *, existing: Application, stage_label: str | None = None):
        self.existing = existing
        super().__init__(id=existing.id, stage=stage_label or existing.stage)


class UnknownStage(StoreError):
    key = "app.error.stage"

    def __init__(self, stage: str):
        super().__init__(stage=stage)


# --- applications ---------------------------------------------------------------------------------


def create_application(
    *,
    session: Session,
    enterprise_id: int,
    policy_id: str,
    cycle: str,
    actor: str,
    on: date,
    stage: str | None = None,
    owner_officer_id: int | None = None,
    match_outcome: str | None = None,
    notes: str | None = None,
) -> Application:
    """Open an application for a live enterprise (one per enterprise x policy x cycle)."""
    live_parent(session, enterprise_id)
    clean = validation.clean(
        "application", {"cycle": cycle, "owner_officer_id": owner_officer_id, "notes": notes}
    )
    stage = stage or stages(session=session)[0].code
    _check_stage(session, stage)
    _check_free(session, enterprise_id, policy_id, clean["cycle"], None)
    record = Application(
        enterprise_id=enterprise_id,
        policy_id=policy_id,
        stage=stage,
        stage_since=on,
        stage_dates={stage: on.isoformat()},
        match_outcome=match_outcome,
        **clean,
    )
    return insert_one(session, record, actor=actor)


def move_application(
    *, session: Session, application_id: int, expected_version: int, stage: str, actor: str, on: date
) -> Application:
    """Move an application to ``stage`` on ``on`` if its stage allows that move (audited; a decision stage
    sets ``decided_on``)."""
    target = _check_stage(session, stage)
    record = get_record(session=session, model=Application, record_id=application_id)
    if record.stage == stage:
        return update_versioned(session, Application, application_id, expected_version, {}, actor=actor)
    transitions.check_move(stages(session=session), record.stage, target)
    changes: dict[str, Any] = {
        "stage": stage,
        "stage_since": on,
        "stage_dates": {**record.stage_dates, stage: on.isoformat()},
    }
    if target.outcome != "open" and record.decided_on is None:
        changes["decided_on"] = on
    elif target.outcome == "open":
        changes["decided_on"] = None
    return update_versioned(session, Application, application_id, expected_version, changes, actor=actor)


def update_application(
    *, session: Session, application_id: int, expected_version: int, data: dict[str, Any], actor: str
) -> Application:
    """Edit owner, amount secured, notes or cycle of an application (version-checked, audited)."""
    clean = validation.clean("application", data, partial=True)
    if clean.get("cycle"):
        current = get_record(session=session, model=Application, record_id=application_id)
        _check_free(session, current.enterprise_id, current.policy_id, clean["cycle"], application_id)
    return update_versioned(session, Application, application_id, expected_version, clean, actor=actor)


def find_application(
    *, session: Session, enterprise_id: int, policy_id: str, cycle: str
) -> Application | None:
    """The live application of this enterprise, policy and cycle, if any."""
    query = select(Application).where(
        Application.enterprise_id == enterprise_id,
        Application.policy_id == policy_id,
        Application.cycle == cycle,
        col(Application.deleted_at).is_(None),
    )
    return session.exec(query).first()


def _check_free(session: Session, enterprise_id: int, policy_id: str, cycle: str, own_id: int | None) -> None:
    """Refuse a second live application of this enterprise, policy and cycle. The lock on the key is held
    until commit, so two officers opening it at once cannot both pass (the partial unique index backs it)."""
    lock_key(session, f"application:{enterprise_id}:{policy_id}:{cycle}")
    existing = find_application(
        session=session, enterprise_id=enterprise_id, policy_id=policy_id, cycle=cycle
    )
    if existing is not None and existing.id != own_id:
        label = next(
            (s.label_zh for s in stages(session=session, include_inactive=True) if s.code == existing.stage),
            None,
        )
        raise DuplicateApplication(existing=existing, stage_label=label)


def _check_restore(session: Session, record: Application) -> None:
    _check_free(session, record.enterprise_id, record.policy_id, record.cycle, record.id)


RESTORE_CHECKS[Application] = _check_restore


def any_application(*, session: Session) -> bool:
    """Whether the database holds any application (live or deleted)."""
    return session.exec(select(Application.id).limit(1)).first() is not None


# --- stages ---------------------------------------------------------------------------------------


def stages(*, session: Session, include_inactive: bool = False) -> list[PipelineStage]:
    """The configured stages in board order."""
    query = select(PipelineStage).where(col(PipelineStage.deleted_at).is_(None))
    if not include_inactive:
        query = query.where(PipelineStage.active == True)  # noqa: E712
    return list(session.exec(query.order_by(col(PipelineStage.position), col(PipelineStage.id))))


def stage_codes(*, session: Session, outcome: str) -> list[str]:
    """Codes of every stage (inactive ones too) with this outcome: open | won | lost."""
    return list(session.exec(select(PipelineStage.code).where(PipelineStage.outcome == outcome)))


def stage_labels(*, session: Session) -> dict[str, str]:
    """Stage code -> Chinese label, for every stage ever configured."""
    return {s.code: s.label_zh for s in session.exec(select(PipelineStage))}


def save_stages(*, session: Session, rows: list[dict[str, Any]], actor: str) -> list[PipelineStage]:
    """Rename, reorder (list order), add (rows without ``id``) and (de)activate stages in one save.

    ``rows`` must hold every stage, each existing one with the ``version`` it was loaded at
    (ConflictError otherwise). A stage's code never changes: applications refer to it. Errors are
    ValidationFailed with fields named ``<row index>.<field>``; nothing is written then.
    """
    current = {s.id: s for s in stages(session=session, include_inactive=True)}
    if {r.get("id") for r in rows if r.get("id") is not None} != set(current):
        raise StagesChanged()
    cleaned = _clean_stages(session, rows, current)
    saved = []
    for position, (row, clean) in enumerate(zip(rows, cleaned, strict=True)):
        clean["position"] = position * 10
        if row.get("id") is None:
            saved.append(insert_one(session, PipelineStage(**clean), actor=actor))
        else:
            clean.pop("code")
            saved.append(
                update_versioned(session, PipelineStage, row["id"], row["version"], clean, actor=actor)
            )
    return saved


class StagesChanged(StoreError):
    key = "app.error.stages_changed"


def _clean_stages(
    session: Session, rows: list[dict[str, Any]], current: dict[int | None, PipelineStage]
) -> list[dict[str, Any]]:
    errors: list[validation.FieldError] = []
    cleaned: list[dict[str, Any]] = []
    codes = {s.code for s in current.values()}
    for i, row in enumerate(rows):
        old = current.get(row.get("id"))
        data = {**row, "code": old.code if old else row.get("code")}
        data["active"] = True if data.get("active") is None else data["active"]
        try:
            clean = validation.clean("pipelinestage", data)
        except validation.ValidationFailed as bad:
            errors += [_at(i, e) for e in bad.errors]
            continue
        errors += [_at(i, e) for e in _stage_checks(session, clean, old, codes)]
        codes.add(clean["code"])
        cleaned.append(clean)
    if not errors and not any(c["active"] for c in cleaned):
        errors.append(_stage_error(0, "active", "app.error.no_active_stage"))
    if errors:
        raise validation.ValidationFailed(errors)
    return cleaned


def _stage_checks(
    session: Session, clean: dict[str, Any], old: PipelineStage | None, codes: set[str]
) -> list[validation.FieldError]:
    if old is None and not re.fullmatch(r"[a-z][a-z0-9_]*", clean["code"]):
        return [_stage_error(None, "code", "app.error.stage_code")]
    if old is None and clean["code"] in codes:
        return [_stage_error(None, "code", "app.error.stage_code_taken", value=clean["code"])]
    if old is not None and old.active and not clean["active"]:
        live = session.exec(
            select(func.count())
            .select_from(Application)
            .where(Application.stage == old.code, col(Application.deleted_at).is_(None))
        ).one()
        if live:
            return [_stage_error(None, "active", "app.error.stage_in_use", n=live)]
    return []


def _stage_error(index: int | None, name: str, key: str, **params: Any) -> validation.FieldError:
    spec = fields.spec("pipelinestage", name)
    error = validation.FieldError(name, key, spec.zh, spec.en, params)
    return error if index is None else _at(index, error)


def _at(index: int, error: validation.FieldError) -> validation.FieldError:
    return validation.FieldError(
        f"{index}.{error.field}", error.key, error.label_zh, error.label_en, error.params
    )


def _check_stage(session: Session, code: str) -> PipelineStage:
    found = next((s for s in stages(session=session) if s.code == code), None)
    if found is None:
        raise UnknownStage(code)
    return found


# --- cycle windows --------------------------------------------------------------------------------


def create_cycle_window(*, session: Session, data: dict[str, Any], actor: str) -> CycleWindow:
    """Record this cycle's actual window (dates as announced) of a policy."""
    clean = _clean_window(data)
    return insert_one(
        session, CycleWindow(**{k: v for k, v in clean.items() if v is not None or k == "note"}), actor=actor
    )


def update_cycle_window(
    *, session: Session, window_id: int, expected_version: int, data: dict[str, Any], actor: str
) -> CycleWindow:
    """Correct an announced window's dates (version-checked, audited)."""
    current = get_record(session=session, model=CycleWindow, record_id=window_id)
    merged = {
        "policy_id": current.policy_id,
        "year": current.year,
        "opens": current.opens,
        "closes": current.closes,
        **data,
    }
    clean = _clean_window(merged)
    return update_versioned(
        session,
        CycleWindow,
        window_id,
        expected_version,
        {k: v for k, v in clean.items() if k in data},
        actor=actor,
    )


def cycle_windows(*, session: Session, years: tuple[int, ...] | None = None) -> list[CycleWindow]:
    """Live officer-set windows, optionally of some years only."""
    query = select(CycleWindow).where(col(CycleWindow.deleted_at).is_(None))
    if years:
        query = query.where(col(CycleWindow.year).in_(years))
    return list(session.exec(query.order_by(col(CycleWindow.closes))))


def _clean_window(data: dict[str, Any]) -> dict[str, Any]:
    clean = validation.clean("cyclewindow", data)
    clean["batch"] = clean.get("batch") or ""
    if clean.get("lead_days") is None:
        clean["lead_days"] = 5
    if clean["closes"] < clean["opens"]:
        spec = fields.spec("cyclewindow", "closes")
        raise validation.ValidationFailed(
            [validation.FieldError("closes", "app.error.closes_before_opens", spec.zh, spec.en)]
        )
    return clean
