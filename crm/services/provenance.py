"""Where each stored value of an enterprise came from: the newest audit entry of the field is its provenance.

Sources (``crm.store.provenance`` records them on every audit row): an officer's entry (none recorded), an
import (``import:<file>``), an enterprise's return (``return:<request id>``), a merge, the demo set, and an
officer's check (``verified``). ``provenance_of`` lists them in words; ``mark_verified`` records a check.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from crm import store
from crm.auth import current_principal, require
from crm.db import session_scope
from crm.errors import HuiqiError
from crm.models import DataRequest, Enterprise, FiscalYear
from crm.records.fields import ENTERPRISE_FIELDS, FISCAL_YEAR_FIELDS
from crm.services.data_request import in_unit
from crm.store import requests as request_store

SHOWN_ENTERPRISE = tuple(
    f
    for f in ENTERPRISE_FIELDS
    if f.kind not in ("tags", "names", "longtext") and f.name != "uscc_override_reason"
)
SHOWN_FISCAL = tuple(f for f in FISCAL_YEAR_FIELDS if f.name != "year")


def source_text(source: str | None, requests: dict[int, DataRequest] | None = None) -> str:
    """A provenance in words: 专员录入, 导入（file）, 企业自报（补充表 date）, 合并, 演示数据, 已核实."""
    if not source:
        return "专员录入"
    kind, _, rest = source.partition(":")
    if kind == "import":
        return f"导入（{rest}）"
    if kind == "return":
        request = (requests or {}).get(int(rest)) if rest.isdigit() else None
        return f"企业自报（补充表 {request.created_at:%Y-%m-%d} 发出）" if request else "企业自报（补充表）"
    return {"merge": "合并重复企业", "demo": "演示数据", "verified": "已核实"}.get(kind, "其他")


def provenance_of(enterprise_id: int) -> list[dict[str, Any]]:
    """Every held value of the enterprise and its fiscal years with where it came from, who, when; form order."""
    with session_scope() as session:
        agg = store.load_aggregate(session=session, enterprise_id=enterprise_id)
        latest = request_store.field_provenance(session=session, enterprise_id=enterprise_id)
        requests = {
            r.id or 0: r for r, _ in request_store.list_requests(session=session, enterprise_id=enterprise_id)
        }
    rows = []
    for f in SHOWN_ENTERPRISE:
        rows += _row(f, None, getattr(agg.enterprise, f.name, None), latest.get(f.name), requests)
    for fy in sorted(agg.fiscal_years, key=lambda y: -y.year):
        for f in SHOWN_FISCAL:
            rows += _row(f, fy.year, getattr(fy, f.name, None), latest.get(f"{f.name}@{fy.year}"), requests)
    return rows


def mark_verified(enterprise_id: int, key: str) -> None:
    """Record that the acting officer checked the held value of ``key`` (``rd_expense@2025`` or a field)."""
    require("write")
    name, _, year = key.partition("@")
    with session_scope() as session:
        if year:
            rows = store.children(session=session, model=FiscalYear, enterprise_id=enterprise_id)
            record: Any = next((r for r in rows if str(r.year) == year), None)
            entity = "fiscalyear"
        else:
            record = store.get_record(session=session, model=Enterprise, record_id=enterprise_id)
            entity = "enterprise"
        value = getattr(record, name, None) if record is not None else None
        if value is None:
            raise HuiqiError("该项目没有数值，无法标记为已核实")
        request_store.mark_verified(
            session=session,
            enterprise_id=enterprise_id,
            entity=entity,
            entity_id=record.id or 0,
            field=name,
            value=value,
            actor=current_principal().username,
        )


def _row(
    spec: Any, year: int | None, value: Any, latest: tuple[str | None, str, datetime] | None, requests: dict
) -> list[dict[str, Any]]:
    if value is None or value == "":
        return []
    source, actor, at = latest or (None, "", None)
    label = f"{year} 年{spec.zh}" if year else spec.zh
    return [
        {
            "key": f"{spec.name}@{year}" if year else spec.name,
            "label": label,
            "value": _shown(spec, value),
            "source": source_text(source, requests),
            "reported": bool(source and source.startswith("return:")),
            "verified": source == "verified",
            "actor": actor,
            "at": at,
        }
    ]


def _shown(spec: Any, value: Any) -> str:
    if spec.kind == "money":
        return f"{in_unit(spec.name, value):,.2f} 万元"
    if spec.kind == "bool":
        return "是" if value else "否"
    if spec.kind == "choice" and spec.choices and value in spec.choices:
        return str(spec.choices[value][0])
    return str(value)
