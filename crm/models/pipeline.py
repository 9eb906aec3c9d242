"""Tables of the application pipeline: applications, this cycle's actual windows, configurable stages.

Registered on the metadata by ``crm.models``, like every table.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field

from crm.models.base import Versioned, money


class PipelineStage(Versioned, table=True):
    """One configurable stage of the pipeline (推荐 → 已告知 → ... → 兑现), in board order."""

    __tablename__ = "pipelinestage"

    code: str = Field(max_length=24, unique=True)
    label_zh: str = Field(max_length=32)
    label_en: str = Field(max_length=48)
    position: int = Field(default=0)
    # open: still moving | won: approved/paid | lost: not approved, withdrawn
    outcome: str = Field(default="open", max_length=8)
    active: bool = Field(default=True)
    # the stage codes an application may move to from here; empty: any later stage, one back, any closing one
    next_stages: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class Application(Versioned, table=True):
    """One enterprise x policy x cycle (year or batch), moved through the stages by an officer."""

    __table_args__ = (
        # one live application per enterprise x policy x cycle; a deleted one does not block a new one
        sa.Index(
            "uq_application_live",
            "enterprise_id",
            "policy_id",
            "cycle",
            unique=True,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        ),
        sa.Index("ix_application_stage_since", "stage", "stage_since"),
        # the radar per officer, and covering indexes for the dashboard's counts (no wide-row reads)
        sa.Index("ix_application_owner_stage_since", "owner_officer_id", "stage", "stage_since"),
        sa.Index("ix_application_stage_cycle", "stage", "cycle", "deleted_at"),
        sa.Index(
            "ix_application_decided_cover", "decided_on", "stage", "policy_id", "amount_secured", "deleted_at"
        ),
    )

    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    policy_id: str = Field(max_length=64, index=True)
    cycle: str = Field(max_length=32)
    stage: str = Field(max_length=24, index=True)
    stage_since: date = Field(default_factory=date.today)
    stage_dates: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    owner_officer_id: int | None = Field(default=None, foreign_key="officer.id", index=True)
    match_outcome: str | None = Field(default=None, max_length=16)
    amount_secured: Decimal | None = money()
    decided_on: date | None = Field(default=None, index=True)
    notes: str | None = Field(default=None, max_length=4000)
    amount_applied: Decimal | None = money()
    amount_paid: Decimal | None = money()
    submitted_on: date | None = None
    paid_on: date | None = None
    files: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))  # names only
    result_note: str | None = Field(default=None, max_length=1000)


class CycleWindow(Versioned, table=True):
    """This cycle's actual window of a policy as announced (several batches a year allowed)."""

    __tablename__ = "cyclewindow"

    policy_id: str = Field(max_length=64, index=True)
    year: int = Field(index=True)
    batch: str = Field(default="", max_length=32)
    opens: date
    closes: date
    lead_days: int = Field(default=5)
    note: str | None = Field(default=None, max_length=500)
