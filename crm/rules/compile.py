"""Compiling a policy file's ``criteria`` into model nodes: facts, types, thresholds and parameters checked.

Every refusal carries the line it is about (``CompileError``); the loader turns it into a ``RuleError``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from crm.facts import CATALOGUE, NUMERIC_TYPES, Fact
from crm.rules.model import (
    Band,
    Bands,
    Compare,
    Component,
    Const,
    Group,
    Manual,
    Node,
    Param,
    Relation,
    Score,
    Tolerance,
)
from crm.rules.schema import PolicyFile
from crm.rules.source import LineDict

COMPARE_OPS = {
    "at_least": "ge",
    "more_than": "gt",
    "at_most": "le",
    "less_than": "lt",
    "between": "between",
    "equals": "eq",
    "not_equals": "ne",
    "in": "in",
    "not_in": "not_in",
    "is": "is",
    "on_or_after": "date_ge",
    "on_or_before": "date_le",
}
BAND_OPS = {"at_least": "ge", "more_than": "gt", "at_most": "le", "less_than": "lt"}
COMMON_KEYS = {"id", "label", "clause", "note"}
GROUP_KEYS = {"all", "any", "not", "n_of"}


class CompileError(Exception):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line, self.reason = line, reason


class Compiler:
    """Turns the raw ``criteria`` mapping into model nodes, checking facts, types and parameters."""

    def __init__(
        self,
        spec: PolicyFile,
        catalogue: dict[str, Fact] | None = None,
        titles: Mapping[str, str] | None = None,
    ) -> None:
        self.spec, self.catalogue, self.titles = spec, catalogue or CATALOGUE, titles or {}
        self.nodes: dict[str, Node] = {}
        self.tolerance = Tolerance(spec.near_miss.relative, spec.near_miss.absolute)

    def root(self, raw: LineDict) -> Group:
        raw = raw if "id" in raw else _with(raw, id="root", label=raw.get("label", self.spec.title))
        node = self.node(raw, negated=False)
        if not isinstance(node, Group):
            node = Group("root", self.spec.title, None, raw.line, False, "all", 0, (node,))
        return self._with_relations(node)

    def node(self, raw: Any, negated: bool) -> Node:
        if not isinstance(raw, LineDict):
            raise CompileError(getattr(raw, "line", 0), f"条件应为映射（键: 值），而不是 {raw!r}")
        line = getattr(raw, "line", 0)
        cid, label, clause = self._common(raw, line)
        if GROUP_KEYS & raw.keys():
            node: Node = self._group(raw, cid, label, clause, line, negated)
        elif "score" in raw:
            node = self._score(raw, cid, label, clause, line, negated)
        elif "review" in raw:
            self._closed(raw, COMMON_KEYS | {"review", "hint"}, line)
            if raw["review"] != "manual":
                raise CompileError(line, "review 只能是 manual")
            node = Manual(cid, label, clause, line, negated, raw.get("hint"))
        elif "fact" in raw:
            node = self._compare(raw, cid, label, clause, line, negated)
        else:
            raise CompileError(line, f"条件 '{cid}' 缺少 fact、review、score 或 all/any/not/n_of")
        self.nodes[cid] = node
        return node

    def _common(self, raw: LineDict, line: int) -> tuple[str, str, str | None]:
        cid = raw.get("id")
        if not isinstance(cid, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", cid):
            raise CompileError(line, f"条件需要 id（小写字母、数字、下划线），现为 {cid!r}")
        if cid in self.nodes:
            raise CompileError(line, f"条件 id '{cid}' 重复")
        label = raw.get("label")
        if not isinstance(label, str) or not label:
            raise CompileError(line, f"条件 '{cid}' 需要中文 label")
        return cid, label, raw.get("clause")

    def _closed(self, raw: LineDict, allowed: set[str], line: int) -> None:
        extra = sorted(set(raw) - allowed)
        if extra:
            hint = difflib.get_close_matches(extra[0], sorted(allowed), n=1)
            more = f"，是否指 '{hint[0]}'？" if hint else ""
            raise CompileError(raw.key_lines.get(extra[0], line), f"未知的键 '{extra[0]}'{more}")

    def _group(
        self, raw: LineDict, cid: str, label: str, clause: str | None, line: int, negated: bool
    ) -> Group:
        ops = GROUP_KEYS & raw.keys()
        self._closed(raw, COMMON_KEYS | ops, line)
        if len(ops) > 1:
            raise CompileError(line, f"条件 '{cid}' 只能有一个组合方式，现有 {sorted(ops)}")
        op = ops.pop()
        if op == "not":
            return Group(cid, label, clause, line, negated, "not", 0, (self.node(raw["not"], not negated),))
        n, items = self._items(raw, op, cid, line)
        return Group(cid, label, clause, line, negated, op, n, tuple(self.node(c, negated) for c in items))

    def _items(self, raw: LineDict, op: str, cid: str, line: int) -> tuple[int, list[Any]]:
        if op == "n_of":
            spec = raw["n_of"]
            if not isinstance(spec, dict) or set(spec) != {"n", "of"} or not isinstance(spec["n"], int):
                raise CompileError(line, "n_of 应写作 {n: 整数, of: [条件...]}")
            n, items = spec["n"], spec["of"]
        else:
            n, items = 0, raw[op]
        if not isinstance(items, list) or not items:
            raise CompileError(line, f"条件 '{cid}' 的 {op} 需要非空列表")
        if op == "n_of" and not 1 <= n <= len(items):
            raise CompileError(line, f"n_of 的 n={n} 应在 1 到 {len(items)} 之间")
        return n, items

    def _fact(self, name: Any, line: int) -> Fact:
        fact = self.catalogue.get(name) if isinstance(name, str) else None
        if fact is None:
            hint = difflib.get_close_matches(str(name), list(self.catalogue), n=1)
            more = f"，是否指 '{hint[0]}'？" if hint else "（见 crm/facts.py 事实目录）"
            raise CompileError(line, f"未知的事实 '{name}'{more}")
        return fact

    def _compare(
        self, raw: LineDict, cid: str, label: str, clause: str | None, line: int, negated: bool
    ) -> Compare:
        ops = [k for k in raw if k in COMPARE_OPS]
        self._closed(raw, COMMON_KEYS | {"fact", "tolerance", "hard"} | set(ops), line)
        if len(ops) != 1:
            raise CompileError(line, f"条件 '{cid}' 需要恰好一个比较（{'、'.join(COMPARE_OPS)}），现有 {ops}")
        fact = self._fact(raw["fact"], raw.key_lines.get("fact", line))
        op = COMPARE_OPS[ops[0]]
        at = raw.key_lines.get(ops[0], line)
        threshold = self._operand(op, raw[ops[0]], fact, at)
        tolerance = self._tolerance(raw.get("tolerance"), line)
        hard = raw.get("hard", False)
        if not isinstance(hard, bool):
            raise CompileError(raw.key_lines.get("hard", line), f"hard 只能写 true 或 false，现为 {hard!r}")
        if hard and "tolerance" in raw:
            raise CompileError(line, f"条件 '{cid}' 为 hard（界定适用对象），不能再写 tolerance")
        return Compare(
            cid, label, clause, line, negated, fact.name, op, threshold, fact.unit, tolerance, hard
        )

    def _operand(self, op: str, raw: Any, fact: Fact, line: int) -> Any:
        if op in ("in", "not_in"):
            return self._codes(raw, fact, line)
        if op in ("eq", "ne") and fact.type in ("code", "bool"):
            return self._codes([raw], fact, line)
        if op == "is":
            if fact.type != "bool" or not isinstance(raw, bool):
                raise CompileError(
                    line, f"is 只能用于是/否事实并写 true 或 false（'{fact.name}' 是 {fact.type}）"
                )
            return Const(raw)
        if op in ("date_ge", "date_le"):
            if fact.type != "date" or not isinstance(raw, date):
                raise CompileError(line, f"类型不符：'{fact.name}'（{fact.type}）不能与日期 {raw!r} 比较")
            return Const(raw)
        if fact.type not in NUMERIC_TYPES:
            raise CompileError(line, f"类型不符：'{fact.name}' 是 {fact.type}，不能做数值比较")
        if op == "between":
            if not isinstance(raw, list) or len(raw) != 2:
                raise CompileError(line, "between 应写作 [下限, 上限]")
            return (self._number(raw[0], fact, line), self._number(raw[1], fact, line))
        return self._number(raw, fact, line)

    def _codes(self, raw: Any, fact: Fact, line: int) -> tuple[Any, ...]:
        if not isinstance(raw, list) or not raw:
            raise CompileError(line, "in/not_in 需要非空列表")
        if fact.type not in ("code", "bool") or any(
            isinstance(v, (int, float, date)) and not isinstance(v, bool) for v in raw
        ):
            raise CompileError(line, f"类型不符：'{fact.name}'（{fact.type}）不能与 {list(raw)!r} 比较")
        return tuple(raw)

    def _number(self, raw: Any, fact: Fact, line: int) -> Any:
        if isinstance(raw, dict) and set(raw) == {"param"}:
            return self._param(raw["param"], fact, line)
        if isinstance(raw, dict) and set(raw) == {"by", "bands"}:
            return self._bands(raw, fact, line)
        return Const(self._scalar(raw, fact, line))

    def _scalar(self, raw: Any, fact: Fact, line: int) -> float:
        if isinstance(raw, str) and raw.endswith("%"):
            if fact.type != "ratio":
                raise CompileError(
                    line, f"类型不符：百分数 {raw} 只能与比例事实比较，'{fact.name}' 是 {fact.type}"
                )
            try:
                return float(raw[:-1]) / 100
            except ValueError:
                raise CompileError(line, f"无法识别的百分数 {raw!r}") from None
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise CompileError(line, f"类型不符：'{fact.name}'（{fact.type}）需要数值阈值，而不是 {raw!r}")
        if fact.type == "ratio" and not 0 <= raw <= 1:
            raise CompileError(line, f"比例阈值应在 0 到 1 之间（或写作 5%），现为 {raw}")
        return float(raw)

    def _param(self, name: Any, fact: Fact, line: int) -> Param:
        spec = self.spec.params.get(name)
        if spec is None:
            hint = difflib.get_close_matches(str(name), list(self.spec.params), n=1)
            more = f"，是否指 '{hint[0]}'？" if hint else "（请在 params: 中定义）"
            raise CompileError(line, f"未定义的参数 '{name}'{more}")
        return Param(name, self._scalar(spec.value, fact, line))

    def _bands(self, raw: dict[str, Any], fact: Fact, line: int) -> Bands:
        by = self._fact(raw["by"], line)
        if by.type not in NUMERIC_TYPES:
            raise CompileError(line, f"分档依据 '{by.name}' 必须是数值事实")
        bands = raw["bands"]
        if not isinstance(bands, list) or not bands or "up_to" in bands[-1]:
            raise CompileError(line, "bands 需要若干 {up_to, value} 档，最后一档只写 value")
        uppers, values = [], []
        for band in bands[:-1]:
            if not isinstance(band, dict) or set(band) != {"up_to", "value"}:
                raise CompileError(getattr(band, "line", line), "每一档应写作 {up_to: 上限, value: 阈值}")
            uppers.append(self._scalar(band["up_to"], by, line))
            values.append(self._scalar(band["value"], fact, line))
        if uppers != sorted(uppers):
            raise CompileError(line, "bands 的 up_to 应从小到大排列")
        return Bands(by.name, tuple(uppers), tuple(values), self._scalar(bands[-1].get("value"), fact, line))

    def _tolerance(self, raw: Any, line: int) -> Tolerance:
        if raw is None:
            return self.tolerance
        if not isinstance(raw, dict) or not set(raw) <= {"relative", "absolute"} or len(raw) != 1:
            raise CompileError(line, "tolerance 应写作 {relative: 0.1} 或 {absolute: 数值}")
        return Tolerance(raw.get("relative"), raw.get("absolute"))

    def _score(
        self, raw: LineDict, cid: str, label: str, clause: str | None, line: int, negated: bool
    ) -> Score:
        ops = [k for k in raw if k in ("at_least", "more_than")]
        self._closed(raw, COMMON_KEYS | {"score", "review", "tolerance"} | set(ops), line)
        if len(ops) != 1:
            raise CompileError(line, f"评分条件 '{cid}' 需要 at_least 或 more_than 之一")
        spec = raw["score"]
        if (
            not isinstance(spec, dict)
            or set(spec) != {"components"}
            or not isinstance(spec["components"], list)
        ):
            raise CompileError(line, "score 应写作 {components: [...]}")
        if raw.get("review", "when_uncertain") != "when_uncertain":
            raise CompileError(line, "评分条件的 review 只能是 when_uncertain")
        points = _points_fact()
        threshold = self._number(raw[ops[0]], points, raw.key_lines.get(ops[0], line))
        if isinstance(threshold, Bands):
            raise CompileError(line, "评分条件的阈值不能分档")
        comps = tuple(self._component(c, line) for c in spec["components"])
        return Score(
            cid,
            label,
            clause,
            line,
            negated,
            comps,
            "ge" if ops[0] == "at_least" else "gt",
            threshold,
            "review" in raw,
            self._tolerance(raw.get("tolerance"), line),
        )

    def _component(self, raw: Any, line: int) -> Component:
        line = getattr(raw, "line", line)
        if not isinstance(raw, LineDict) or not {"id", "label"} <= raw.keys():
            raise CompileError(line, "评分项需要 id 和 label")
        self._closed(raw, {"id", "label", "fact", "bands", "otherwise", "judged", "best_of"}, line)
        if "judged" in raw:
            return Component(raw["id"], raw["label"], judged=_pair(raw["judged"], line))
        if "best_of" in raw:
            return Component(
                raw["id"], raw["label"], best_of=tuple(self._component(c, line) for c in raw["best_of"])
            )
        fact = self._fact(raw.get("fact"), line)
        if fact.type not in NUMERIC_TYPES and fact.type != "bool":
            raise CompileError(line, f"评分项 '{raw['id']}' 的事实 '{fact.name}' 必须是数值或是/否")
        bands = tuple(self._band(b, fact, line) for b in raw.get("bands") or [])
        if not bands:
            raise CompileError(line, f"评分项 '{raw['id']}' 需要 bands")
        if len({b.op in ("le", "lt") for b in bands}) > 1:
            raise CompileError(
                line, f"评分项 '{raw['id']}' 的档不能同时有 at_least/more_than 与 at_most/less_than"
            )
        return Component(
            raw["id"],
            raw["label"],
            fact=fact.name,
            bands=bands,
            otherwise=_pair(raw.get("otherwise", 0), line),
        )

    def _band(self, raw: Any, fact: Fact, line: int) -> Band:
        line = getattr(raw, "line", line)
        if fact.type == "bool":  # a yes/no indicator scores its points when true: {is: true, points: 10}
            if not isinstance(raw, dict) or set(raw) != {"is", "points"} or raw["is"] is not True:
                raise CompileError(line, "是/否评分项的档应写作 {is: true, points: 分}")
            return Band("ge", 1.0, *_pair(raw["points"], line))
        ops = [k for k in BAND_OPS if isinstance(raw, dict) and k in raw]
        if len(ops) != 1 or set(raw) != {ops[0], "points"}:
            raise CompileError(
                line, "评分档应写作 {at_least|more_than|at_most|less_than: 值, points: 分或[低, 高]}"
            )
        lo, hi = _pair(raw["points"], line)
        return Band(BAND_OPS[ops[0]], self._scalar(raw[ops[0]], fact, line), lo, hi)

    def _with_relations(self, root: Group) -> Group:
        rels = self.spec.relations

        def rel(kind: str, prefix: str, p: str) -> Relation:
            title = self.titles.get(p, p)
            return Relation(f"{kind}_{p}", f"{prefix}{title}", None, root.line, False, kind, p, title)

        extra = [rel("requires", "须先取得：", p) for p in rels.requires]
        extra += [rel("excludes", "未持有：", p) for p in rels.excludes]
        for node in extra:
            self.nodes[node.id] = node
        if not extra:
            return root
        if root.op == "all":
            return Group(
                root.id, root.label, root.clause, root.line, False, "all", 0, root.children + tuple(extra)
            )
        return Group("policy", self.spec.title, None, root.line, False, "all", 0, (root, *extra))


def _with(raw: LineDict, **values: Any) -> LineDict:
    out = LineDict(raw)
    out.line, out.key_lines = raw.line, dict(raw.key_lines)
    out.update(values)
    return out


def _pair(raw: Any, line: int) -> tuple[float, float]:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return float(raw), float(raw)
    if (
        isinstance(raw, list)
        and len(raw) == 2
        and all(isinstance(v, (int, float)) for v in raw)
        and raw[0] <= raw[1]
    ):
        return float(raw[0]), float(raw[1])
    raise CompileError(line, f"分值应为数字或 [低, 高]，现为 {raw!r}")


def _points_fact() -> Fact:
    return Fact("score", "number", "分数", "Score", (), lambda v: None)
