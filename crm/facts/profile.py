"""Enterprise profiles: a YAML/JSON file (no database) -> the aggregate shape ``crm.facts.derive`` reads.

Format (documented in policy_rules/README.md)::

    enterprise: {name: ..., registration_date: 2019-05-01, resident_enterprise: true, ...}
    fiscal_years: [{year: 2024, staff_total: 50, tech_staff: 12, sales_revenue: 30000000, ...}]
    ip_assets: [{kind: invention_patent, status: valid, core_to_main_product: true}]
    credentials: [{kind: hnte, issued_on: 2023-11-01}]
    compliance_events: [{kind: safety, severity: major, occurred_on: 2024-08-01}]
    facts: {major_accident_last_year: null}      # optional overrides; null = unknown
    settled: {hnte: {domain_review: true}}        # optional manual settlements
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from crm.domain import COMPLIANCE_KINDS, CREDENTIAL_KINDS, IP_KINDS
from crm.errors import HuiqiError


class ProfileError(HuiqiError):
    """A profile file is wrong: path and a plain reason."""


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EnterpriseIn(_Closed):
    name: str
    uscc: str | None = None
    registration_date: date | None = None
    legal_form: str | None = None
    registered_capital: Decimal | None = None
    address: str | None = None
    street: str | None = None
    sports_division: str | None = None
    industry_code: str | None = None
    wenchuang_sector: str | None = None
    hnte_domain: str | None = None
    strategic_emerging: bool | None = None
    niche_market_years: int | None = None
    resident_enterprise: bool | None = None
    independent_legal_person: bool | None = None
    registered_in_shanghai: bool | None = None
    tax_in_shanghai: bool | None = None
    key_institution: bool | None = None
    in_restricted_catalogue: bool | None = None
    abnormal_operation_listed: bool | None = None
    serious_dishonesty_listed: bool | None = None


class FiscalYearIn(_Closed):
    year: int
    staff_total: int | None = None
    tech_staff: int | None = None
    sales_revenue: Decimal | None = None
    main_business_revenue: Decimal | None = None
    total_income: Decimal | None = None
    hightech_income: Decimal | None = None
    rd_expense: Decimal | None = None
    rd_expense_domestic: Decimal | None = None
    total_cost: Decimal | None = None
    total_assets: Decimal | None = None
    total_liabilities: Decimal | None = None
    tax_paid: Decimal | None = None
    equity_financing: Decimal | None = None


class IPAssetIn(_Closed):
    kind: Literal[tuple(IP_KINDS)]  # type: ignore[valid-type]
    title: str = ""
    number: str | None = None
    status: Literal["valid", "pending", "expired"] | None = "valid"
    grant_date: date | None = None
    acquisition: str | None = None
    core_to_main_product: bool | None = None
    used_in_hnte: bool | None = None
    high_value: bool | None = None


class CredentialIn(_Closed):
    kind: Literal[tuple(CREDENTIAL_KINDS)]  # type: ignore[valid-type]
    title: str | None = None
    level: str | None = None
    number: str | None = None
    issued_on: date | None = None
    expires_on: date | None = None
    year: int | None = None
    rank: int | None = None


class ComplianceEventIn(_Closed):
    kind: Literal[tuple(COMPLIANCE_KINDS)]  # type: ignore[valid-type]
    severity: Literal["major", "serious", "minor"] = "minor"
    occurred_on: date | None = None
    description: str | None = None


class Profile(_Closed):
    enterprise: EnterpriseIn
    fiscal_years: list[FiscalYearIn] = []
    ip_assets: list[IPAssetIn] = []
    credentials: list[CredentialIn] = []
    compliance_events: list[ComplianceEventIn] = []
    facts: dict[str, Any] = {}
    settled: dict[str, dict[str, bool]] = {}


def load_profile(path: str | Path) -> Profile:
    """Read and validate a profile file (``.yaml``/``.yml``/``.json``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        raw = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
        return Profile.model_validate(raw)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise ProfileError(f"{path}: {_reason(exc)}") from None


def aggregate(profile: Profile) -> SimpleNamespace:
    """The profile as an aggregate with the attributes of the stored records."""
    return SimpleNamespace(
        enterprise=SimpleNamespace(**profile.enterprise.model_dump()),
        fiscal_years=[SimpleNamespace(**fy.model_dump()) for fy in profile.fiscal_years],
        ip_assets=[SimpleNamespace(**ip.model_dump()) for ip in profile.ip_assets],
        credentials=[SimpleNamespace(**c.model_dump()) for c in profile.credentials],
        compliance_events=[SimpleNamespace(**e.model_dump()) for e in profile.compliance_events],
    )


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        kind = {"extra_forbidden": "未知的字段", "missing": "缺少必填字段"}.get(err["type"], err["msg"])
        return f"{where}: {kind}"
    return str(exc)
