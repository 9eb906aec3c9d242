"""Indexes the radar and the dashboard need on tables other features own (imported last by crm.models).

Declared here, next to the queries that need them, so those tables' modules stay as their owners wrote
them; migration 0600 creates them.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import col

from crm.models import Enterprise
from crm.models_rules import MatchResult

# untold / to-collect: one (policy, outcome) range in enterprise order; the dashboard's match counts
MATCHRESULT_POLICY_OUTCOME = sa.Index(
    "ix_matchresult_policy_outcome_enterprise",
    col(MatchResult.policy_id),
    col(MatchResult.outcome),
    col(MatchResult.enterprise_id),
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
