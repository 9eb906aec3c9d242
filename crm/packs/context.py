"""``build_context``: enterprise + officer + verdicts -> the plain data a pack template receives.

A pack reads as a decision first: page 1 names the three things to do now (``actions``) and summarises every
policy considered (``summary``); full sections follow only for the policies worth acting on (``sections``,
related policies grouped); policies that need data share one table (``needs_data``); the last page asks for
the facts that would settle the open verdicts (``data_request``). Input and output are plain mappings, lists
and values (str, int, float, bool, None, Decimal, date): never ORM objects, so templates cannot reach the
database. The verdict mapping expected here::

    {"policy_id": "hnte", "title": "高新技术企业认定", "level": "national", "authority": "科技部 ...",
     "outcome": "near_miss", "rank": 2, "summary": "...", "confidence": "high",
     "value_text": "12.00 万元/年",  # the estimated benefit in words (optional; 未估算 when missing)
     "value_low": 120000.0, "value_high": 120000.0, "value_per": "year",  # CNY (optional)
     "group": "体育产业示范单位和示范项目",  # optional: policies sharing it share one section
     "apply": {"office": "...", "address": "...", "phone": "...", "payment_time": "...", "url": "https://..."},
     "benefits": ["企业所得税减按15%征收"], "materials": ["营业执照", ...],
     "basis": [{"doc": "高新技术企业认定管理办法", "number": "国科发火〔2016〕32号", "clause": "第十一条"}],
     "window": {"opens": date, "closes": date, "note": "..."} or None,
     "conditions": [{"id": "rd_ratio", "label": "...", "status": "met|not_met|unknown|manual",
                     "value": 0.041, "threshold": 0.05, "gap": 0.009, "unit": "ratio",
                     "clause": "第十一条（四）", "note": None, "op": "ge|gt|le|lt|between|eq|is|...",
                     # only for an alternative inside an any/n_of group (optional):
                     "route": "route", "route_label": "直通条件或评分达标", "route_n": 1,
                     "route_status": "met|not_met|unknown"}],
     # facts still unknown, one item per record field and year (field, year, unit optional) ...
     "to_collect": [{"fact": "tech_staff", "label": "2025 年科技人员数", "why": "...",
                     "field": "tech_staff", "year": 2025, "unit": "people"}],
     # ... and the values held for the same facts, printed beside them for checking (optional)
     "to_check": [{"field": "staff_total", "year": 2025, "label": "2025 年职工总数", "unit": "people",
                   "value": 86}]}
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from crm.domain import ACTIONABLE_OUTCOMES, COLLECT_OUTCOMES, CREDENTIAL_LEVELS, outcome_label
from crm.packs.qr import qr_name
from crm.packs.sections import condition, failed_routes, group_sections, next_step, reason_against

# The office's address and phone are not in the settings yet: printed only when given.
OFFICE = {"name": "上海市杨浦区投资促进办公室", "address": "", "phone": ""}
TOP_ACTIONS = 3

_PLAIN = (str, int, float, bool, Decimal, date, type(None))


def build_context(
    *,
    enterprise: Mapping[str, Any],
    officer: Mapping[str, Any],
    verdicts: Sequence[Mapping[str, Any]],
    on: date,
    data_used: Sequence[Mapping[str, Any]] = (),
    data_request_rows: Sequence[Mapping[str, Any]] | None = None,
    rules_hash: str = "",
    data_hash: str = "",
    generator: str = "",
    office: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The template context of one pack; plain data only (raises TypeError on anything else).

    ``data_request_rows`` are the last page's rows when the caller has them (the data-request service's list,
    shared with the request workbook: label, year, unit, unit_text, value, missing, policies); without them
    the page is built from the verdicts' ``to_collect`` and ``to_check``.
    """
    policies = sorted((_policy(v, on) for v in verdicts), key=_rank)
    actionable = [p for p in policies if p["outcome"] in ACTIONABLE_OUTCOMES]
    for number, policy in enumerate(policies, start=1):
        policy["number"] = number
        policy["priority"] = 0
    for priority, policy in enumerate(actionable[:TOP_ACTIONS], start=1):
        policy["priority"] = priority
    context = {
        "document_id": _document_id(enterprise, on, rules_hash, verdicts),
        "generated_on": on,
        "office": dict(office or OFFICE),
        "enterprise": dict(enterprise),
        "officer": {k: officer.get(k) or "" for k in ("name", "office", "phone", "email")},
        "actions": actionable[:TOP_ACTIONS],
        "summary": policies,
        "counts": {o: sum(p["outcome"] == o for p in policies) for o in (*ACTIONABLE_OUTCOMES, "needs_data")},
        "sections": group_sections(actionable),
        "needs_data": [p for p in policies if p["outcome"] == "needs_data"],
        "held": [p for p in policies if p["outcome"] == "held"],
        "data_request": [_request_row(r) for r in data_request_rows]
        if data_request_rows is not None
        else data_request([p for p in policies if p["outcome"] in COLLECT_OUTCOMES]),
        "data_used": [dict(row) for row in data_used],
        "next_deadline": _next_deadline(actionable),
        "provenance": _provenance(rules_hash, data_hash, generator),
        "toc": False,  # set by the renderer when the pack runs to 8 pages or more
    }
    return _plain(context)


def _rank(policy: Mapping[str, Any]) -> tuple:
    return (policy["rank"] is None, policy["rank"] or 0, policy["policy_id"])


def _policy(verdict: Mapping[str, Any], on: date) -> dict[str, Any]:
    outcome = verdict["outcome"]
    conditions = [condition(c) for c in verdict.get("conditions", [])]
    window = verdict.get("window")
    policy = {
        "policy_id": verdict["policy_id"],
        "title": verdict["title"],
        "level": verdict.get("level"),
        "level_label": CREDENTIAL_LEVELS.get(verdict.get("level") or "", ("", ""))[0],
        "authority": verdict.get("authority") or "",
        "summary": verdict.get("summary") or "",
        "confidence": verdict.get("confidence") or "",
        "outcome": outcome,
        "outcome_label": outcome_label(outcome),
        "outcome_class": outcome,
        "rank": verdict.get("rank"),
        "value_text": verdict.get("value_text") or "未估算",
        "value_basis": verdict.get("value_basis") or "",
        "value_low": verdict.get("value_low"),
        "value_high": verdict.get("value_high"),
        "group": verdict.get("group") or "",
        "apply": _apply(verdict.get("apply") or {}),
        "benefits": list(verdict.get("benefits", [])),
        "materials": list(verdict.get("materials", [])),
        "basis": [{k: b.get(k) or "" for k in ("doc", "number", "clause")} for b in verdict.get("basis", [])],
        "window": _window(window, on) if window else None,
        "conditions": conditions,
        "short": [c for c in conditions if c["status"] == "not_met" and not c["route"]],
        "routes": list(
            {
                c["route"]: {"label": c["route_label"], "n": c["route_n"]} for c in conditions if c["route"]
            }.values()
        ),
        "routes_short": failed_routes(conditions),
        "unknown": [c for c in conditions if c["status"] in ("unknown", "manual")],
        "to_collect": [_item(t) for t in verdict.get("to_collect", [])],
        "to_check": [_item(t) for t in verdict.get("to_check", [])],
    }
    policy["next_step"] = next_step(policy)
    policy["reason"] = reason_against(policy) if outcome == "ineligible" else ""
    return policy


def _item(item: Mapping[str, Any]) -> dict[str, Any]:
    """A fact to collect or check: label, record field, year and unit (None when not known), value held."""
    keys = ("fact", "field", "year", "unit", "value")
    return {"label": item["label"], "why": item.get("why") or ""} | {k: item.get(k) for k in keys}


def _apply(where: Mapping[str, Any]) -> dict[str, Any]:
    """Where to apply: office, address, phone, time to payment, URL (each '' when the policy file is silent)."""
    url = str(where.get("url") or "")
    return {
        "office": where.get("office") or "",
        "address": where.get("address") or "",
        "phone": where.get("phone") or "",
        "payment_time": where.get("payment_time") or "",
        "url": url,
        "qr": qr_name(url) if url.startswith(("https://", "http://")) else "",  # drawn by the fetcher
    }


def _window(window: Mapping[str, Any], on: date) -> dict[str, Any]:
    closes = window.get("closes")
    days_left = (closes - on).days if isinstance(closes, date) else None
    return {
        "opens": window.get("opens"),
        "closes": closes,
        "note": window.get("note") or "",
        "days_left": days_left,
        "closed": days_left is not None and days_left < 0,
    }


def _next_deadline(policies: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    open_windows = [
        (p["window"]["closes"], p["title"])
        for p in policies
        if p["window"] and p["window"]["closes"] and not p["window"]["closed"]
    ]
    if not open_windows:
        return None
    closes, title = min(open_windows)
    return {"closes": closes, "title": title}


def data_request(policies: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The facts that would settle the open verdicts: one row per record field and year (or per fact when
    no field is known), the missing ones first, then the values held for checking, each naming its policies."""
    rows: dict[tuple[str, Any], dict[str, Any]] = {}
    for policy in policies:
        for item, missing in [
            *((t, True) for t in policy["to_collect"]),
            *((t, False) for t in policy["to_check"]),
        ]:
            key = (item.get("field") or item.get("fact") or item["label"], item.get("year"))
            row = rows.setdefault(
                key,
                {
                    "label": item["label"],
                    "year": item.get("year"),
                    "unit": item.get("unit"),
                    "unit_text": "",
                    "value": None if missing else item.get("value"),
                    "missing": missing,
                    "policies": [],
                },
            )
            if policy["title"] not in row["policies"]:
                row["policies"].append(policy["title"])
    return sorted(rows.values(), key=lambda r: not r["missing"])


def _provenance(rules_hash: str, data_hash: str, generator: str) -> dict[str, str]:
    """Which rules, data and program made the pack: PDF metadata and the last page's footer, never the body."""
    parts = [
        f"规则版本 {rules_hash[:12]}" if rules_hash else "",
        f"数据版本 {data_hash[:12]}" if data_hash else "",
    ]
    line = " · ".join(p for p in [*parts, generator] if p)
    return {"rules": rules_hash[:12], "data": data_hash[:12], "generator": generator, "line": line}


def _request_row(row: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("label", "year", "unit", "unit_text", "value", "missing", "policies")
    return {k: row.get(k) for k in keys} | {
        "unit_text": row.get("unit_text") or "",
        "policies": list(row.get("policies") or []),
    }


def _document_id(enterprise: Mapping[str, Any], on: date, rules_hash: str, verdicts: Any) -> str:
    seed = f"{enterprise.get('id')}|{on.isoformat()}|{rules_hash}|{len(verdicts)}"
    return hashlib.sha256(seed.encode()).hexdigest()[:32]


def _plain(value: Any) -> Any:
    """Copy of ``value`` made of dicts, lists and plain values; TypeError for anything else."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, _PLAIN):
        return value
    raise TypeError(f"pack context holds only plain data, got {type(value).__name__}")
