"""The raw inputs of every live enterprise's facts as numpy columns, in a few set-based queries (re-match).

No ORM objects: one query reads the enterprise fields with the fiscal years pivoted beside them (a join per
year, on the unique (enterprise, year) index), one query per child list. Money stays integer fen until numpy
divides it, dates come back as day ordinals (``date.toordinal``), the yes/no fields travel packed into one
integer: 100,000 enterprises cost a few million values, not a few million objects. Which fields to read is
the caller's (``crm.facts.table`` names them); this module only knows the tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlmodel import Session

from crm.models import ComplianceEvent, Credential, Enterprise, FiscalYear, IPAsset
from crm.models.base import Money

Columns = dict[str, np.ndarray]


@dataclass
class FactInputs:
    """Columns per table: ``enterprise`` (one row per live enterprise, by id) and the live child rows.

    Numbers and yes/no fields are float64 (NaN: unknown), money in CNY, dates as float day ordinals, codes
    as object arrays (None: unknown); a fiscal-year field is ``<field>@<year>``.
    """

    enterprise: Columns
    ip_assets: ChildRows
    credentials: ChildRows
    compliance_events: ChildRows


CHILD_FIELDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "ip_assets": (
        IPAsset,
        ("kind", "status", "core_to_main_product", "used_in_hnte", "acquisition", "high_value"),
    ),
    "credentials": (Credential, ("kind", "level", "issued_on", "expires_on", "year", "rank")),
    "compliance_events": (ComplianceEvent, ("kind", "severity", "occurred_on")),
}


def load_fact_inputs(
    *,
    session: Session,
    enterprise_fields: Sequence[str],
    code_fields: Sequence[str],
    fiscal: Mapping[int, Sequence[str]],
) -> FactInputs:
    """Every live enterprise (by id) with its fiscal-year ``fiscal[year]`` fields, and its live IP,
    credentials and compliance events."""
    enterprise = _enterprises(session, enterprise_fields, code_fields, fiscal)
    children = {name: _children(session, model, fields) for name, (model, fields) in CHILD_FIELDS.items()}
    return FactInputs(enterprise, **children)


def _enterprises(
    session: Session, fields: Sequence[str], codes: Sequence[str], fiscal: Mapping[int, Sequence[str]]
) -> Columns:
    e = Enterprise.__table__  # type: ignore[attr-defined]
    flags = [f for f in fields if isinstance(e.c[f].type, sa.Boolean)]
    plain = [f for f in fields if f not in flags]
    selected: list[tuple[str, Any]] = [("id", e.c.id), ("flags", _packed([e.c[f] for f in flags]))]
    selected += [(f, _raw(session, e.c[f])) for f in plain]
    query_from: Any = e
    for year, names in fiscal.items():
        y = FiscalYear.__table__.alias(f"fy{year}")  # type: ignore[attr-defined]
        on = sa.and_(y.c.enterprise_id == e.c.id, y.c.year == year, y.c.deleted_at.is_(None))
        query_from = query_from.outerjoin(y, on)
        selected += [(f"{f}@{year}", _raw(session, y.c[f])) for f in names]
    query = sa.select(*(c for _, c in selected)).select_from(query_from).where(e.c.deleted_at.is_(None))
    matrix = np.array(fetch_tuples(session, query.order_by(e.c.id)), dtype=np.float64).reshape(
        -1, len(selected)
    )
    out: Columns = {name: matrix[:, k] for k, (name, _) in enumerate(selected)}
    ids = out["id"].astype(np.int64)
    code_rows = fetch_tuples(
        session, sa.select(e.c.id, *(e.c[f] for f in codes)).where(e.c.deleted_at.is_(None))
    )
    code_ids = np.array([r[0] for r in code_rows], dtype=np.int64)
    order = np.argsort(code_ids, kind="stable")
    code_ids = code_ids[order]
    at = np.minimum(np.searchsorted(code_ids, ids), max(len(code_ids) - 1, 0))
    for k, name in enumerate(codes, 1):  # by id: an enterprise added between the two reads has no codes
        values = np.array([r[k] for r in code_rows], dtype=object)[order]
        out[name] = (
            np.where(code_ids[at] == ids, values[at], np.full(len(ids), None, object))
            if len(code_ids)
            else np.full(len(ids), None, object)
        )
    out["id"] = out["id"].astype(np.int64)
    packed = out.pop("flags")
    for k, name in enumerate(flags):  # base 3: 0 no, 1 yes, 2 unknown
        digit = (packed // 3**k) % 3
        out[name] = np.where(digit == 2, np.nan, digit)
    for name, column in list(out.items()):
        source = e.c.get(name) if "@" not in name else FiscalYear.__table__.c[name.split("@")[0]]  # type: ignore[attr-defined]
        if source is not None and isinstance(source.type, Money):
            out[name] = column / 100
    return out


@dataclass
class ChildRows:
    """The live rows of one child list, in (enterprise, id) order: each row's enterprise, and the raw values
    (dates as day ordinals, yes/no as 1/0) of ``fields``, typed ``types`` (text, number, bool, date)."""

    enterprise_id: np.ndarray
    fields: tuple[str, ...]
    types: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def _children(session: Session, model: Any, fields: Sequence[str]) -> ChildRows:
    table, parent = model.__table__, Enterprise.__table__  # type: ignore[attr-defined]
    live = sa.select(parent.c.id).where(parent.c.deleted_at.is_(None))
    query = sa.select(table.c.enterprise_id, table.c.id, *(_raw(session, table.c[f]) for f in fields)).where(
        table.c.deleted_at.is_(None), table.c.enterprise_id.in_(live)
    )
    rows = fetch_tuples(session, query)
    keys = np.array([r[:2] for r in rows], dtype=np.int64).reshape(-1, 2)
    order = np.lexsort((keys[:, 1], keys[:, 0])).tolist()
    types = tuple(_type(table.c[f].type) for f in fields)
    return ChildRows(keys[order, 0], tuple(fields), types, [tuple(rows[i][2:]) for i in order])


def _type(sa_type: Any) -> str:
    if isinstance(sa_type, sa.Date):
        return "date"
    if isinstance(sa_type, sa.Boolean):
        return "bool"
    return "text" if isinstance(sa_type, sa.String) else "number"


def fetch_tuples(session: Session, query: Any) -> list[tuple[Any, ...]]:
    """Plain tuples straight from the driver's cursor (no result rows to build: the bulk of the cost).

    Only for queries without user input (years, field names, ids): their values are inlined."""
    sql = str(query.compile(dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True}))
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _packed(columns: Sequence[Any]) -> Any:
    """Yes/no columns as one base-3 integer (0 no, 1 yes, 2 unknown)."""
    terms = [sa.func.coalesce(sa.cast(c, sa.Integer), 2) * 3**k for k, c in enumerate(columns)]
    return sum(terms[1:], terms[0]) if terms else sa.literal(0)


def _raw(session: Session, column: Any) -> Any:
    """The column as the driver stores it: fen for money, a day ordinal for a date, 1/0 for a bool."""
    if isinstance(column.type, Money):
        return sa.type_coerce(column, sa.BigInteger)
    if isinstance(column.type, sa.Date):
        if session.get_bind().dialect.name == "sqlite":
            return sa.cast(sa.func.julianday(column) - 1721424.5, sa.Integer)
        return column - sa.literal_column("DATE '0001-01-01'") + 1
    if isinstance(column.type, sa.Boolean):
        return sa.cast(column, sa.Integer)
    return column
