"""The closed schema of a policy file (pydantic, extra='forbid'): what a file may say, checked before compiling."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Outcome = Literal["ineligible", "near_miss", "needs_data", "likely", "eligible", "held"]
Confidence = Literal["high", "medium", "low"]


class Closed(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Basis(Closed):
    doc: str
    number: str | None = None
    clause: str | None = None
    url: str | None = None


class Window(Closed):
    opens: str
    closes: str
    every: Literal["year"] = "year"
    note: str | None = None

    @field_validator("opens", "closes")
    @classmethod
    def _month_day(cls, value: str) -> str:
        if not re.fullmatch(r"(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", value):
            raise ValueError("日期应写作 MM-DD，例如 03-01")
        return value


class Apply(Closed):
    """Where to apply (as provincial 申兑指南 print it); every field optional, filled only from the sources."""

    office: str | None = None  # the accepting office
    address: str | None = None
    phone: str | None = None  # consultation phone
    payment_time: str | None = None  # time from approval to payment, in words
    url: str | None = None  # official text or application portal (printed with a QR code)

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"https?://\S+", value):
            raise ValueError("网址应以 http:// 或 https:// 开头，且不含空格")
        return value


class InForce(Closed):
    from_: date = Field(alias="from")
    until: date | None = None


class ParamSpec(Closed):
    """A named, dated threshold an officer can change: where it comes from and how sure we are."""

    value: float | int | str
    label: str
    unit: str | None = None
    as_of: date
    source: str
    confidence: Confidence
    note: str | None = None


class Reviewed(Closed):
    """When and against which text a policy file was last checked, condition by condition."""

    against: str
    clause: str
    as_of: date


class Relations(Closed):
    requires: list[str] = []
    excludes: list[str] = []
    unlocks: list[str] = []


class HeldSpec(Closed):
    until: str
    reapply_lead_days: int | dict[str, str] = 0


class NearMissSpec(Closed):
    relative: float | None = None
    absolute: float | None = None


class ValueBlock(Closed):
    """How to estimate what the policy is worth to an enterprise (compiled by ``crm.rules.value``)."""

    estimate: str | float | None = None  # an expression over facts and params; None: not estimated
    basis: str
    confidence: Confidence
    per: Literal["year", "once"] = "year"


class CaseExpect(Closed):
    outcome: Outcome
    failing: list[str] | None = None
    gaps: dict[str, float] | None = None
    to_collect: list[str] | None = None
    pending: list[str] | None = None


class Case(Closed):
    name: str
    on: date | None = None
    facts: dict[str, Any] = {}
    settled: dict[str, bool] = {}
    policies: dict[str, Outcome] = {}
    expect: CaseExpect


class PolicyFile(Closed):
    id: str
    title: str
    title_en: str
    level: Literal["national", "municipal", "district"]
    authority: str
    basis: list[Basis]
    reviewed: Reviewed | None = None
    confidence: Confidence
    todo: str | None = None
    in_force: InForce
    windows: list[Window] = []
    benefits: list[str] = []
    materials: list[str] = []
    relations: Relations = Relations()
    params: dict[str, ParamSpec] = {}
    near_miss: NearMissSpec = NearMissSpec(relative=0.2)
    held: HeldSpec | None = None
    notes: str | None = None
    apply: Apply | None = None
    group: str | None = None  # policies with the same group (level or type variants) share one pack section
    cases_on: date | None = None
    value: ValueBlock | None = None
    criteria: dict[str, Any]
    cases: list[Case] = []


# --- the criteria compiler -------------------------------------------------------------------------
