"""The demo data set: Yangpu sports enterprises for trying Huiqi out, the same every time for a seed.

Every record is cleaned by ``crm.records.validation`` like a form or an import would be, written in bulk
(one INSERT per table, not one per record, by ``crm.store.insert_many``) and audited as created by the
actor ``demo`` with the same audit rows ``crm.store`` writes for a single create. Every read and write
goes through crm.store. May import crm.models, crm.records, crm.db, crm.store and the leaf modules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import SQLModel

from crm import store
from crm.db import session_scope
from crm.demo.generate import AS_OF, DemoEnterprise, DemoSet, generate
from crm.models import (
    ComplianceEvent,
    Contact,
    Credential,
    Enterprise,
    FiscalYear,
    Interaction,
    IPAsset,
    Task,
)
from crm.records import validation
from crm.store import ENTITY_OF, Session, maintenance
from crm.store import enterprises as enterprise_store
from crm.store import officers as officer_store

__all__ = ["ACTOR", "AS_OF", "generate", "has_enterprises", "load_demo"]

ACTOR = "demo"

# (model, attribute of DemoEnterprise, key naming an officer -> the column that holds the officer's id)
CHILDREN: tuple[tuple[type[SQLModel], str, tuple[str, str] | None], ...] = (
    (FiscalYear, "fiscal_years", None),
    (IPAsset, "ip_assets", None),
    (Credential, "credentials", None),
    (ComplianceEvent, "compliance_events", None),
    (Contact, "contacts", None),
    (Interaction, "interactions", ("officer", "officer_id")),
    (Task, "tasks", ("assignee", "assignee_id")),
)


def load_demo(count: int = 320, seed: int = 20240601, replace: bool = False) -> str:
    """Load ``count`` demo enterprises (deterministic for ``seed``); return a one-line summary."""
    demo = generate(count, seed, AS_OF)
    with session_scope() as session:
        if replace:
            maintenance.clear_records(session=session)
        clashes = _existing_codes(session, demo)
        if clashes:
            return (
                f"数据库中已有 {clashes} 个相同的信用代码，演示数据未载入；可用 --replace 重新载入 / "
                f"{clashes} demo USCCs already present: nothing loaded (use --replace)"
            )
        officers = _officers(session, demo)
        with store.provenance("demo"):
            counts = write_enterprises(session, demo.enterprises, officers)
    with session_scope() as session:
        # planner statistics: without them SQLite walks the index on deleted_at (all NULL) for every list
        maintenance.analyze(session=session)
    return _summary(counts, len(officers), seed)


def has_enterprises() -> bool:
    """Whether the configured database holds any enterprise (live or deleted)."""
    with session_scope() as session:
        return enterprise_store.any_enterprise(session=session)


def write_enterprises(
    session: Session, enterprises: Sequence[DemoEnterprise], officers: dict[str, int]
) -> dict[str, int]:
    """Validate and insert the enterprises and their children in bulk, audited; counts per entity."""
    rows = [
        _clean("enterprise", e.data) | {"owner_officer_id": officers.get(e.owner or "")} for e in enterprises
    ]
    ids = _insert_audited(session, Enterprise, rows)
    counts = {"enterprise": len(ids)}
    for model, attr, officer_key in CHILDREN:
        entity = ENTITY_OF[model]  # type: ignore[index]
        rows = []
        for enterprise_id, e in zip(ids, enterprises, strict=True):
            for item in getattr(e, attr):
                row = _clean(entity, item) | {"enterprise_id": enterprise_id}
                if officer_key:
                    row[officer_key[1]] = officers.get(item.get(officer_key[0]) or "")
                rows.append(row)
        counts[entity] = len(_insert_audited(session, model, rows))
    return counts


def _clean(entity: str, data: dict[str, Any]) -> dict[str, Any]:
    try:
        return validation.clean(entity, data)
    except validation.ValidationFailed as exc:  # a bug in the generator, not bad user input
        raise RuntimeError(f"demo {entity} {data.get('name') or data}: {exc}") from exc


def _insert_audited(session: Session, model: type[SQLModel], rows: list[dict[str, Any]]) -> list[int]:
    """One INSERT for all rows, audited as created by ``demo`` the way ``store`` audits a create."""
    return store.insert_many(session=session, model=model, rows=rows, actor=ACTOR)


def _existing_codes(session: Session, demo: DemoSet) -> int:
    codes = [e.data["uscc"] for e in demo.enterprises if e.data.get("uscc")]
    return enterprise_store.count_usccs(session=session, codes=codes)


def _officers(session: Session, demo: DemoSet) -> dict[str, int]:
    """The demo officers' ids by username, created through the store when missing."""
    ids: dict[str, int] = {}
    for data in demo.officers:
        officer = officer_store.officer_by_username(session=session, username=data["username"])
        if officer is None:
            officer = store.create_officer(session=session, data=data, actor=ACTOR)
        assert officer.id is not None
        ids[officer.username] = officer.id
    return ids


def _summary(counts: dict[str, int], officers: int, seed: int) -> str:
    c = counts
    return (
        f"已载入演示数据：{c['enterprise']} 家企业、{c['fiscalyear']} 个财务年度、{c['ipasset']} 项知识产权、"
        f"{c['credential']} 项资质、{c['complianceevent']} 条合规事件、{c['contact']} 位联系人、"
        f"{c['interaction']} 条服务记录、{c['task']} 项待办，专员 {officers} 名（种子 {seed}） / "
        f"demo loaded: {c['enterprise']} enterprises, {c['fiscalyear']} fiscal years, {c['ipasset']} IP assets, "
        f"{c['credential']} credentials, {c['complianceevent']} compliance events, {c['contact']} contacts, "
        f"{c['interaction']} interactions, {c['task']} tasks, {officers} officers (seed {seed})"
    )
