"""Every enterprise's raw record columns as the column derivations read them (``crm.facts.table``), and the
facts read from records kept as lists (IP, credentials, compliance events).

The list facts are not re-implemented: enterprises whose lists (and the enterprise fields the fact declares)
are identical get the same value, so each fact is derived once per distinct *signature* with the
one-enterprise derivation of the catalogue (``crm.facts.derive``), and spread back to every enterprise with
that signature. 100,000 enterprises have a few hundred distinct IP lists, not 100,000.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any, NamedTuple

import numpy as np

from crm.facts.bounds import Interval
from crm.facts.catalogue import Fact
from crm.facts.columns import bound_columns, column
from crm.facts.derive import View

Columns = Mapping[str, np.ndarray]
LISTS = ("ip_assets", "credentials", "compliance_events")


@dataclass
class ChildRows:
    """The live rows of one child list: the enterprise of each row (rows in (enterprise, id) order), and the
    raw values (dates as day ordinals, yes/no as 1/0) of ``fields`` typed ``types`` (text, number, bool, date)."""

    enterprise_id: np.ndarray
    fields: tuple[str, ...]
    types: tuple[str, ...]
    rows: list[tuple[Any, ...]]


class Part(NamedTuple):
    """A numeric fact over all rows: exact where known and low == high, partly known where low < high."""

    low: np.ndarray
    high: np.ndarray
    known: np.ndarray

    @staticmethod
    def exact(values: np.ndarray) -> Part:
        return Part(values, values, ~np.isnan(values))


class Rows:
    """The raw columns of all enterprises, and the signatures of their child lists."""

    def __init__(self, raw: Any, on: date) -> None:
        self.on, self.raw = on, raw
        self.e = raw.enterprise
        self.ids = np.asarray(self.e["id"], dtype=np.int64)
        self.n = len(self.ids)
        self.ord = float(on.toordinal())
        self._signatures: dict[str, tuple[np.ndarray, list[list[Any]]]] = {}
        self._groups: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[np.ndarray, np.ndarray]] = {}

    def attr(self, name: str) -> np.ndarray:
        return np.asarray(self.e[name], dtype=np.float64)

    def fy(self, back: int, name: str) -> np.ndarray:
        column = self.e.get(f"{name}@{self.on.year - back}")
        return np.full(self.n, np.nan) if column is None else np.asarray(column, dtype=np.float64)

    def registration_year(self) -> np.ndarray:
        reg = self.attr("registration_date")
        return per_unique(reg, lambda o: float(date.fromordinal(int(o)).year))

    def groups(self, lists: tuple[str, ...], attrs: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Enterprises alike in these lists and fields: each group's first enterprise, each one's group."""
        if (lists, attrs) not in self._groups:
            combined = np.zeros(self.n, np.int64)
            columns = [self.signatures(name)[0] for name in lists] + [self.attr(f) for f in attrs]
            for key in columns:
                uniq, inverse = np.unique(key, return_inverse=True)  # NaN: one group of its own
                combined = combined * (len(uniq) + 1) + inverse.reshape(-1)
            _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
            self._groups[(lists, attrs)] = first, inverse.reshape(-1)
        return self._groups[(lists, attrs)]

    def signatures(self, table: str) -> tuple[np.ndarray, list[list[Any]]]:
        """Per enterprise, the id of its list in ``table``; per id, that list as record objects."""
        if table not in self._signatures:
            self._signatures[table] = _signatures(self, getattr(self.raw, table))
        return self._signatures[table]


def _signatures(t: Rows, child: ChildRows) -> tuple[np.ndarray, list[list[Any]]]:
    kinds: dict[tuple[Any, ...], int] = {}
    kind = [kinds.setdefault(r, len(kinds)) for r in child.rows]
    records = [_record(child, r) for r in kinds]
    eids = np.asarray(child.enterprise_id, dtype=np.int64)
    pos = np.minimum(np.searchsorted(t.ids, eids), max(t.n - 1, 0))
    live = (t.ids[pos] == eids) if t.n else np.zeros(len(eids), bool)
    lists: dict[tuple[int, ...], int] = {(): 0}
    out = np.zeros(t.n, np.int64)
    keep = np.flatnonzero(live)
    at = pos[keep]
    starts = np.flatnonzero(np.r_[True, at[1:] != at[:-1]]) if len(keep) else keep
    ends = np.r_[starts[1:], len(keep)].astype(np.int64) if len(keep) else keep
    kept = [kind[i] for i in keep.tolist()]
    kept_pos = pos[keep].tolist()
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        out[kept_pos[a]] = lists.setdefault(tuple(kept[a:b]), len(lists))
    return out, [[records[k] for k in sig] for sig in lists]


def _record(child: ChildRows, values: tuple[Any, ...]) -> SimpleNamespace:
    return SimpleNamespace(
        **{f: _python(v, k) for f, k, v in zip(child.fields, child.types, values, strict=True)}
    )


def _python(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "date":
        return date.fromordinal(int(value))
    if kind == "bool":
        return bool(value)
    return value


def list_fact(t: Rows, fact: Fact, enterprise_types: Mapping[str, str]) -> dict[str, np.ndarray]:
    """One list fact's column(s), derived once per distinct (lists, declared enterprise fields)."""
    lists = [r.field for r in fact.reads if r.field in LISTS]
    attrs = [r.field for r in fact.reads if r.field not in LISTS and not r.years_back]
    keys = [t.signatures(name)[0] for name in lists]
    first, inverse = t.groups(tuple(lists), tuple(attrs))
    values = []
    for i in first.tolist():
        ent = SimpleNamespace(**{f: _python(_known(t.e[f][i]), enterprise_types[f]) for f in attrs})
        agg = SimpleNamespace(enterprise=ent, fiscal_years=[], **dict.fromkeys(LISTS, ()))
        for name, key in zip(lists, keys, strict=False):
            setattr(agg, name, t.signatures(name)[1][int(key[i])])
        values.append(fact.derive(View(agg, t.on)))
    out = {fact.name: column(fact.type, values)[inverse]}
    if any(isinstance(v, Interval) for v in values):
        low, high = bound_columns(values)
        out[f"{fact.name}.low"], out[f"{fact.name}.high"] = low[inverse], high[inverse]
    return out


def is_list_fact(fact: Fact) -> bool:
    """Whether the fact reads a child list (IP, credentials, compliance events)."""
    return any(r.field in LISTS for r in fact.reads)


def per_unique(values: np.ndarray, fn: Callable[[float], float]) -> np.ndarray:
    """``fn`` of each known value, computed once per distinct value (NaN stays NaN)."""
    out = np.full(len(values), np.nan)
    known = ~np.isnan(values)
    uniq, inverse = np.unique(values[known], return_inverse=True)
    out[known] = np.array([fn(u) for u in uniq.tolist()], dtype=np.float64)[inverse] if len(uniq) else []
    return out


def _known(value: Any) -> Any:
    return None if isinstance(value, float) and value != value else value
