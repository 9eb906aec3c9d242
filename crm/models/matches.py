"""Tables of the rule engine's results: stored verdicts, officers' settlements, re-match differences.

Registered on the metadata by ``crm.models``, like every table.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel, col

from crm.models.base import money, utcnow


class MatchResult(SQLModel, table=True):
    """The latest verdict of one enterprise x one policy, with the rule set's content hash."""

    __tablename__ = "matchresult"
    __table_args__ = (
        sa.UniqueConstraint("enterprise_id", "policy_id", name="uq_matchresult_enterprise_policy"),
    )

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    policy_id: str = Field(max_length=64, index=True)
    outcome: str = Field(max_length=16, index=True)
    rank: int = 0
    as_of: date
    rules_hash: str = Field(max_length=64)
    computed_at: datetime = Field(default_factory=utcnow)
    # when the facts (aggregate, settlements) it came from were read: a verdict only replaces an older one
    read_at: datetime | None = None
    gaps: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    to_collect: str | None = Field(default=None, max_length=2000)  # "请补充" items joined by "、"
    pending: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # the policy's estimated benefit, CNY (per year or once, as its file says); NULL: unbounded or unknown
    value_low: Decimal | None = money()
    value_high: Decimal | None = money()
    # fingerprint of the verdict's content (crm.rules.digest): a re-match rewrites the row only when it differs
    digest: int | None = Field(default=None, sa_type=sa.BigInteger)


class ManualSettlement(SQLModel, table=True):
    """An officer's decision on a manual-review condition: who, when, why. The newest one counts."""

    __tablename__ = "manualsettlement"

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    policy_id: str = Field(max_length=64)
    condition_id: str = Field(max_length=64)
    met: bool | None = None  # None = withdrawn (back to unknown)
    officer: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow, index=True)
    note: str = Field(default="", max_length=2000)


class MatchDiff(SQLModel, table=True):
    """One change found by a re-match: newly eligible, no longer eligible, or a pack now out of date."""

    __tablename__ = "matchdiff"

    id: int | None = Field(default=None, primary_key=True)
    run_id: str = Field(max_length=40, index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    policy_id: str | None = Field(default=None, max_length=64)
    kind: str = Field(max_length=24, index=True)  # newly_eligible | no_longer_eligible | pack_out_of_date
    old_outcome: str | None = Field(default=None, max_length=16)
    new_outcome: str | None = Field(default=None, max_length=16)
    rules_hash: str = Field(max_length=64)


# untold / to-collect: one (policy, outcome) range in enterprise order; the dashboard's match counts
MATCHRESULT_POLICY_OUTCOME = sa.Index(
    "ix_matchresult_policy_outcome_enterprise",
    col(MatchResult.policy_id),
    col(MatchResult.outcome),
    col(MatchResult.enterprise_id),
)
# re-match: every enterprise's summed fingerprints from the index alone
MATCHRESULT_ENTERPRISE_DIGEST = sa.Index(
    "ix_matchresult_enterprise_digest", col(MatchResult.enterprise_id), col(MatchResult.digest)
)
