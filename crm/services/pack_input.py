"""Rule-engine verdicts and store aggregates (``crm.rules.evaluate.Verdict``) -> the plain verdict mappings packs read."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from crm.domain import SPORTS_DIVISIONS, label
from crm.facts import CATALOGUE, Interval, state_text
from crm.rules.evaluate import Trace, Verdict
from crm.rules.explain import CODE_VOCABULARIES, fmt, relation_text, value_text
from crm.rules.model import UNKNOWN, Compare, Group, Param, Relation
from crm.rules.rank import next_window
from crm.services import pack_asks


def verdict_input(verdict: Verdict, aggregate: Any = None) -> dict[str, Any]:
    """One verdict as the mapping ``crm.packs.context.build_context`` reads."""
    policy, meta = verdict.policy, verdict.policy.meta
    routes = _routes(verdict.trace)
    leaves = [t for t in _leaves(verdict.trace) if t.relevant]
    return {
        "policy_id": policy.id,
        "title": policy.title,
        "level": policy.level,
        "authority": policy.authority,
        "outcome": verdict.outcome,
        "rank": verdict.rank,
        "value_text": value_text(verdict.value),
        "value_basis": verdict.value.basis if verdict.value is not None else "",
        "value_low": verdict.value.low if verdict.value is not None else None,
        "value_high": verdict.value.high if verdict.value is not None else None,
        "value_per": verdict.value.per if verdict.value is not None else None,
        "group": meta.get("group") or "",
        "apply": dict(meta.get("apply") or {}),
        "confidence": policy.confidence,
        "summary": meta.get("notes") or "",
        "benefits": list(meta.get("benefits") or []),
        "materials": list(meta.get("materials") or []),
        "basis": [{k: b.get(k) for k in ("doc", "number", "clause")} for b in meta.get("basis") or []],
        "window": next_window(meta.get("windows") or [], verdict.on),
        "conditions": [_condition(t, meta.get("params") or {}) | routes.get(id(t), {}) for t in leaves],
        "to_collect": pack_asks.to_collect(verdict, leaves, aggregate),
        "to_check": pack_asks.to_check(verdict, aggregate),
    }


def data_used(aggregate: Any, on: date) -> list[dict[str, Any]]:
    """The enterprise data a pack shows for checking (请核对): identity and the last three fiscal years."""
    e = aggregate.enterprise
    rows: list[dict[str, Any]] = [
        {"label": "成立日期", "value": e.registration_date, "unit": None, "source": "企业档案"},
        {"label": "所属街道", "value": e.street, "unit": None, "source": "企业档案"},
        {
            "label": "体育产业类别",
            "value": label(SPORTS_DIVISIONS, e.sports_division) or None,
            "unit": None,
            "source": "企业档案",
        },
    ]
    years = {fy.year: fy for fy in aggregate.fiscal_years}
    for year in range(on.year - 1, on.year - 4, -1):
        fy = years.get(year)
        for field, text, unit in _FY_ROWS:
            value = getattr(fy, field) if fy is not None else None
            rows.append(
                {"label": f"{text}（{year}年）", "value": value, "unit": unit, "source": "企业年度数据"}
            )
    valid_ip = [ip for ip in aggregate.ip_assets if ip.status == "valid"]
    rows.append({"label": "有效知识产权", "value": len(valid_ip), "unit": "count", "source": "知识产权清单"})
    return rows


_FY_ROWS = (
    ("staff_total", "职工总数", "people"),
    ("tech_staff", "科技人员", "people"),
    ("sales_revenue", "销售收入", "CNY"),
    ("rd_expense", "研发费用", "CNY"),
    ("tax_paid", "纳税总额", "CNY"),
)


def _condition(t: Trace, params: Mapping[str, Any]) -> dict[str, Any]:
    node = t.node
    status = "manual" if t.review and t.status == UNKNOWN else t.status_name
    unit = _unit(node)
    condition = {
        "id": node.id,
        "fact": getattr(node, "fact", None) or "",
        "label": node.label,
        "status": status,
        "value": _value(t.value),
        "threshold": _value(t.threshold),
        "gap": _value(t.shortfall),
        "unit": unit,
        "clause": node.clause or "",
        "op": getattr(node, "op", None) or ("ge" if type(node).__name__ == "Score" else ""),
        "note": "（接近达标）" if t.near and t.status != UNKNOWN else "",
        "provisional": _provisional(node, params),
    }
    condition.update(_in_words(t))
    if unit == "points" and isinstance(condition["value"], str) and "–" in condition["value"]:
        condition["value"] += " 分"
    if t.settled is not None:
        condition.update(_settled(t.settled, condition["value"]))
    return condition


def _in_words(t: Trace) -> dict[str, Any]:
    """Values that are not numbers, as words: a yes/no fact's phrase, a relation's outcome label, a code's
    label, a partly known figure's range. Never a bare 是/否, a code or an outcome key."""
    node = t.node
    if isinstance(node, Relation):
        shown, wanted = relation_text(node.kind, t.value).split("，要求 ")
        return {"value": shown, "threshold": wanted, "unit": None, "op": ""}
    if not isinstance(node, Compare):
        return {}
    if CATALOGUE[node.fact].type == "bool":
        required = node.threshold.value if node.op == "is" else None
        return {
            "value": state_text(node.fact, t.value) or None,
            "threshold": state_text(node.fact, required) if required is not None else None,
            "unit": None,
            "op": "",
        }
    vocabulary = CODE_VOCABULARIES.get(node.fact)
    if vocabulary is not None:
        options = t.threshold if isinstance(t.threshold, tuple) else (t.threshold,)
        excluding = node.op in ("ne", "not_in")  # the label says what it must not be: no second negation
        return {
            "value": label(vocabulary, t.value) or None,
            "threshold": None if excluding else "、".join(label(vocabulary, o) for o in options),
            "unit": None,
            "op": "",
        }
    if isinstance(t.value, Interval):  # printed as words; the gap keeps its unit
        unit = CATALOGUE[node.fact].unit
        return {"value": fmt(t.value, unit) + {"count": " 项", "people": " 人"}.get(unit, "")}
    return {}


def _provisional(node: Any, params: Mapping[str, Any]) -> str:
    """A threshold that is only a placeholder says so, with its source and date: never shown as official."""
    threshold = getattr(node, "threshold", None)
    spec = params.get(getattr(threshold, "name", None) or "") if isinstance(threshold, Param) else None
    if not spec or spec.get("confidence") == "high":
        return ""
    return f"{spec.get('label')}为参考值（{spec.get('source')}，{spec.get('as_of')}），以当年申报通知为准"


def _settled(settlement: Any, value: Any) -> dict[str, Any]:
    """A manual condition an officer settled: the pack says so, with who, when and the note."""
    when = f" {settlement.at:%Y-%m-%d}" if settlement.at else ""
    note = f"：{settlement.note}" if settlement.note else ""
    shown: dict[str, Any] = {"note": f"（经{settlement.by or '专员'}{when}核定{note}）"}
    if value is None:
        shown |= {"value": "专员已核定", "unit": None}
    return shown


def _unit(node: Any) -> str | None:
    fact = getattr(node, "fact", None)
    if fact in CATALOGUE:
        return CATALOGUE[fact].unit or None
    return "points" if type(node).__name__ == "Score" else (getattr(node, "unit", None) or None)


def _value(value: Any) -> Any:
    """Engine values (floats, tuples for ranges) -> plain values the filters format."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and all(isinstance(v, (int, float)) for v in value)
    ):
        return f"{value[0]:g}–{value[1]:g}"  # a range (an indicative score: low–high)
    if isinstance(value, tuple):
        return "–".join(str(_value(v)) for v in value)
    if isinstance(value, (list, set, frozenset)):
        return "、".join(str(v) for v in value)
    return value


def _routes(trace: Trace, route: dict[str, Any] | None = None) -> dict[int, dict[str, Any]]:
    """Leaves under an ``any``/``n_of`` group -> that (outermost) group: alternatives, not each a must-fix.

    An unmet alternative is not a gap while another route is still open; when every route has failed,
    the pack asks for one of them (``crm.packs.context``).
    """
    found: dict[int, dict[str, Any]] = {}
    if isinstance(trace.node, Group):
        if route is None and trace.node.op in ("any", "n_of"):
            route = {
                "route": trace.node.id,
                "route_label": trace.node.label,
                "route_n": trace.node.n if trace.node.op == "n_of" else 1,
                "route_status": trace.status_name,
            }
        for child in trace.children:
            found |= _routes(child, route)
    elif route is not None:
        found[id(trace)] = route
    return found


def _leaves(trace: Trace) -> list[Trace]:
    if isinstance(trace.node, Group):
        return [leaf for child in trace.children for leaf in _leaves(child)]
    return [trace]


# --- one enterprise's pack input ----------------------------------------------------------------


def evaluate(enterprise_id: int, on: date) -> Any:
    """The matching service's verdicts (with the officers' settlements of manual conditions), not stored.

    Returns a ``crm.services.matching.MatchReport``: ranked ``verdicts``, ``rules_hash``, ``aggregate``.
    """
    from crm.services import matching

    return matching.match(enterprise_id, on=on, store=False)


def settlements(enterprise_id: int) -> dict[str, dict[str, Any]]:
    """The standing manual-condition settlements of one enterprise (part of what a pack shows)."""
    from crm.db import session_scope
    from crm.services import matching

    with session_scope() as session:
        return matching.settlements(session, enterprise_id)


def enterprise_block(aggregate: Any) -> dict[str, Any]:
    """The identity block a pack prints (cover and running header)."""
    e = aggregate.enterprise
    primary = next((c for c in aggregate.contacts if c.is_primary), None)
    return {
        "id": e.id,
        "name": e.name,
        "uscc": e.uscc or "",
        "street": e.street or "",
        "address": e.address or "",
        "registration_date": e.registration_date,
        "legal_form": e.legal_form or "",
        "sports_division": f"{e.sports_division} {label(SPORTS_DIVISIONS, e.sports_division)}"
        if e.sports_division
        else "",
        "contact": primary.name if primary else "",
        "contact_phone": (primary.phone or "") if primary else "",
    }


_VOLATILE = {"version", "created_at", "updated_at"}


def fingerprint(aggregate: Any, settled: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """sha256 of the enterprise records and settlements a pack reads (not versions or timestamps)."""
    records = [
        aggregate.enterprise,
        *aggregate.fiscal_years,
        *aggregate.ip_assets,
        *aggregate.credentials,
        *aggregate.compliance_events,
        *aggregate.contacts,
    ]
    rows = sorted(
        json.dumps(
            [type(r).__name__, {k: v for k, v in r.model_dump().items() if k not in _VOLATILE}],
            sort_keys=True,
            default=str,
            ensure_ascii=False,
        )
        for r in records
    )
    rows += sorted(
        json.dumps(["Settlement", policy, cid, s.met, s.by, s.note], ensure_ascii=False)
        for policy, by_condition in (settled or {}).items()
        for cid, s in by_condition.items()
    )
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()
