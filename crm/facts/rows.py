"""Every enterprise's raw record columns as the column derivations read them (``crm.facts.table``), and the
derivations over the records kept as lists: IP, credentials, compliance events. Pure numpy, like
``crm.facts.derive`` for one enterprise, which they equal."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np

from crm.domain import IP_KINDS, VALIDITY_YEARS
from crm.facts.derive import credential_end, within_years

Columns = Mapping[str, np.ndarray]
INF = np.inf


class Part(NamedTuple):
    """A numeric fact over all rows: exact where known and low == high, partly known where low < high."""

    low: np.ndarray
    high: np.ndarray
    known: np.ndarray

    @staticmethod
    def exact(values: np.ndarray) -> Part:
        return Part(values, values, ~np.isnan(values))


class Rows:
    """The raw columns of all enterprises, with child rows placed by enterprise position."""

    def __init__(self, raw: Any, on: date) -> None:
        self.on, self.raw = on, raw
        self.e = raw.enterprise
        self.ids = np.asarray(self.e["id"], dtype=np.int64)
        self.n = len(self.ids)
        self.ord = float(on.toordinal())

    def attr(self, name: str) -> np.ndarray:
        return np.asarray(self.e[name], dtype=np.float64)

    def fy(self, back: int, name: str) -> np.ndarray:
        column = self.e.get(f"{name}@{self.on.year - back}")
        return np.full(self.n, np.nan) if column is None else np.asarray(column, dtype=np.float64)

    def child(self, table: str) -> tuple[Columns, np.ndarray]:
        """A child table's columns (rows of live enterprises only) and each row's enterprise position."""
        rows = getattr(self.raw, table)
        eids = np.asarray(rows["enterprise_id"], dtype=np.int64)
        pos = np.searchsorted(self.ids, eids)
        pos = np.minimum(pos, max(self.n - 1, 0))
        keep = (self.ids[pos] == eids) if self.n else np.zeros(len(eids), bool)
        return {k: np.asarray(v)[keep] for k, v in rows.items()}, pos[keep]

    def count(self, pos: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return np.bincount(pos[mask], minlength=self.n).astype(np.float64)

    def any(self, pos: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self.count(pos, mask) > 0

    def registration_year(self) -> np.ndarray:
        reg = self.attr("registration_date")
        return per_unique(reg, lambda o: float(date.fromordinal(int(o)).year))


def per_unique(values: np.ndarray, fn: Callable[[float], float]) -> np.ndarray:
    """``fn`` of each known value, computed once per distinct value (NaN stays NaN)."""
    out = np.full(len(values), np.nan)
    known = ~np.isnan(values)
    uniq, inverse = np.unique(values[known], return_inverse=True)
    out[known] = np.array([fn(u) for u in uniq.tolist()], dtype=np.float64)[inverse] if len(uniq) else []
    return out


# --- records kept as lists: IP, credentials, compliance events -----------------------------------------

_IP_CLASS = {kind: entry[2] for kind, entry in IP_KINDS.items()}


def _ip(t: Rows) -> tuple[Columns, np.ndarray, np.ndarray, np.ndarray]:
    rows, pos = t.child("ip_assets")
    status = rows["status"]
    valid = np.array([(s or "valid") == "valid" for s in status.tolist()], dtype=bool)
    cls = np.array([_IP_CLASS.get(k) or 0 for k in rows["kind"].tolist()], dtype=np.int64)
    return rows, pos, valid, cls


def ip_count(wanted: int) -> Callable[[Rows], Part]:
    def derive(t: Rows) -> Part:
        rows, pos, valid, cls = _ip(t)
        mask = valid & (cls == wanted)
        if wanted == 2:
            used = np.asarray(rows["used_in_hnte"], dtype=np.float64)
            mask &= ~(used == 1)
        return Part.exact(t.count(pos, mask))

    return derive


def core_ip_count(t: Rows) -> Part:
    rows, pos, valid, cls = _ip(t)
    counted = valid & ((cls == 1) | (cls == 2))
    core_flag = np.asarray(rows["core_to_main_product"], dtype=np.float64)
    core = t.count(pos, counted & (core_flag == 1))
    unchecked = t.count(pos, counted & np.isnan(core_flag))
    return Part(core, core + unchecked, np.ones(t.n, bool))


def _events(t: Rows, kinds: tuple[str, ...], severities: tuple[str, ...], start: date) -> np.ndarray:
    rows, pos = t.child("compliance_events")
    kind_ok = np.isin(rows["kind"], list(kinds))
    severity = np.array([(s or "minor") in severities for s in rows["severity"].tolist()], dtype=bool)
    occurred = np.asarray(rows["occurred_on"], dtype=np.float64)
    with np.errstate(invalid="ignore"):
        inside = np.isnan(occurred) | ((start.toordinal() <= occurred) & (occurred <= t.ord))
    return t.any(pos, kind_ok & severity & inside)


def any_event(
    kinds: tuple[str, ...], severities: tuple[str, ...], start: Callable[[date], date]
) -> Callable[[Rows], np.ndarray]:
    return lambda t: _events(t, kinds, severities, start(t.on)).astype(np.float64)


def listed(flag: str, kind: str) -> Callable[[Rows], np.ndarray]:
    return lambda t: np.where(
        _events(t, (kind,), ("major", "serious", "minor"), within_years(1, t.on)), 1.0, t.attr(flag)
    )


def _credentials(t: Rows, kind: str) -> tuple[Columns, np.ndarray]:
    rows, pos = t.child("credentials")
    mask = rows["kind"] == kind
    return {k: v[mask] for k, v in rows.items()}, pos[mask]


def valid_until(kind: str) -> Callable[[Rows], np.ndarray]:
    def derive(t: Rows) -> np.ndarray:
        rows, pos = _credentials(t, kind)
        years = VALIDITY_YEARS.get(kind, 3)
        ends = np.array(
            [
                _end(_known(i), _known(e), _known(y), years)
                for i, e, y in zip(
                    rows["issued_on"].tolist(),
                    rows["expires_on"].tolist(),
                    rows["year"].tolist(),
                    strict=True,
                )
            ],
            dtype=np.float64,
        )
        out = np.full(t.n, -INF)
        known = ~np.isnan(ends)
        np.maximum.at(out, pos[known], ends[known])
        return np.where(out == -INF, np.nan, out)

    return derive


@lru_cache(maxsize=65536)
def _end(issued: float | None, expires: float | None, year: float | None, years: int) -> float:
    """``crm.facts.derive.credential_end`` as a day ordinal (NaN: unknown)."""
    cred = _Cred(_day(issued), _day(expires), None if year is None else int(year))
    end = credential_end(cred, years)
    return np.nan if end is None else float(end.toordinal())


class _Cred(NamedTuple):
    issued_on: date | None
    expires_on: date | None
    year: int | None


def _day(ordinal: float | None) -> date | None:
    return None if ordinal is None else date.fromordinal(int(ordinal))


def _known(value: float) -> float | None:
    return None if value != value else value


def holds(kind: str) -> Callable[[Rows], np.ndarray]:
    until = valid_until(kind)

    def derive(t: Rows) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return (until(t) >= t.ord).astype(np.float64)

    return derive


def has_credential(kind: str, years: int | None) -> Callable[[Rows], np.ndarray]:
    def derive(t: Rows) -> np.ndarray:
        rows, pos = _credentials(t, kind)
        if years is None:
            return t.any(pos, np.ones(len(pos), bool)).astype(np.float64)
        issued, year = rows["issued_on"], rows["year"]
        dec31 = np.array(
            [np.nan if y != y else float(date(int(y), 12, 31).toordinal()) for y in year.tolist()]
        )
        when = np.where(np.isnan(issued), dec31, issued) if len(issued) else issued
        with np.errstate(invalid="ignore"):
            return t.any(pos, when >= within_years(years, t.on).toordinal()).astype(np.float64)

    return derive


def key_institution(t: Rows) -> np.ndarray:
    rows, pos = _credentials(t, "key_institution")
    return np.where(t.any(pos, np.ones(len(pos), bool)), 1.0, t.attr("key_institution"))
