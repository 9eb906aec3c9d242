"""The enterprise aggregate: the enterprise and its child records (fiscal years, IP, credentials, ...)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel, col

from crm.models.base import Versioned, money


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
    strategic_emerging: bool | None = None  # main product listed in 《战略性新兴产业分类》
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
    # one live enterprise per credit code; a soft-deleted one keeps its code without blocking a new one
    __table_args__ = (
        sa.Index(
            "uq_enterprise_live_uscc",
            "uscc",
            unique=True,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        ),
    )


class FiscalYear(Versioned, table=True):
    __table_args__ = (sa.UniqueConstraint("enterprise_id", "year", name="uq_fiscalyear_enterprise_year"),)

    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    year: int
    staff_total: int | None = None
    tech_staff: int | None = None
    sales_revenue: Decimal | None = money()
    main_business_revenue: Decimal | None = money()
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
    high_value: bool | None = None  # a high-value Class I item (创新型中小企业 IP indicator)


class Credential(Versioned, table=True):
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    kind: str = Field(max_length=32)
    title: str | None = Field(default=None, max_length=300)
    level: str | None = Field(default=None, max_length=16)
    number: str | None = Field(default=None, max_length=64)
    issued_on: date | None = None
    expires_on: date | None = None
    year: int | None = None
    rank: int | None = None  # an award: the enterprise's place among the award units (1 = first)


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

# the radar per officer: the officer's enterprises without a table scan
ENTERPRISE_OWNER = sa.Index("ix_enterprise_owner_officer_id", col(Enterprise.owner_officer_id))
# the dashboard's enterprises by street and division: a covering scan instead of reading every row
ENTERPRISE_PLACE = sa.Index(
    "ix_enterprise_place_cover",
    col(Enterprise.street),
    col(Enterprise.sports_division),
    col(Enterprise.deleted_at),
)
