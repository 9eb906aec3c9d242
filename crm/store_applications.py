"""Writes and reads of applications, cycle windows and pipeline stages through the store's machinery.

Same contract as ``crm.store``: keyword-only, validated, version-checked (``ConflictError``), audited.
A stage move is one audited update of ``stage``, ``stage_since`` and ``stage_dates``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from crm import fields, i18n, store, validation
from crm.fields import FieldSpec
from crm.models import Enterprise
from crm.models_applications import Application, CycleWindow, PipelineStage
from crm.store import ConflictError, NotFoundError, StoreError, _insert, _update, get_record

__all__ = ["ConflictError", "DuplicateApplication", "NotFoundError", "UnknownStage"]


def _register() -> None:
    # PipelineStage is reference data seeded by the migration, not registered: crm.demo.clear_database
    # empties every table named in ENTITY_OF
    for model, entity in ((Application, "application"), (CycleWindow, "cyclewindow")):
        store.ENTITY_OF[model] = entity
        store.MODEL_OF[entity] = model
    fields.SPECS.setdefault("application", APPLICATION_FIELDS)
    fields.SPECS.setdefault("cyclewindow", CYCLE_WINDOW_FIELDS)
    if "app.error.duplicate" not in i18n.MESSAGES:
        i18n.register(MESSAGES)


_f = fields._f
APPLICATION_FIELDS: tuple[FieldSpec, ...] = (
    _f("cycle", "申报批次", "Cycle", required=True, max_len=32, hint="年度或批次，如 2026 或 2026-第二批"),
    _f("owner_officer_id", "负责专员", "Owner officer", "int", min=1),
    _f("amount_secured", "获批金额", "Amount secured", "money", min=0),
    _f("notes", "备注", "Notes", "longtext", max_len=4000),
)
CYCLE_WINDOW_FIELDS: tuple[FieldSpec, ...] = (
    _f("policy_id", "政策", "Policy", required=True, max_len=64),
    _f("year", "年度", "Year", "year", required=True),
    _f("batch", "批次", "Batch", max_len=32, hint="如 第一批；一年一次可留空"),
    _f("opens", "开始受理", "Opens", "date", required=True),
    _f("closes", "申报截止", "Closes", "date", required=True),
    _f("lead_days", "材料提前工作日", "Lead working days", "int", min=0, max=60),
    _f("note", "说明", "Note", max_len=500),
)
MESSAGES: dict[str, tuple[str, str]] = {
    "app.error.duplicate": ("该企业本批次已有此政策的申报：#{id}（{stage}）",
                            "This enterprise already has an application for this policy in this cycle: #{id} ({stage})"),
    "app.error.stage": ("未知的申报阶段：{stage}", "Unknown application stage: {stage}"),
    "app.error.closes_before_opens": ("{field}不能早于开始受理日期", "{field} cannot be before the opening date"),
}


class DuplicateApplication(StoreError):
    """The enterprise already has this policy in this cycle; nothing was written."""

    key = "app.error.duplicate"

    def __init__(self, *, existing: Application, stage_label: str | None = None):
        self.existing = existing
        self.params = dict(id=existing.id, stage=stage_label or existing.stage)
        super().__init__(self.message("zh"))


class UnknownStage(StoreError):
    key = "app.error.stage"

    def __init__(self, stage: str):
        self.params = dict(stage=stage)
        super().__init__(self.message("zh"))


# --- applications ---------------------------------------------------------------------------------


def create_application(*, session: Session, enterprise_id: int, policy_id: str, cycle: str, actor: str,
                       on: date, stage: str | None = None, owner_officer_id: int | None = None,
                       match_outcome: str | None = None, notes: str | None = None) -> Application:
    """Open an application for a live enterprise (one per enterprise x policy x cycle)."""
    get_record(session=session, model=Enterprise, record_id=enterprise_id)
    clean = validation.clean("application", {"cycle": cycle, "owner_officer_id": owner_officer_id, "notes": notes})
    stage = stage or stages(session=session)[0].code
    _check_stage(session, stage)
    existing = find_application(session=session, enterprise_id=enterprise_id, policy_id=policy_id,
                                cycle=clean["cycle"])
    if existing is not None:
        label = next((s.label_zh for s in stages(session=session, include_inactive=True)
                      if s.code == existing.stage), None)
        raise DuplicateApplication(existing=existing, stage_label=label)
    record = Application(enterprise_id=enterprise_id, policy_id=policy_id, stage=stage, stage_since=on,
                         stage_dates={stage: on.isoformat()}, match_outcome=match_outcome, **clean)
    return _insert(session, record, actor=actor)


def move_application(*, session: Session, application_id: int, expected_version: int, stage: str,
                     actor: str, on: date) -> Application:
    """Move an application to ``stage`` on ``on`` (audited; a decision stage sets ``decided_on``)."""
    target = _check_stage(session, stage)
    record = get_record(session=session, model=Application, record_id=application_id)
    if record.stage == stage:
        return _update(session, Application, application_id, expected_version, {}, actor=actor)
    changes: dict[str, Any] = {"stage": stage, "stage_since": on,
                               "stage_dates": {**record.stage_dates, stage: on.isoformat()}}
    if target.outcome != "open" and record.decided_on is None:
        changes["decided_on"] = on
    elif target.outcome == "open":
        changes["decided_on"] = None
    return _update(session, Application, application_id, expected_version, changes, actor=actor)


def update_application(*, session: Session, application_id: int, expected_version: int,
                       data: dict[str, Any], actor: str) -> Application:
    """Edit owner, amount secured, notes or cycle of an application (version-checked, audited)."""
    clean = validation.clean("application", data, partial=True)
    return _update(session, Application, application_id, expected_version, clean, actor=actor)


def find_application(*, session: Session, enterprise_id: int, policy_id: str, cycle: str) -> Application | None:
    """The live application of this enterprise, policy and cycle, if any."""
    query = select(Application).where(Application.enterprise_id == enterprise_id,
                                      Application.policy_id == policy_id, Application.cycle == cycle,
                                      col(Application.deleted_at).is_(None))
    return session.exec(query).first()


# --- stages ---------------------------------------------------------------------------------------


def stages(*, session: Session, include_inactive: bool = False) -> list[PipelineStage]:
    """The configured stages in board order."""
    query = select(PipelineStage).where(col(PipelineStage.deleted_at).is_(None))
    if not include_inactive:
        query = query.where(PipelineStage.active == True)  # noqa: E712
    return list(session.exec(query.order_by(col(PipelineStage.position), col(PipelineStage.id))))


def _check_stage(session: Session, code: str) -> PipelineStage:
    found = next((s for s in stages(session=session) if s.code == code), None)
    if found is None:
        raise UnknownStage(code)
    return found


# --- cycle windows --------------------------------------------------------------------------------


def create_cycle_window(*, session: Session, data: dict[str, Any], actor: str) -> CycleWindow:
    """Record this cycle's actual window (dates as announced) of a policy."""
    clean = _clean_window(data)
    return _insert(session, CycleWindow(**{k: v for k, v in clean.items() if v is not None or k == "note"}),
                   actor=actor)


def update_cycle_window(*, session: Session, window_id: int, expected_version: int, data: dict[str, Any],
                        actor: str) -> CycleWindow:
    """Correct an announced window's dates (version-checked, audited)."""
    current = get_record(session=session, model=CycleWindow, record_id=window_id)
    merged = {"policy_id": current.policy_id, "year": current.year, "opens": current.opens,
              "closes": current.closes, **data}
    clean = _clean_window(merged)
    return _update(session, CycleWindow, window_id, expected_version,
                   {k: v for k, v in clean.items() if k in data}, actor=actor)


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
        raise validation.ValidationFailed([validation.FieldError(
            "closes", "app.error.closes_before_opens", spec.zh, spec.en)])
    return clean


_register()
