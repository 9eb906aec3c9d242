"""Bulk-generate a large enterprise data set for the benches (not validated: speed is the point).

Rows are plain dicts written in chunks straight through the driver (COPY on PostgreSQL): even
``session.execute(insert(table), rows)``, 5-7x faster than ``add_all``, spent most of its time in
per-value bind processing here. Money is generated in fen, the form ``crm.models.Money`` stores.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import JSON, Connection, Date, DateTime, Table
from sqlalchemy.engine import Engine
from stdnum.cn import uscc as stdnum_uscc

from crm import domain
from crm.demo import words as w
from crm.demo.generate import AS_OF, USCC_ALPHABET
from crm.demo.records import YEARS
from crm.models import AuditEntry, Contact, Credential, Enterprise, FiscalYear, IPAsset, utcnow

CHUNK = 5_000
TAGS = ("重点企业", "五角场示范基地", "环上体创新带", "杨浦滨江", "电竞", "体育科技", "拟上市", "新江湾城")
TAG_SETS = ([], [], [], *([t] for t in TAGS), *([a, b] for a in TAGS[:3] for b in TAGS[3:]))
DIVISIONS = tuple(domain.SPORTS_DIVISIONS)
GRANT_DAYS = tuple(date(2021, 1, 1) + timedelta(days=d) for d in range(1500))
T = TypeVar("T")
AUDITED = ("name", "uscc", "street")  # a create trail per enterprise for the history query


def populate(engine: Engine, count: int, seed: int = 1) -> dict[str, float]:
    """Insert ``count`` enterprises with 3 fiscal years, 2 IP assets, a contact and 3 audit rows each."""
    rng = random.Random(seed)
    now = utcnow()
    started, started_cpu = time.perf_counter(), time.process_time()
    rows = {"enterprise": 0, "fiscalyear": 0, "ipasset": 0, "credential": 0, "contact": 0, "auditentry": 0}
    with engine.begin() as conn:
        for first in range(1, count + 1, CHUNK):
            ids = range(first, min(first + CHUNK, count + 1))
            batch = [_enterprise(rng, i, now) for i in ids]
            for model, data in (
                (Enterprise, batch),
                (FiscalYear, _years(rng, ids, now)),
                (IPAsset, _ips(rng, ids, now)),
                (Credential, _creds(rng, ids, now)),
                (Contact, _contacts(rng, ids, now)),
                (AuditEntry, _audit(batch, now)),
            ):
                if data:
                    write_rows(conn, model.__table__, data)  # type: ignore[attr-defined]
                    rows[model.__tablename__] += len(data)  # type: ignore[operator]
        if conn.dialect.name == "postgresql":  # COPY with explicit ids does not move the sequence
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('enterprise', 'id'), %s)", (count,))
    return {
        **rows,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - started_cpu,
    }


def write_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows straight through the driver: COPY on PostgreSQL, executemany on SQLite.

    Values must already be in storage form where SQLAlchemy would convert them: money in fen.
    """
    cols = list(rows[0])
    names = ", ".join(f'"{c}"' for c in cols)
    if conn.dialect.name == "postgresql":
        convert = [_json if isinstance(table.c[c].type, JSON) else None for c in cols]
        with (
            conn.connection.driver_connection.cursor() as cur,
            cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy,
        ):
            for row in rows:
                copy.write_row([f(row[c]) if f else row[c] for c, f in zip(cols, convert, strict=True)])
        return
    pick = itemgetter(*cols)
    special = [(k, f) for k, c in enumerate(cols) if (f := _sqlite_converter(table.c[c].type))]
    tuples = []
    for row in rows:
        values = list(pick(row))
        for k, f in special:
            values[k] = f(values[k])
        tuples.append(tuple(values))
    marks = ", ".join("?" * len(cols))
    conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', tuples)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _sqlite_converter(sa_type: Any) -> Callable[[Any], Any] | None:
    """What SQLAlchemy's SQLite dialect stores for these types (ISO text dates, naive UTC datetimes)."""
    if isinstance(sa_type, JSON):
        return _json
    if isinstance(sa_type, DateTime) or isinstance(getattr(sa_type, "impl", None), DateTime):
        return _sqlite_datetime
    if isinstance(sa_type, Date):
        return _sqlite_date
    return None


@lru_cache(maxsize=4096)
def _sqlite_datetime(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


@lru_cache(maxsize=16384)
def _sqlite_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _enterprise(r: random.Random, i: int, now: Any) -> dict[str, Any]:
    x = r.random
    division = DIVISIONS[int(x() * 11)]
    street = domain.STREETS[int(x() * 12)]
    brand = "".join(_pick(x, w.BRAND_CHARS) for _ in range(2 if x() < 0.7 else 3))
    return {
        "id": i,
        "version": 1,
        "created_at": now,
        "updated_at": now,
        "deleted_at": None,
        "name": f"上海{brand}{_pick(x, w.TRADE_WORDS[division])}有限公司",
        "uscc": _uscc(i),
        "uscc_override_reason": None,
        "former_names": [],
        "registration_date": AS_OF - timedelta(days=60 + int(x() * 9000)),
        "legal_form": "llc",
        "registered_capital": _pick(x, (100, 500, 1000)) * 1_000_000,  # fen
        "address": f"上海市杨浦区{_pick(x, w.ROADS[street])}{1 + int(x() * 2000)}号",
        "street": street,
        "sports_division": division,
        "industry_code": _pick(x, w.INDUSTRY_CODES[division]),
        "wenchuang_sector": None,
        "hnte_domain": None,
        "niche_market_years": None,
        "resident_enterprise": True,
        "independent_legal_person": True,
        "registered_in_shanghai": True,
        "tax_in_shanghai": x() < 0.8 or None,
        "key_institution": None,
        "in_restricted_catalogue": False,
        "abnormal_operation_listed": False,
        "serious_dishonesty_listed": None,
        "website": None,
        "tags": _pick(x, TAG_SETS),
        "notes": None,
        "owner_officer_id": None,
    }


def _pick(x: Callable[[], float], seq: Sequence[T]) -> T:
    return seq[int(x() * len(seq))]


def _uscc(i: int) -> str:
    """A valid USCC, unique for ``i`` (its organisation code is ``i`` in base 31)."""
    digits = ""
    for _ in range(6):
        i, k = divmod(i, 31)
        digits = USCC_ALPHABET[k] + digits
    body = "91310110MA1" + digits
    return body + stdnum_uscc.calc_check_digit(body)


def _versioned(now: Any, enterprise_id: int) -> dict[str, Any]:
    return {
        "version": 1,
        "created_at": now,
        "updated_at": now,
        "deleted_at": None,
        "enterprise_id": enterprise_id,
    }


def _years(r: random.Random, ids: range, now: Any) -> list[dict[str, Any]]:
    x = r.random
    out = []
    for i in ids:
        revenue = int(500_000 + x() * 300_000_000) * 100  # fen
        staff = 3 + int(x() * 800)
        for year in YEARS:
            rd = int(revenue * x() * 0.08)
            out.append(
                _versioned(now, i)
                | {
                    "year": year,
                    "staff_total": staff,
                    "tech_staff": int(staff * x() * 0.4),
                    "sales_revenue": revenue,
                    "total_income": revenue * 105 // 100,
                    "hightech_income": None,
                    "rd_expense": rd,
                    "rd_expense_domestic": rd,
                    "total_cost": revenue * 95 // 100,
                    "total_assets": revenue,
                    "total_liabilities": revenue // 2,
                    "tax_paid": revenue // 30,
                    "equity_financing": None,
                }
            )
    return out


def _ips(r: random.Random, ids: range, now: Any) -> list[dict[str, Any]]:
    x = r.random
    return [
        _versioned(now, i)
        | {
            "kind": kind,
            "title": "一种" + _pick(x, w.PATENT_SUBJECTS),
            "number": f"ZL2021{int(x() * 1e8):08d}",
            "status": "valid",
            "grant_date": GRANT_DAYS[int(x() * len(GRANT_DAYS))],
            "acquisition": "own",
            "core_to_main_product": True,
            "used_in_hnte": None,
        }
        for i in ids
        for kind in ("invention_patent", "utility_model")
    ]


def _creds(r: random.Random, ids: range, now: Any) -> list[dict[str, Any]]:
    return [
        _versioned(now, i)
        | {
            "kind": "tech_sme",
            "title": "科技型中小企业",
            "level": None,
            "number": None,
            "issued_on": None,
            "expires_on": None,
            "year": 2025,
        }
        for i in ids
        if r.random() < 0.3
    ]


def _contacts(r: random.Random, ids: range, now: Any) -> list[dict[str, Any]]:
    x = r.random
    return [
        _versioned(now, i)
        | {
            "name": _pick(x, w.SURNAMES) + _pick(x, w.GIVEN_CHARS),
            "position": "总经理",
            "phone": _pick(x, w.MOBILE_PREFIXES) + f"{int(x() * 1e8):08d}",
            "email": None,
            "is_primary": True,
            "notes": None,
        }
        for i in ids
    ]


def _audit(batch: list[dict[str, Any]], now: Any) -> list[dict[str, Any]]:
    return [
        {
            "at": now,
            "actor": "bench",
            "action": "create",
            "entity": "enterprise",
            "entity_id": e["id"],
            "enterprise_id": e["id"],
            "field": name,
            "old": None,
            "new": str(e[name]),
        }
        for e in batch
        for name in AUDITED
    ]
