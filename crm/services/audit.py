"""The audit trail browser of the settings page: by user, record and date; exportable to .xlsx (admin)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from crm.auth import require
from crm.db import session_scope
from crm.models import AuditEntry
from crm.services.history_view import Readable
from crm.store import audit as audit_store
from crm.store import enterprises as enterprise_store

ACTIONS: dict[str, str] = {
    "create": "新建",
    "update": "修改",
    "delete": "删除",
    "restore": "恢复",
    "merge": "合并",
    "login": "登录",
    "login_failed": "登录失败",
    "unlock": "解锁",
}
HEADERS = ("时间", "操作人", "操作", "对象", "企业", "字段", "原值", "新值")


@dataclass(frozen=True)
class AuditQuery:
    actor: str | None = None
    entity: str | None = None
    record_id: int | None = None  # of ``entity``, or with no entity: an enterprise and its child records
    since: date | None = None
    until: date | None = None  # inclusive
    page: int = 1
    page_size: int = 50


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: str  # local time, 2026-03-05 14:02:11
    actor: str
    action: str  # Chinese
    entity: str
    entity_id: int
    enterprise_id: int | None
    field: str | None
    old: str | None  # as people read it: 万元, dates, labels, names
    new: str | None
    record: str = ""  # the record in words ("申报 高新技术企业认定 2026")
    enterprise: str = ""  # the enterprise's name
    field_label: str = ""

    def cells(self) -> list[Any]:
        """The row as shown and exported: labels and names, no codes or ids."""
        return [
            self.at,
            self.actor,
            self.action,
            self.record,
            self.enterprise,
            self.field_label,
            self.old,
            self.new,
        ]


def audit_entries(query: AuditQuery) -> tuple[list[AuditRow], int]:
    """One page of matching audit rows, newest first, and the total count (admin)."""
    require("admin")
    with session_scope() as session:
        rows, total = audit_store.entries(
            session=session,
            actor=query.actor,
            entity=query.entity,
            record_id=query.record_id,
            since=_utc(query.since) if query.since else None,
            before=_utc(query.until + timedelta(days=1)) if query.until else None,
            offset=(max(query.page, 1) - 1) * query.page_size,
            limit=query.page_size,
        )
        readable = Readable(session, "zh", rows)
        names = {
            eid: enterprise_store.name_of(session=session, enterprise_id=eid) or ""
            for eid in {e.enterprise_id for e in rows if e.enterprise_id}
        }
        return [_row(e, readable, names) for e in rows], total


def audit_actors() -> list[str]:
    """Everyone who appears in the audit trail (for the user filter; admin)."""
    require("admin")
    with session_scope() as session:
        return audit_store.actors(session=session)


def export_audit_xlsx(query: AuditQuery, *, limit: int = 100_000) -> bytes:
    """The matching audit rows (all pages, up to ``limit``) as .xlsx with Chinese headers (admin)."""
    from crm.intake.export import write_xlsx

    require("admin")
    rows, _ = audit_entries(replace(query, page=1, page_size=limit))
    return write_xlsx(HEADERS, (r.cells() for r in rows), sheet="审计记录", title="惠企 · 审计记录")


def _utc(day: date) -> datetime:
    """Local midnight of ``day`` in UTC (the officer means their own calendar day)."""
    return datetime.combine(day, time.min).astimezone().astimezone(UTC)


def _row(e: AuditEntry, readable: Readable, names: dict[int, str]) -> AuditRow:
    at = e.at if e.at.tzinfo else e.at.replace(tzinfo=UTC)
    settled = e.entity == "manualsettlement" and e.field
    return AuditRow(
        e.id or 0,
        at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
        e.actor,
        ACTIONS.get(e.action, e.action),
        e.entity,
        e.entity_id,
        e.enterprise_id,
        e.field,
        readable.value(e, e.old),
        e.new if settled else readable.value(e, e.new),
        readable.record(e),
        names.get(e.enterprise_id or 0, ""),
        (readable.condition(e.field or "") if settled else readable.label(e.entity, e.field))
        if e.field
        else "",
    )
