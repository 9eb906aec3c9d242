"""The re-match's fact table (set-based reads + numpy derivations) equals the one-enterprise derivation,
column for column: on the demo data read from the database (SQLite and PostgreSQL), and on random
aggregates with unknowns, partly known figures, IP, credentials and compliance events."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace as NS

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm.db import session_scope
from crm.demo import AS_OF, load_demo
from crm.facts import CATALOGUE, columns, derive
from crm.facts import table as fact_table_mod
from crm.models import ComplianceEvent, FiscalYear
from crm.services import rematch
from crm.store.facts import load_aggregates

ON = date(2025, 6, 1)
FY_FIELDS = [
    "staff_total",
    "tech_staff",
    "sales_revenue",
    "total_income",
    "hightech_income",
    "rd_expense",
    "rd_expense_domestic",
    "total_cost",
    "total_assets",
    "total_liabilities",
    "tax_paid",
    "equity_financing",
    "main_business_revenue",
]


def assert_same_columns(expected: dict, actual: dict) -> None:
    assert set(actual) == set(expected)
    for name, want in expected.items():
        got = actual[name]
        if want.dtype == object:
            assert got.tolist() == want.tolist(), name
        else:
            np.testing.assert_array_equal(got, want, err_msg=name)  # NaN equals NaN here


def test_the_demo_data_read_as_columns_equals_the_derived_rows(any_db: str) -> None:
    load_demo(count=80)
    with session_scope() as session:  # some events and deleted rows, so every branch reads something
        first = load_aggregates(session)[0].enterprise.id
        session.add(ComplianceEvent(enterprise_id=first, kind="safety", severity="major", occurred_on=AS_OF))
        session.add(ComplianceEvent(enterprise_id=first + 1, kind="abnormal_operation", occurred_on=None))
        year = session.get(FiscalYear, 1)
        assert year is not None
        year.deleted_at = year.created_at
    for on in (AS_OF, AS_OF + timedelta(days=400)):
        with session_scope() as session:
            aggregates = load_aggregates(session)
            want_ids = np.array([a.enterprise.id for a in aggregates])
            expected = columns([derive(a, on) for a in aggregates])
            ids, actual = rematch.fact_table(session, on)
        np.testing.assert_array_equal(ids, want_ids)
        assert_same_columns(expected, actual)


def test_every_catalogue_fact_has_a_column_derivation() -> None:
    from crm.facts.rows import is_list_fact

    assert set(fact_table_mod.DERIVE) == {n for n, f in CATALOGUE.items() if not is_list_fact(f)}


# --- random aggregates, without a database --------------------------------------------------------------

MONEY = st.none() | st.sampled_from([Decimal(0), Decimal("1.5"), Decimal("250000.10"), Decimal(3_000_000)])
DAY = st.none() | st.integers(-2000, 400).map(lambda d: ON + timedelta(days=d))
BOOL = st.none() | st.booleans()
YEAR = st.fixed_dictionaries(
    {f: (st.none() | st.integers(0, 300)) if "staff" in f else MONEY for f in FY_FIELDS}
)
IP = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(
            ["invention_patent", "utility_model", "software_copyright", "trademark", "x"]
        ),
        "status": st.sampled_from(["valid", "expired", None, ""]),
        "core_to_main_product": BOOL,
        "used_in_hnte": BOOL,
        "acquisition": st.none() | st.sampled_from(["own", "transfer"]),
        "high_value": BOOL,
    }
)
CRED = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(
            ["hnte", "innovative_sme", "tech_sme", "key_institution", "standard_led", "provincial_award"]
            + ["national_st_award", "provincial_st_award", "ip_demo"]
        ),
        "issued_on": DAY,
        "expires_on": DAY,
        "year": st.none() | st.integers(2016, 2025),
        "level": st.none() | st.just("national"),
        "rank": st.none() | st.integers(1, 5),
    }
)
EVENT = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(
            ["safety", "tax", "abnormal_operation", "research_misconduct", "serious_dishonesty"]
        ),
        "severity": st.sampled_from(["major", "minor", "serious", None]),
        "occurred_on": DAY,
    }
)
AGG = st.fixed_dictionaries(
    {
        "registration_date": st.none()
        | st.sampled_from([date(2010, 2, 28), date(2023, 7, 1), date(2024, 2, 29)]),
        "flags": st.fixed_dictionaries({f: BOOL for f in fact_table_mod.BOOL_FIELDS}),
        "codes": st.fixed_dictionaries(
            {
                f: st.none() | st.sampled_from(["01", "none", "03", "09", "10", "R8930", "6513", "6610"])
                for f in fact_table_mod.CODE_FIELDS
            }
        ),
        "niche_market_years": st.none() | st.integers(0, 9),
        "years": st.dictionaries(st.sampled_from([2021, 2022, 2023, 2024]), YEAR, max_size=4),
        "ips": st.lists(IP, max_size=3),
        "creds": st.lists(CRED, max_size=3),
        "events": st.lists(EVENT, max_size=2),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(AGG, min_size=1, max_size=8))
def test_the_column_derivations_equal_the_one_enterprise_derivation(rows) -> None:
    aggregates = [_aggregate(r) for r in rows]
    expected = columns([derive(a, ON) for a in aggregates])
    ids, actual = fact_table_mod.derive_table(_raw(aggregates), ON)
    assert ids.tolist() == list(range(1, len(rows) + 1))
    assert_same_columns(expected, actual)


def test_the_comparison_can_fail() -> None:
    aggregates = [_aggregate({**_EMPTY, "registration_date": date(2020, 1, 1)})]
    raw = _raw(aggregates)
    raw.enterprise["registration_date"][0] += 1
    with pytest.raises(AssertionError):
        assert_same_columns(columns([derive(aggregates[0], ON)]), fact_table_mod.derive_table(raw, ON)[1])


_EMPTY = {
    "registration_date": None,
    "flags": {},
    "codes": {},
    "niche_market_years": None,
    "years": {},
    "ips": [],
    "creds": [],
    "events": [],
}


def _aggregate(r: dict) -> NS:
    ent = NS(
        registration_date=r["registration_date"],
        niche_market_years=r["niche_market_years"],
        **{f: r["flags"].get(f) for f in fact_table_mod.BOOL_FIELDS},
        **{f: r["codes"].get(f) for f in fact_table_mod.CODE_FIELDS},
    )
    return NS(
        enterprise=ent,
        fiscal_years=[NS(year=y, **v) for y, v in r["years"].items()],
        ip_assets=[NS(**x) for x in r["ips"]],
        credentials=[NS(**x) for x in r["creds"]],
        compliance_events=[NS(**x) for x in r["events"]],
    )


def _raw(aggregates: list[NS]) -> NS:
    """What the store hands over for these aggregates (ids 1..n)."""

    def num(v):
        return np.nan if v is None else float(v.toordinal()) if isinstance(v, date) else float(v)

    enterprise: dict = {"id": np.arange(1, len(aggregates) + 1, dtype=np.int64)}
    for f in fact_table_mod.ENTERPRISE_FIELDS:
        enterprise[f] = np.array([num(getattr(a.enterprise, f)) for a in aggregates])
    for f in fact_table_mod.CODE_FIELDS:
        enterprise[f] = np.array([getattr(a.enterprise, f) for a in aggregates], dtype=object)
    for year, fields in fact_table_mod.fiscal_fields(ON).items():
        for f in fields:
            by_year = [{y.year: y for y in a.fiscal_years}.get(year) for a in aggregates]
            enterprise[f"{f}@{year}"] = np.array(
                [np.nan if y is None else num(getattr(y, f)) for y in by_year]
            )

    def child(name: str, fields: dict[str, str]) -> NS:
        rows = [(i, x) for i, a in enumerate(aggregates, 1) for x in getattr(a, name)]

        def raw(v):
            return v.toordinal() if isinstance(v, date) else int(v) if isinstance(v, bool) else v

        return NS(
            enterprise_id=np.array([i for i, _ in rows], dtype=np.int64),
            fields=tuple(fields),
            types=tuple(fields.values()),
            rows=[tuple(raw(getattr(x, f)) for f in fields) for _, x in rows],
        )

    return NS(
        enterprise=enterprise,
        ip_assets=child(
            "ip_assets",
            {"kind": "text", "status": "text", "core_to_main_product": "bool", "used_in_hnte": "bool"}
            | {"acquisition": "text", "high_value": "bool"},
        ),
        credentials=child(
            "credentials",
            {"kind": "text", "level": "text", "issued_on": "date", "expires_on": "date", "year": "number"}
            | {"rank": "number"},
        ),
        compliance_events=child(
            "compliance_events", {"kind": "text", "severity": "text", "occurred_on": "date"}
        ),
    )
