"""SQLModel tables. Any business fact may be unknown (NULL); unknown is never stored as 0.

Money is CNY, exact: ``Decimal`` in Python, integer fen (1/100 yuan) in the database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import JSON, Column, Field, SQLModel


class Money(TypeDecorator[Decimal]):
    """CNY amount stored exactly as integer fen."""

    impl = sa.BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        if value is None:
            return None
        return int((Decimal(value) * 100).to_integral_value())

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))


def utcnow() -> datetime:
    return datetime.now(UTC)


def money(**kw: Any) -> Any:
    return Field(default=None, sa_type=Money, **kw)


class Versioned(SQLModel):
    """Columns every business record carries: id, optimistic-lock version and soft delete."""

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)
    deleted_at: datetime | None = Field(default=None, index=True)


# --- officers -----------------------------------------------------------------------------------


class Officer(Versioned, table=True):
    username: str = Field(index=True, unique=True, max_length=64)
    display_name: str = Field(max_length=64)
    phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=128)
    role: str = Field(default="officer", max_length=16)
    active: bool = Field(default=True)
    password_hash: str | None = Field(default=None, max_length=255)


# --- enterprise aggregate -----------------------------------------------------------------------


class EnterpriseBase(SQLModel):
    name: str = Field(index=True, max_length=200)
    uscc: str | None = Field(default=None, index=True, max_length=18)
    uscc_override_reason: str | None = Field(default=None, max_length=500)
    former_names: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    registration_date: date | None = None
    legal_form: str | None = Field(default=None, max_length=32)
    registered_capital: Decimal | None = money()
    address: str | None = Field(default=None, max_length=300)
    street: str | None = Field(default=None, index=True, max_length=16)
    sports_division: str | None = Field(default=None, index=True, max_length=2)
    industry_code: str | None = Field(default=None, max_length=8)
    wenchuang_sector: str | None = Field(default=None, max_length=32)
    hnte_domain: str | None = Field(default=None, max_length=32)
    niche_market_years: int | None = None
    resident_enterprise: bool | None = None
    independent_legal_person: bool | None = None
    registered_in_shanghai: bool | None = None
    tax_in_shanghai: bool | None = None
    key_institution: bool | None = None
    in_restricted_catalogue: bool | None = None
    abnormal_operation_listed: bool | None = None
    serious_dishonesty_listed: bool | None = None
    website: str | None = Field(default=None, max_length=200)
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    notes: str | None = Field(default=None, max_length=4000)
    owner_officer_id: int | None = Field(default=None, foreign_key="officer.id")


class Enterprise(EnterpriseBase, Versioned, table=True):
    pass


class FiscalYear(Versioned, table=True):
    __table_args__ = (sa.UniqueConstraint("enterprise_id", "year", name="uq_fiscalyear_enterprise_year"),)

    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    year: int
    staff_total: int | None = None
    tech_staff: int | None = None
    sales_revenue: Decimal | None = money()
    total_income: Decimal | None = money()
    hightech_income: Decimal | None = money()
    rd_expense: Decimal | None = money()
    rd_expense_domestic: Decimal | None = money()
    total_cost: Decimal | None = money()
    total_assets: Decimal | None = money()
    total_liabilities: Decimal | None = money()
    tax_paid: Decimal | None = money()
    equity_financing: Decimal | None = money()


class IPAsset(Versioned, table=True):
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    kind: str = Field(max_length=32)
    title: str = Field(max_length=300)
    number: str | None = Field(default=None, max_length=64)
    status: str | None = Field(default="valid", max_length=16)
    grant_date: date | None = None
    acquisition: str | None = Field(default=None, max_length=16)
    core_to_main_product: bool | None = None
    used_in_hnte: bool | None = None


class Credential(Versioned, table=True):
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    kind: str = Field(max_length=32)
    title: str | None = Field(default=None, max_length=300)
    level: str | None = Field(default=None, max_length=16)
    number: str | None = Field(default=None, max_length=64)
    issued_on: date | None = None
    expires_on: date | None = None
    year: int | None = None


class ComplianceEvent(Versioned, table=True):
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    kind: str = Field(max_length=32)
    severity: str = Field(default="minor", max_length=16)
    occurred_on: date | None = None
    description: str | None = Field(default=None, max_length=2000)


class Contact(Versioned, table=True):
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    name: str = Field(max_length=64, index=True)
    position: str | None = Field(default=None, max_length=64)
    phone: str | None = Field(default=None, max_length=32, index=True)
    email: str | None = Field(default=None, max_length=128)
    is_primary: bool = Field(default=False)
    notes: str | None = Field(default=None, max_length=1000)


class Interaction(Versioned, table=True):
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    officer_id: int | None = Field(default=None, foreign_key="officer.id")
    kind: str = Field(default="visit", max_length=16)
    occurred_on: date
    summary: str = Field(max_length=4000)
    follow_up: str | None = Field(default=None, max_length=2000)


class Task(Versioned, table=True):
    enterprise_id: int | None = Field(default=None, foreign_key="enterprise.id", index=True)
    title: str = Field(max_length=300)
    due_date: date | None = Field(default=None, index=True)
    assignee_id: int | None = Field(default=None, foreign_key="officer.id", index=True)
    status: str = Field(default="open", max_length=16, index=True)
    notes: str | None = Field(default=None, max_length=2000)


# --- audit trail --------------------------------------------------------------------------------


class AuditEntry(SQLModel, table=True):
    """One changed field (or a create/delete/restore) of one record, with who and when."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=64, index=True)
    action: str = Field(max_length=16)  # create | update | delete | restore | merge
    entity: str = Field(max_length=32, index=True)
    entity_id: int = Field(index=True)
    enterprise_id: int | None = Field(default=None, index=True)
    field: str | None = Field(default=None, max_length=64)
    old: str | None = None
    new: str | None = None


# child tables of an enterprise, in the order the detail page shows them
CHILD_MODELS: tuple[type[Versioned], ...] = (
    FiscalYear,
    IPAsset,
    Credential,
    ComplianceEvent,
    Contact,
    Interaction,
    Task,
)


# --- applications (pipeline tables live in their own module; imported here so metadata sees them) ---
from crm.models_applications import Application, CycleWindow, PipelineStage  # noqa: E402,F401

# --- an officer's saved list filters (own module; imported here so metadata sees it) ---
from crm.models_filters import SavedFilter  # noqa: E402,F401

# --- packs (service-pack history lives in its own module; imported here so metadata sees it) ---
from crm.models_packs import PackRecord  # noqa: E402,F401

# --- intake ---------------------------------------------------------------------------------------


class MergeRecord(SQLModel, table=True):
    """One merge of a duplicate enterprise into another: enough to show it and to undo it."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=64)
    winner_id: int = Field(foreign_key="enterprise.id", index=True)
    loser_id: int = Field(foreign_key="enterprise.id", index=True)
    # moved child rows by table, winner fields before the merge, fiscal-year fields filled in
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    undone_at: datetime | None = None
    undone_by: str | None = Field(default=None, max_length=64)


# --- indexes the radar and dashboard need on the tables of crm.models and crm.models_rules
# (crm/models_pipeline_indexes.py imports crm.models_rules itself), then the rule engine's results
# (stored verdicts, settlements, re-match diffs; see crm/models_rules.py) ---
from crm.models_pipeline_indexes import (  # noqa: E402,F401
    ENTERPRISE_OWNER,
    ENTERPRISE_PLACE,
    MATCHRESULT_POLICY_OUTCOME,
)
from crm.models_rules import ManualSettlement, MatchDiff, MatchResult  # noqa: E402,F401
