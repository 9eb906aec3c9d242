"""What a policy is worth to an enterprise, in CNY: a policy file's ``value:`` block, compiled and evaluated.

```yaml
value:
  estimate: 0.10 * max(0, total_income_last_year - total_cost_last_year)
  basis: 企业所得税税率由25%减按15%：按上年总收入减成本费用总额估算应纳税所得额，每年少缴约其10%
  confidence: medium
  per: year            # year (default) | once
```

``estimate`` is an arithmetic expression over facts, parameters of the file and numbers: ``+ - * /``
(dividing by a number or parameter only), ``max(...)``, ``min(...)`` and ``between(low, high)`` for a stated
range. It is evaluated on intervals: an unknown fact spans its whole domain (a quantity: 0 to ∞) and a
partly known one its interval, so an unknown input gives a range or "unknown", never 0. Without
``estimate`` the value is not estimated and ``basis`` says why. The scalar and batch evaluations do the
same float operations in the same order, so they agree exactly.
"""

from __future__ import annotations

import ast
import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crm.facts import CATALOGUE, NUMERIC_TYPES
from crm.facts.bounds import INF, Interval, floor, high_key, low_key
from crm.rules.model import Expr, ValueSpec

if TYPE_CHECKING:  # numpy loads only for the batch path: one-enterprise commands start faster
    import numpy as np


@dataclass(frozen=True)
class Estimate:
    """A policy's estimated benefit for one enterprise, CNY: low/high None where unbounded or unknown."""

    low: float | None
    high: float | None
    basis: str
    confidence: str
    per: str

    @property
    def known(self) -> bool:
        return self.low is not None or self.high is not None

    def rank_key(self) -> float | None:
        """The figure the rank orders by: the middle of a bounded range, else None (ranked after)."""
        return None if self.low is None or self.high is None else (self.low + self.high) / 2


class ValueSpecError(Exception):
    """A wrong ``value:`` block; the compiler adds the line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def compile_value(raw: Mapping[str, Any], params: Mapping[str, Any]) -> ValueSpec:
    """A ``value:`` block -> ValueSpec; ``ValueSpecError`` with a plain reason when the expression is wrong."""
    text = raw.get("estimate")
    expr: Expr | None = None
    if text is not None:
        if isinstance(text, (int, float)) and not isinstance(text, bool):
            text = repr(text)
        if not isinstance(text, str):
            raise ValueSpecError(f"estimate 应为算式，而不是 {text!r}")
        try:
            tree = ast.parse(text.strip(), mode="eval")
        except SyntaxError:
            raise ValueSpecError(f"无法解析的算式：{text}") from None
        expr = _Builder(params).build(tree.body)
    facts = tuple(dict.fromkeys(_facts(expr))) if expr else ()
    return ValueSpec(expr, raw["basis"], raw["confidence"], raw.get("per") or "year", facts)


class _Builder:
    OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}

    def __init__(self, params: Mapping[str, Any]) -> None:
        self.params = params

    def build(self, node: ast.expr) -> Expr:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            if isinstance(node.value, bool):
                raise ValueSpecError("算式中不能使用 true/false")
            return ("num", float(node.value))
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return ("neg", self.build(node.operand))
        if isinstance(node, ast.BinOp) and type(node.op) in self.OPS:
            op, right = self.OPS[type(node.op)], self.build(node.right)
            if op == "/" and (right[0] != "num" or right[1] <= 0):
                raise ValueSpecError("除数只能是正的数字或参数")
            return (op, self.build(node.left), right)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            return self.call(node.func.id, [self.build(a) for a in node.args])
        raise ValueSpecError(
            f"算式中不支持：{ast.unparse(node)}（只能用事实、参数、数字、+ - * /、max、min、between）"
        )

    def name(self, name: str) -> Expr:
        if name in self.params:
            value = getattr(self.params[name], "value", None)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueSpecError(f"参数 '{name}' 不是数值")
            return ("num", float(value))
        fact = CATALOGUE.get(name)
        if fact is None:
            hint = difflib.get_close_matches(name, [*CATALOGUE, *self.params], n=1)
            raise ValueSpecError(f"未知的事实或参数 '{name}'" + (f"，是否指 '{hint[0]}'？" if hint else ""))
        if fact.type not in NUMERIC_TYPES:
            raise ValueSpecError(f"事实 '{name}' 是 {fact.type}，不能参与计算")
        return ("fact", name)

    def call(self, name: str, args: list[Expr]) -> Expr:
        if name in ("max", "min") and len(args) >= 2:
            return (name, tuple(args))
        if name == "between" and len(args) == 2:
            return ("between", args[0], args[1])
        raise ValueSpecError(f"不支持的函数 {name}（可用 max、min 各至少两项，between(下限, 上限)）")


def _facts(expr: Expr) -> list[str]:
    if expr[0] == "fact":
        return [expr[1]]
    if expr[0] == "num":
        return []
    children = expr[1] if expr[0] in ("max", "min") else expr[1:]
    return [f for child in children for f in _facts(child)]


# --- one enterprise ---------------------------------------------------------------------------------


def estimate(spec: ValueSpec, facts: Mapping[str, Any]) -> Estimate:
    """The value of one enterprise's facts (unknown facts span their domain)."""
    if spec.expr is None:
        return Estimate(None, None, spec.basis, spec.confidence, spec.per)
    low, high = _scalar(spec.expr, facts)
    return Estimate(_finite(low), _finite(high), spec.basis, spec.confidence, spec.per)


def _scalar(expr: Expr, facts: Mapping[str, Any]) -> tuple[float, float]:
    kind = expr[0]
    if kind == "num":
        return expr[1], expr[1]
    if kind == "fact":
        value = facts.get(expr[1])
        if value is None:
            return floor(expr[1]), INF
        if isinstance(value, Interval):
            return value.low, value.high
        return float(value), float(value)
    if kind == "neg":
        low, high = _scalar(expr[1], facts)
        return -high, -low
    if kind in ("max", "min"):
        parts = [_scalar(a, facts) for a in expr[1]]
        pick = max if kind == "max" else min
        return pick(p[0] for p in parts), pick(p[1] for p in parts)
    a, b = _scalar(expr[1], facts), _scalar(expr[2], facts)
    if kind == "between":
        return a[0], b[1]
    if kind == "+":
        return a[0] + b[0], a[1] + b[1]
    if kind == "-":
        return a[0] - b[1], a[1] - b[0]
    if kind == "/":
        return a[0] / b[0], a[1] / b[0]
    products = [_mul(x, y) for x in a for y in b]
    return min(products), max(products)


def _mul(x: float, y: float) -> float:
    return 0.0 if x == 0 or y == 0 else x * y  # 0 × ∞ = 0: a zero rate is worth nothing


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


# --- every row ------------------------------------------------------------------------------------------


def estimate_batch(spec: ValueSpec, cols: Mapping[str, np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    """(low, high) per row, NaN where unbounded or not estimated (as ``estimate``, element by element)."""
    import numpy as np

    if spec.expr is None:
        nan = np.full(n, np.nan)
        return nan, nan.copy()
    with np.errstate(invalid="ignore", over="ignore"):
        low, high = _array(spec.expr, cols, n)
        return np.where(np.isfinite(low), low, np.nan), np.where(np.isfinite(high), high, np.nan)


def _array(expr: Expr, cols: Mapping[str, np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    kind = expr[0]
    if kind == "num":
        return np.full(n, expr[1]), np.full(n, expr[1])
    if kind == "fact":
        return _fact_bounds(expr[1], cols)
    if kind == "neg":
        low, high = _array(expr[1], cols, n)
        return -high, -low
    if kind in ("max", "min"):
        parts = [_array(a, cols, n) for a in expr[1]]
        pick = np.maximum if kind == "max" else np.minimum
        return pick.reduce([p[0] for p in parts]), pick.reduce([p[1] for p in parts])
    a, b = _array(expr[1], cols, n), _array(expr[2], cols, n)
    if kind == "between":
        return a[0], b[1]
    if kind == "+":
        return a[0] + b[0], a[1] + b[1]
    if kind == "-":
        return a[0] - b[1], a[1] - b[0]
    if kind == "/":
        return a[0] / b[0], a[1] / b[0]
    products = [np.where((x == 0) | (y == 0), 0.0, x * y) for x in a for y in b]
    return np.minimum.reduce(products), np.maximum.reduce(products)


def _fact_bounds(name: str, cols: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    value = cols[name]
    low, high = (cols[low_key(name)], cols[high_key(name)]) if low_key(name) in cols else (value, value)
    unknown = np.isnan(low)
    return np.where(unknown, floor(name), low), np.where(unknown, INF, high)
