"""Every live enterprise with its live child records, in one query per table (the re-match's input)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from sqlmodel import Session, col, select

from crm.models import ComplianceEvent, Credential, Enterprise, FiscalYear, IPAsset

CHILDREN: dict[str, Any] = {
    "fiscal_years": FiscalYear,
    "ip_assets": IPAsset,
    "credentials": Credential,
    "compliance_events": ComplianceEvent,
}


def load_aggregates(session: Session, ids: Sequence[int] | None = None) -> list[SimpleNamespace]:
    """Every live enterprise (or those of ``ids``) with its live child records: one query per table."""
    query = select(Enterprise).where(col(Enterprise.deleted_at).is_(None)).order_by(col(Enterprise.id))
    if ids is not None:
        query = query.where(col(Enterprise.id).in_(list(ids)))
    enterprises = session.exec(query).all()
    grouped: dict[str, dict[int, list[Any]]] = {}
    for name, model in CHILDREN.items():
        by_enterprise: dict[int, list[Any]] = defaultdict(list)
        rows = select(model).where(col(model.deleted_at).is_(None))
        if ids is not None:
            rows = rows.where(col(model.enterprise_id).in_(list(ids)))
        for row in session.exec(rows):
            by_enterprise[row.enterprise_id].append(row)
        grouped[name] = by_enterprise
    return [
        SimpleNamespace(enterprise=e, **{name: grouped[name].get(e.id or 0, []) for name in CHILDREN})
        for e in enterprises
    ]
