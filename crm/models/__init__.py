"""SQLModel tables, one module per aggregate; importing this package registers every table on the metadata.

base (shared columns and exact money) <- officer, enterprise (and its children), audit, merge, pipeline
(applications, windows, stages), matches (stored verdicts, settlements, diffs), packs, filters, requests (data requests to enterprises).
May import only sqlmodel/sqlalchemy and its own modules.
"""

from crm.models.audit import AuditEntry
from crm.models.base import Money, Versioned, money, utcnow
from crm.models.enterprise import (
    CHILD_MODELS,
    ComplianceEvent,
    Contact,
    Credential,
    Enterprise,
    EnterpriseBase,
    FiscalYear,
    Interaction,
    IPAsset,
    Task,
)
from crm.models.filters import SavedFilter
from crm.models.matches import ManualSettlement, MatchDiff, MatchResult
from crm.models.merge import MergeRecord
from crm.models.officer import LoginThrottle, Officer
from crm.models.packs import PackRecord
from crm.models.pipeline import Application, CycleWindow, PipelineStage
from crm.models.requests import REQUEST_STATUSES, DataRequest

__all__ = [
    "CHILD_MODELS",
    "Application",
    "AuditEntry",
    "ComplianceEvent",
    "Contact",
    "Credential",
    "CycleWindow",
    "DataRequest",
    "Enterprise",
    "EnterpriseBase",
    "FiscalYear",
    "IPAsset",
    "Interaction",
    "ManualSettlement",
    "MatchDiff",
    "MatchResult",
    "MergeRecord",
    "Money",
    "LoginThrottle",
    "Officer",
    "PackRecord",
    "PipelineStage",
    "REQUEST_STATUSES",
    "SavedFilter",
    "Task",
    "Versioned",
    "money",
    "utcnow",
]
