"""``build_context``: enterprise + officer + verdicts -> the plain data a pack template receives.

Input and output are plain mappings, lists and values (str, int, float, bool, None, Decimal, date):
never ORM objects, so templates cannot reach the database. The verdict mapping expected here::

    {"policy_id": "hnte", "title": "高新技术企业认定", "level": "national", "authority": "科技部 ...",
     "outcome": "near_miss", "rank": 2, "summary": "...", "confidence": "high",
     "value_text": "12.00 万元/年",  # the estimated benefit in words (optional; 未估算 when missing)
     "benefits": ["企业所得税减按15%征收"], "materials": ["营业执照", ...],
     "basis": [{"doc": "高新技术企业认定管理办法", "number": "国科发火〔2016〕32号", "clause": "第十一条"}],
     "window": {"opens": date, "closes": date, "note": "..."} or None,
     "conditions": [{"id": "rd_ratio", "label": "...", "status": "met|not_met|unknown|manual",
                     "value": 0.041, "threshold": 0.05, "gap": 0.009, "unit": "ratio",
                     "clause": "第十一条（四）", "note": None, "op": "ge|gt|le|lt|between|eq|is|...",
                     # only for an alternative inside an any/n_of group (optional):
                     "route": "route", "route_label": "直通条件或评分达标", "route_n": 1,
                     "route_status": "met|not_met|unknown"}],
     "to_collect": [{"fact": "tech_staff", "label": "科技人员数", "why": "..."}]}
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from crm.domain import ACTIONABLE_OUTCOMES, CREDENTIAL_LEVELS, OP_SYMBOLS, label, outcome_label

RELATIONS = ("ge", "gt", "le", "lt", "ne")  # comparisons printed before a threshold (≥ 60 分)
STATUSES: dict[str, str] = {"met": "达标", "not_met": "未达标", "unknown": "待核实", "manual": "需专家评审"}

# The office's address and phone are not in the settings yet: printed only when given.
OFFICE = {"name": "上海市杨浦区投资促进办公室", "address": "", "phone": ""}

_PLAIN = (str, int, float, bool, Decimal, date, type(None))


def build_context(
    *,
    enterprise: Mapping[str, Any],
    officer: Mapping[str, Any],
    verdicts: Sequence[Mapping[str, Any]],
    data_used: Sequence[Mapping[str, Any]],
    on: date,
    rules_hash: str = "",
    office: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The template context of one pack; plain data only (raises TypeError on anything else)."""
    policies = [_policy(v, on) for v in verdicts]
    recommended = sorted(
        (p for p in policies if p["outcome"] in ACTIONABLE_OUTCOMES),
        key=lambda p: (
            p["rank"] is None,
            p["rank"] or 0,
            ACTIONABLE_OUTCOMES.index(p["outcome"]),
            p["policy_id"],
        ),
    )
    # not recommended yet: too much is unknown to say (the enterprise's data decides; appendix 2 lists it)
    needs_data = [p for p in policies if p["outcome"] == "needs_data"]
    for number, policy in enumerate(recommended, start=1):
        policy["number"] = number
        policy["anchor"] = f"policy-{number}"
    context = {
        "document_id": _document_id(enterprise, on, rules_hash, verdicts),
        "generated_on": on,
        "rules_hash": rules_hash[:12],
        "office": dict(office or OFFICE),
        "enterprise": dict(enterprise),
        "officer": dict(officer),
        "recommended": recommended,
        "held": [p for p in policies if p["outcome"] == "held"],
        "needs_data": needs_data,
        "not_recommended": [p for p in policies if p["outcome"] == "ineligible"],
        "data_used": [dict(row) for row in data_used],
        "to_collect": _merged_to_collect([*recommended, *needs_data]),
        "next_deadline": _next_deadline(recommended),
    }
    return _plain(context)


def _policy(verdict: Mapping[str, Any], on: date) -> dict[str, Any]:
    outcome = verdict["outcome"]
    conditions = [_condition(c) for c in verdict.get("conditions", [])]
    window = verdict.get("window")
    return {
        "policy_id": verdict["policy_id"],
        "title": verdict["title"],
        "level": verdict.get("level"),
        "level_label": label(CREDENTIAL_LEVELS, verdict.get("level")),
        "authority": verdict.get("authority") or "",
        "summary": verdict.get("summary") or "",
        "confidence": verdict.get("confidence") or "",
        "outcome": outcome,
        "outcome_label": outcome_label(outcome),
        "outcome_class": outcome,
        "rank": verdict.get("rank"),
        "value_text": verdict.get("value_text") or "未估算",
        "value_basis": verdict.get("value_basis") or "",
        "benefits": list(verdict.get("benefits", [])),
        "materials": list(verdict.get("materials", [])),
        "basis": [dict(b) for b in verdict.get("basis", [])],
        "window": _window(window, on) if window else None,
        "conditions": conditions,
        "met": [c for c in conditions if c["status"] == "met"],
        "short": [c for c in conditions if c["status"] == "not_met" and not c["route"]],
        "routes": list(
            {
                c["route"]: {"label": c["route_label"], "n": c["route_n"]} for c in conditions if c["route"]
            }.values()
        ),
        "routes_short": _failed_routes(conditions),
        "unknown": [c for c in conditions if c["status"] in ("unknown", "manual")],
        "to_collect": [dict(t) for t in verdict.get("to_collect", [])],
    }


def _condition(condition: Mapping[str, Any]) -> dict[str, Any]:
    status = condition.get("status", "unknown")
    return {
        "id": condition.get("id", ""),
        "label": condition["label"],
        "status": status,
        "status_label": STATUSES.get(status, status),
        "value": condition.get("value"),
        "threshold": condition.get("threshold"),
        "gap": condition.get("gap"),
        "unit": condition.get("unit"),
        "op": condition.get("op") or "",
        "relation": OP_SYMBOLS[condition["op"]] if condition.get("op") in RELATIONS else "",
        "clause": condition.get("clause") or "",
        "note": condition.get("note") or "",
        "provisional": condition.get("provisional") or "",
        # Set when the condition is one alternative of an any/n_of group ("route"): that group's label,
        # how many of its alternatives are needed, and whether the group as a whole is met.
        "route": condition.get("route") or "",
        "route_label": condition.get("route_label") or "",
        "route_n": condition.get("route_n") or 1,
        "route_status": condition.get("route_status") or "",
    }


def _failed_routes(conditions: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Groups of alternatives that all failed: the enterprise needs one (or n) of them. Open groups are no gap."""
    routes: dict[str, dict[str, Any]] = {}
    for c in conditions:
        if c["route"] and c["route_status"] == "not_met" and c["status"] == "not_met":
            route = routes.setdefault(
                c["route"], {"label": c["route_label"], "n": c["route_n"], "options": []}
            )
            route["options"].append(c)
    return list(routes.values())


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


def _merged_to_collect(policies: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Facts still to collect, once each, with the policies that need them."""
    merged: dict[str, dict[str, Any]] = {}
    for policy in policies:
        for item in policy["to_collect"]:
            key = item.get("fact") or item["label"]
            entry = merged.setdefault(
                key, {"label": item["label"], "why": item.get("why") or "", "policies": []}
            )
            entry["policies"].append(policy["title"])
    return list(merged.values())


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
