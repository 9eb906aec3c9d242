"""Verdicts as plain data (the documented JSON document) and as Chinese text with ✓ ✗ ?."""

from __future__ import annotations

from datetime import date
from typing import Any

from crm.domain import (
    HNTE_DOMAINS,
    LEGAL_FORMS,
    OP_SYMBOLS,
    SME_INDUSTRIES,
    SPORTS_DIVISIONS,
    WENCHUANG_SECTORS,
    label,
    outcome_label,
)
from crm.facts import CATALOGUE, Interval, collect_items, state_text, to_collect
from crm.rules.evaluate import Gap, Trace, Verdict
from crm.rules.model import MET, NOT_MET, Compare, Group, Manual, Relation, Score
from crm.rules.value import Estimate

CODE_VOCABULARIES = {
    "hnte_domain": HNTE_DOMAINS,
    "wenchuang_sector": WENCHUANG_SECTORS,
    "sports_division": SPORTS_DIVISIONS,
    "legal_form": LEGAL_FORMS,
    "sme_industry": SME_INDUSTRIES,
}
MARKS = {MET: "✓", NOT_MET: "✗"}
FORMAT = "huiqi.match/2"
# the units a value, threshold or gap of the JSON document may carry (None: a yes/no, a code or a plain number)
JSON_UNITS = ("CNY", "ratio", "years", "count", "people", "points", "date", None)
EXCLUDING = ("ne", "not_in")  # code conditions whose label already says what the value must not be
GROUP_ZH = {"all": "全部满足", "any": "满足其一", "not": "不得满足", "n_of": "至少满足 {n} 项"}


def document(
    verdicts: list[Verdict], *, on: date, rules_hash: str, subject: dict[str, Any], aggregate: Any = None
) -> dict[str, Any]:
    """The JSON document of ``huiqi match --json`` (format in policy_rules/README.md)."""
    return {
        "format": FORMAT,
        "on": on.isoformat(),
        "rules_hash": rules_hash,
        "subject": subject,
        "policies": [verdict_dict(v, aggregate) for v in verdicts],
    }


def verdict_dict(v: Verdict, aggregate: Any = None) -> dict[str, Any]:
    """One verdict as plain data: outcome, rank, gaps, to-collect, and every condition by id."""
    return {
        "policy": v.policy.id,
        "title": v.policy.title,
        "level": v.policy.level,
        "confidence": v.policy.confidence,
        "outcome": v.outcome,
        "outcome_zh": outcome_label(v.outcome),
        "rank": v.rank,
        "held_until": _iso(v.held_until),
        "reapply_from": _iso(v.reapply_from),
        "value": value_dict(v.value),
        "value_zh": value_text(v.value),
        "gaps": [gap_dict(g) for g in v.gaps],
        "to_collect": [
            {"fact": i.fact, "field": i.field, "year": i.year, "label": i.label}
            for i in to_collect(v.to_collect, v.on, aggregate)
        ],
        "pending": v.pending,
        "conditions": {t.node.id: condition_dict(t) for t in _walk(v.trace)},
        "trace": trace_dict(v.trace),
    }


def value_dict(e: Estimate | None) -> dict[str, Any] | None:
    """The estimated benefit as plain data (None when the policy file declares no value)."""
    if e is None:
        return None
    low, high = (None if x is None else round(x, 2) for x in (e.low, e.high))
    return {"low": low, "high": high, "per": e.per, "basis": e.basis, "confidence": e.confidence}


def value_text(e: Estimate | None) -> str:
    """The estimated benefit in 万元 for people: '12.00 万元/年', '最高 300.00 万元（一次性）', '未估算'."""
    if e is None or not e.known:
        return "未估算"
    return value_range_text(e.low, e.high, e.per)


def value_range_text(low: float | None, high: float | None, per: str = "year") -> str:
    """A benefit range in 万元 (None: unbounded); '未估算' when nothing bounds it."""
    unit = "万元/年" if per == "year" else "万元（一次性）"

    def wan(x: float) -> str:
        return f"{x / 10000:,.2f}"

    if high is None:
        return f"至少 {wan(low)} {unit}" if low else "未估算"
    if low is None or low == 0 and high > 0:
        return f"最高 {wan(high)} {unit}"
    return f"{wan(low)} {unit}" if low == high else f"{wan(low)}–{wan(high)} {unit}"


def gap_dict(g: Gap) -> dict[str, Any]:
    return {
        "condition": g.condition,
        "label": g.label,
        "fact": g.fact,
        "value": _plain(g.value, g.unit),
        "threshold": _plain(g.threshold, g.unit),
        "shortfall": _plain(g.shortfall, g.unit),
        "unit": g.unit or None,
        "near": g.near,
    }


def condition_dict(t: Trace) -> dict[str, Any]:
    """One condition's result (no children)."""
    node = t.node
    out: dict[str, Any] = {
        "label": node.label,
        "status": t.status_name,
        "clause": node.clause,
        "kind": _kind(node),
        "relevant": t.relevant,
    }
    if not isinstance(node, Group):
        unit = _unit(node)
        out |= {
            "fact": getattr(node, "fact", None),
            "op": node.kind if isinstance(node, Relation) else getattr(node, "op", None),
            "value": _plain(t.value, unit),
            "threshold": _plain(t.threshold, unit),
            "gap": _plain(t.shortfall, unit),
            "near": t.near,
            "unit": unit or None,
            "missing": list(t.missing),
            "review": t.review,
        }
    if t.settled is not None:
        s = t.settled
        out["settled"] = {"met": s.met, "by": s.by, "at": s.at.isoformat() if s.at else None, "note": s.note}
    return out


def trace_dict(t: Trace) -> dict[str, Any]:
    """The trace tree, nested."""
    out = {"id": t.node.id} | condition_dict(t)
    if t.children:
        out["op"] = t.node.op  # type: ignore[attr-defined]
        out["children"] = [trace_dict(c) for c in t.children]
    return out


def render_text(verdicts: list[Verdict], aggregate: Any = None) -> str:
    """Chinese text for the terminal: one block per policy, the condition tree with ✓ ✗ ?."""
    blocks = []
    for v in verdicts:
        head = f"{v.rank}. {v.policy.title} —— {outcome_label(v.outcome)}"
        if v.value is not None:
            head += f"｜预计价值 {value_text(v.value)}"
        if v.held_until:
            head += f"（有效期至 {v.held_until}，建议 {v.reapply_from} 起准备重新申报）"
        lines = [head, *_tree_lines(v.trace, 1)]
        lines += [f"   请补充：{item}" for item in collect_items(v.to_collect, v.on, aggregate)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def condition_line(t: Trace) -> str:
    """One condition in Chinese: mark, label, value vs threshold, gap."""
    node = t.node
    mark = MARKS.get(t.status, "?")
    if isinstance(node, Group):
        return f"{mark} {node.label}（{GROUP_ZH[node.op].format(n=node.n)}）"
    text = f"{mark} {node.label}"
    if isinstance(node, Compare) and CATALOGUE[node.fact].type == "bool":
        text += f"：{state_text(node.fact, t.value) or '未知'}"
    elif isinstance(node, Relation):
        text += f"：{relation_text(node.kind, t.value)}"
    elif isinstance(node, Compare) and node.op in EXCLUDING and t.value is not None:
        text += f"：{_code_label(node, t.value)}"  # the label says what it must not be
    elif isinstance(node, (Compare, Score)) and t.value is not None:
        op = OP_SYMBOLS.get(getattr(node, "op", ""), "")
        value, threshold = _code_label(node, t.value), _code_label(node, t.threshold)
        text += f"：{fmt(value, _unit(node))}，要求 {op} {fmt(threshold, _unit(node))}"
    if t.shortfall is not None:
        text += f"，差 {fmt(t.shortfall, _unit(node))}" + ("（接近）" if t.near else "")
    if t.review and t.settled is None:
        text += "（待人工核定）"
    if t.settled is not None:
        who = " ".join(x for x in (t.settled.by, t.settled.note) if x)
        text += f"（已核定{'：' + who if who else ''}）"
    return text


def relation_text(kind: str, outcome: str | None) -> str:
    """A relation condition for people: the other policy's outcome label and what is required, no codes."""
    shown = outcome_label(outcome) if outcome else "未评估"
    wanted = "要求 符合或已持有" if kind == "requires" else "要求 未持有"
    return f"{shown}，{wanted}"


def fmt(value: Any, unit: str) -> str:
    """A value for people: money in 万元, ratios as percentages, dates ISO; a partly known one as a range."""
    if value is None:
        return "未知"
    if isinstance(value, Interval):
        return fmt(value.low, unit) + ("以上" if value.high == float("inf") else f"–{fmt(value.high, unit)}")
    if isinstance(value, (list, tuple)):
        return "–".join(fmt(v, unit) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        return value
    return {
        "CNY": lambda: f"{value / 10000:,.2f} 万元",
        "ratio": lambda: f"{value * 100:.2f}%",
        "years": lambda: f"{value:.1f} 年",
        "points": lambda: f"{value:g} 分",
    }.get(unit, lambda: f"{value:g}")()


def _code_label(node: Any, value: Any) -> Any:
    vocabulary = CODE_VOCABULARIES.get(getattr(node, "fact", ""))
    if vocabulary is None:
        return value
    if isinstance(value, tuple):
        return "、".join(label(vocabulary, v) for v in value)
    return label(vocabulary, value) if isinstance(value, str) else value


def _tree_lines(t: Trace, depth: int) -> list[str]:
    lines = ["   " * depth + condition_line(t)]
    for child in t.children:
        lines += _tree_lines(child, depth + 1)
    return lines


def _walk(t: Trace) -> list[Trace]:
    return [t] + [x for c in t.children for x in _walk(c)]


def _kind(node: Any) -> str:
    kinds = {Group: "group", Compare: "compare", Score: "score", Manual: "manual", Relation: "relation"}
    return kinds[type(node)]


def _unit(node: Any) -> str:
    if isinstance(node, Compare):
        return CATALOGUE[node.fact].unit if node.fact in CATALOGUE else node.unit
    return "points" if isinstance(node, Score) else ""


def _plain(value: Any, unit: str = "") -> Any:
    """A value for JSON: dates ISO, tuples as lists, money rounded to the fen (stored amounts are whole
    fen, so this drops only float noise such as 51904.48999999999)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [_plain(v, unit) for v in value]
    if isinstance(value, Interval):  # partly known: the bounds every completion lies in (high null: none)
        high = None if value.high == float("inf") else value.high
        return {"low": _plain(value.low, unit), "high": _plain(high, unit)}
    if unit == "CNY" and isinstance(value, float):
        return round(value, 2)
    return value


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def condition_text(cond: dict[str, Any]) -> str:
    """One condition of the JSON document in Chinese: value vs threshold and the gap (no mark, no label)."""
    unit, parts = cond.get("unit") or "", []
    fact = CATALOGUE.get(cond.get("fact") or "")
    if cond.get("kind") == "compare" and fact is not None and fact.type == "bool":
        parts.append(state_text(fact.name, cond.get("value")) or "未知")
    elif cond.get("kind") == "relation":
        parts.append(relation_text(cond.get("op") or "requires", cond.get("value")))
    elif cond.get("kind") in ("compare", "score") and cond.get("value") is not None:
        vocabulary = CODE_VOCABULARIES.get(cond.get("fact") or "")
        value, threshold = _interval(cond["value"]), cond.get("threshold")
        if vocabulary:
            value = label(vocabulary, value) if isinstance(value, str) else value
            threshold = (
                "、".join(label(vocabulary, v) for v in threshold)
                if isinstance(threshold, list)
                else threshold
            )
        if cond.get("op") in EXCLUDING:  # "已登记所属高新技术领域：电子信息", not "要求 不属于 不属于"
            parts.append(fmt(value, unit))
        else:
            parts.append(
                f"{fmt(value, unit)}，要求 {OP_SYMBOLS.get(cond.get('op') or '', '')} {fmt(threshold, unit)}"
            )
    if cond.get("gap") is not None:
        parts.append(f"差 {fmt(cond['gap'], unit)}" + ("（接近）" if cond.get("near") else ""))
    if cond.get("settled"):
        s = cond["settled"]
        parts.append(
            "已核定" + ("：" + " ".join(x for x in (s.get("by"), s.get("note")) if x) if s.get("by") else "")
        )
    elif cond.get("review") and cond.get("status") == "unknown":
        parts.append("待人工核定")
    return "，".join(parts)


def _interval(value: Any) -> Any:
    """A JSON value back to what ``fmt`` reads ({low, high} of a partly known value -> Interval)."""
    if isinstance(value, dict) and set(value) == {"low", "high"}:
        return Interval(value["low"], float("inf") if value["high"] is None else value["high"])
    return value


def criteria_outline(node: Any) -> dict[str, Any]:
    """A policy's condition tree as plain data with a Chinese description of each test (the 政策 page)."""
    out: dict[str, Any] = {"id": node.id, "label": node.label, "clause": node.clause, "text": _describe(node)}
    if isinstance(node, Group):
        out["children"] = [criteria_outline(c) for c in node.children]
    return out


def _describe(node: Any) -> str:
    if isinstance(node, Group):
        return GROUP_ZH[node.op].format(n=node.n)
    if isinstance(node, Manual):
        return "人工核定" + (f"：{node.hint}" if node.hint else "")
    if isinstance(node, Relation):
        return ("须先取得 " if node.kind == "requires" else "不得已持有 ") + (node.title or node.policy)
    if isinstance(node, Score):
        return f"评分 {OP_SYMBOLS[node.op]} {fmt(_plain_threshold(node.threshold), 'points')}（{len(node.components)} 个评分项）"
    fact = CATALOGUE[node.fact]
    if fact.type == "bool" and node.op == "is":
        return f"要求：{state_text(fact.name, node.threshold.value)}"
    if node.op in EXCLUDING:  # "高新技术领域不得为：不属于八大领域", not "不属于 不属于"
        return f"{fact.zh}不得为：{_threshold_text(node, fact.unit)}"
    return f"{fact.zh} {OP_SYMBOLS[node.op]} {_threshold_text(node, fact.unit)}"


def _threshold_text(node: Any, unit: str) -> str:
    t = node.threshold
    if isinstance(t, tuple) and t and not hasattr(t[0], "value"):
        return str(_code_label(node, t))
    if isinstance(t, tuple):
        return "–".join(_threshold_text(type(node)(**{**node.__dict__, "threshold": x}), unit) for x in t)
    if hasattr(t, "by"):
        bands = [
            f"≤{fmt(up, CATALOGUE[t.by].unit)} 时 {fmt(v, unit)}"
            for up, v in zip(t.uppers, t.values, strict=True)
        ]
        return f"按{CATALOGUE[t.by].zh}分档（{'；'.join(bands)}；其余 {fmt(t.default, unit)}）"
    text = fmt(_plain_threshold(t), unit)
    return f"{text}（参数 {t.name}）" if hasattr(t, "name") else text


def _plain_threshold(t: Any) -> Any:
    return getattr(t, "value", t)
