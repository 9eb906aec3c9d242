"""Applications: created from a match in one click, moved between stages (audited), listed and boarded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from crm.auth import require
from crm.db import session_scope
from crm.models import Application, PipelineStage
from crm.records.validation import ValidationFailed
from crm.services import deadlines
from crm.services.enterprises import current_actor
from crm.store import applications as store
from crm.store import board as board_rows
from crm.store import enterprises as enterprise_store
from crm.store import tx
from crm.store.applications import (
    ConflictError,
    DuplicateApplication,
    NotFoundError,
    StagesChanged,
    UnknownStage,
)
from crm.store.board import PipelineFilter

__all__ = [
    "ConflictError",
    "DuplicateApplication",
    "NotFoundError",
    "PipelineFilter",
    "StagesChanged",
    "UnknownStage",
    "ValidationFailed",
]


@dataclass(frozen=True)
class Stage:
    code: str
    label: str
    label_en: str
    outcome: str  # open | won | lost
    id: int | None = None  # None: a stage being added in the settings
    version: int = 0
    active: bool = True
    next_stages: tuple[str, ...] = ()  # where an application may move from here; empty: the default rule


@dataclass(frozen=True)
class Card:
    """What a kanban card and a list row show."""

    id: int
    version: int
    enterprise_id: int
    enterprise: str
    street: str | None
    policy_id: str
    policy: str
    cycle: str
    stage: str
    stage_since: date
    owner: str | None
    amount: Decimal | None
    notes: str | None


@dataclass
class Column:
    stage: Stage
    total: int
    cards: list[Card] = field(default_factory=list)


def stages() -> list[Stage]:
    """The configured stages in board order."""
    with session_scope() as session:
        return [_stage(s) for s in store.stages(session=session)]


def all_stages() -> list[Stage]:
    """Every stage, deactivated ones too, in board order (the settings' stage editor)."""
    with session_scope() as session:
        return [_stage(s) for s in store.stages(session=session, include_inactive=True)]


def save_stages(rows: list[Stage], *, actor: str | None = None) -> list[Stage]:
    """Admin: rename, reorder (list order), add (``id`` None) and deactivate stages in one audited save.

    ValidationFailed names fields as ``<row index>.<field>``; ConflictError / StagesChanged when
    someone saved the stages since they were loaded.
    """
    require("admin")
    data = [
        {
            "id": r.id,
            "version": r.version,
            "code": r.code,
            "label_zh": r.label,
            "label_en": r.label_en,
            "outcome": r.outcome,
            "active": r.active,
            "next_stages": list(r.next_stages),
        }
        for r in rows
    ]
    with session_scope() as session:
        return [
            _stage(s) for s in store.save_stages(session=session, rows=data, actor=actor or current_actor())
        ]


def _stage(s: PipelineStage) -> Stage:
    return Stage(
        s.code, s.label_zh, s.label_en, s.outcome, s.id, s.version, s.active, tuple(s.next_stages or ())
    )


@tx.retrying
def create_from_match(
    enterprise_id: int,
    policy_id: str,
    *,
    on: date | None = None,
    cycle: str | None = None,
    outcome: str | None = None,
    owner_officer_id: int | None = None,
    actor: str | None = None,
) -> Application:
    """One click on a match: open the application in the first stage, owned by the enterprise's officer."""
    require("write")
    on = on or date.today()
    with session_scope() as session:
        owner = owner_officer_id or enterprise_store.owner_of(session=session, enterprise_id=enterprise_id)
        return store.create_application(
            session=session,
            enterprise_id=enterprise_id,
            policy_id=policy_id,
            on=on,
            cycle=cycle or deadlines.current_cycle(policy_id, on, session=session),
            owner_officer_id=owner,
            match_outcome=outcome,
            actor=actor or current_actor(),
        )


@tx.retrying
def move(
    application_id: int,
    expected_version: int,
    stage: str,
    *,
    on: date | None = None,
    actor: str | None = None,
) -> Application:
    """Move an application to another stage (ConflictError when someone moved it first)."""
    require("write")
    with session_scope() as session:
        return store.move_application(
            session=session,
            application_id=application_id,
            expected_version=expected_version,
            stage=stage,
            on=on or date.today(),
            actor=actor or current_actor(),
        )


@tx.retrying
def update(
    application_id: int, expected_version: int, data: dict[str, Any], *, actor: str | None = None
) -> Application:
    """Edit owner, amount secured or notes."""
    require("write")
    with session_scope() as session:
        return store.update_application(
            session=session,
            application_id=application_id,
            expected_version=expected_version,
            data=data,
            actor=actor or current_actor(),
        )


def get(application_id: int) -> Card:
    """One application as a card."""
    with session_scope() as session:
        rows = board_rows.card_rows(session=session, filters=PipelineFilter(), application_id=application_id)
        if not rows:
            raise NotFoundError(entity="application", record_id=application_id)
        return _card(rows[0], deadlines.policy_titles())


def board(filters: PipelineFilter, *, per_column: int = 50) -> list[Column]:
    """Kanban columns in stage order: each stage's total and its most recently moved cards."""
    titles = deadlines.policy_titles()
    with session_scope() as session:
        totals = board_rows.totals_by_stage(session=session, filters=filters)
        return [
            Column(
                _stage(s),
                totals.get(s.code, 0),
                [
                    _card(r, titles)
                    for r in board_rows.card_rows(
                        session=session, filters=filters, stage=s.code, limit=per_column
                    )
                ],
            )
            for s in store.stages(session=session)
        ]


def list_applications(
    filters: PipelineFilter, *, page: int = 1, page_size: int = 25
) -> tuple[list[Card], int]:
    """One page of applications (newest stage change first) and the total."""
    titles = deadlines.policy_titles()
    with session_scope() as session:
        total = board_rows.count(session=session, filters=filters)
        rows = board_rows.card_rows(
            session=session, filters=filters, offset=(max(page, 1) - 1) * page_size, limit=page_size
        )
        return [_card(r, titles) for r in rows], total


def for_enterprise(enterprise_id: int) -> list[Card]:
    """The enterprise's applications (detail page)."""
    titles = deadlines.policy_titles()
    with session_scope() as session:
        rows = board_rows.card_rows(
            session=session, filters=PipelineFilter(), enterprise_id=enterprise_id, order="newest"
        )
        return [_card(r, titles) for r in rows]


def _card(row: board_rows.CardRow, titles: dict[str, str]) -> Card:
    app, name, street, owner = row
    return Card(
        app.id or 0,
        app.version,
        app.enterprise_id,
        name,
        street,
        app.policy_id,
        titles.get(app.policy_id, app.policy_id),
        app.cycle,
        app.stage,
        app.stage_since,
        owner,
        app.amount_secured,
        app.notes,
    )
