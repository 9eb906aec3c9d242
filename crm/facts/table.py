"""Every catalogue fact of every enterprise at once, from raw record columns (the re-match's fact table).

The same derivations as ``crm.facts.derive`` done with numpy over all enterprises: ``derive_table(raw, on)``
equals ``columns([derive(aggregate, on) for ...])`` value for value (a test compares them on random
aggregates). ``raw`` is what ``crm.store.fact_inputs.load_fact_inputs`` returns for the fields named here:
``enterprise`` columns (``id``, the fields of ``ENTERPRISE_FIELDS``/``CODE_FIELDS`` and fiscal-year fields
as ``<field>@<year>``), and the child tables ``ip_assets``, ``credentials``, ``compliance_events``.
A numeric fact is carried as (low, high, known): exact where low == high, an ``Interval`` where not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import numpy as np

from crm.domain import SPORTS_DIVISIONS
from crm.facts.bounds import high_key, low_key
from crm.facts.catalogue import CATALOGUE, Fact
from crm.facts.derive import age_in_years
from crm.facts.rows import Part, Rows, is_list_fact, list_fact, per_unique
from crm.facts.size import STANDARD, industries

Columns = Mapping[str, np.ndarray]
INF = np.inf
BOOL_FIELDS = (
    "resident_enterprise",
    "independent_legal_person",
    "registered_in_shanghai",
    "tax_in_shanghai",
    "key_institution",
    "in_restricted_catalogue",
    "abnormal_operation_listed",
    "serious_dishonesty_listed",
    "strategic_emerging",
)
ENTERPRISE_FIELDS = ("registration_date", "niche_market_years", *BOOL_FIELDS)
CODE_FIELDS = ("legal_form", "sports_division", "wenchuang_sector", "hnte_domain", "industry_code")
ENTERPRISE_TYPES = {
    "registration_date": "date",
    "niche_market_years": "number",
    **dict.fromkeys(BOOL_FIELDS, "bool"),
    **dict.fromkeys(CODE_FIELDS, "text"),
}


def fiscal_fields(on: date) -> dict[int, tuple[str, ...]]:
    """The fiscal-year fields the catalogue reads, by calendar year (as of ``on``)."""
    out: dict[int, set[str]] = {}
    for fact in CATALOGUE.values():
        for read in fact.reads:
            for back in read.years_back:
                out.setdefault(on.year - back, set()).add(read.field)
    return {year: tuple(sorted(fields)) for year, fields in sorted(out.items())}


def derive_table(
    raw: Any, on: date, catalogue: Mapping[str, Fact] | None = None
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Enterprise ids and every fact column as ``crm.facts.columns`` makes them from derived rows."""
    t = Rows(raw, on)
    out: dict[str, np.ndarray] = {}
    for name, fact in (catalogue or CATALOGUE).items():
        if is_list_fact(fact):
            out.update(list_fact(t, fact, ENTERPRISE_TYPES))
            continue
        value = DERIVE[name](t)
        if fact.type == "code":
            out[name] = value
        elif isinstance(value, Part):
            _numeric(out, name, value)
        else:
            out[name] = value
    return t.ids, out


def _numeric(out: dict[str, np.ndarray], name: str, p: Part) -> None:
    exact = p.known & (p.low == p.high)
    out[name] = np.where(exact, p.low, np.nan)
    if (p.known & ~exact).any():
        out[low_key(name)] = np.where(p.known, p.low, np.nan)
        out[high_key(name)] = np.where(p.known, p.high, np.nan)


# --- numeric combinators (crm.facts.bounds over arrays) -------------------------------------------------


def sum_known(parts: list[np.ndarray], included: list[np.ndarray] | None = None) -> Part:
    """``bounds.sum_bounds`` of exact-or-unknown parts; ``included`` drops a part from a row's list."""
    n = len(parts[0])
    inc = included or [np.ones(n, bool)] * len(parts)
    none = [m & np.isnan(p) for p, m in zip(parts, inc, strict=True)]
    some = np.zeros(n, bool)
    missing = np.zeros(n, bool)
    negative = np.zeros(n, bool)
    low, high = np.zeros(n), np.zeros(n)
    for p, m, unknown in zip(parts, inc, none, strict=True):
        some |= m & ~unknown
        missing |= unknown
        with np.errstate(invalid="ignore"):
            negative |= m & ~unknown & (p < 0)
        low = low + np.where(m & ~unknown, p, 0.0)
        high = high + np.where(m, np.where(unknown, INF, p), 0.0)
    return Part(low, high, some & ~(missing & negative))


def ratio(num: Part, den: Part) -> Part:
    """``bounds.ratio_bounds`` over arrays."""
    with np.errstate(invalid="ignore", divide="ignore"):
        both = _exact(num) & _exact(den)
        quotient = num.low / den.low
        nonneg = (~num.known | (num.low >= 0)) & (~den.known | (den.low >= 0))
        n_low, n_high = np.where(num.known, num.low, 0.0), np.where(num.known, num.high, INF)
        d_low, d_high = np.where(den.known, den.low, 0.0), np.where(den.known, den.high, INF)
        low = np.where(d_high == INF, 0.0, n_low / d_high)
        high = n_high / d_low
        open_ = nonneg & (d_low > 0) & ~((low == 0) & (high == INF))
    exact_known = both & (den.low > 0)
    return Part(
        np.where(both, quotient, low),
        np.where(both, quotient, high),
        np.where(both, exact_known, ~both & open_),
    )


def _exact(p: Part) -> np.ndarray:
    return p.known & (p.low == p.high)


def growth(v1: np.ndarray, v2: np.ndarray, v3: np.ndarray) -> Part:
    """HNTE growth g = ½·(V2/V1 + V3/V2) − 1 where all three are known and V1, V2 > 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = ~np.isnan(v1) & ~np.isnan(v2) & ~np.isnan(v3) & (v1 > 0) & (v2 > 0)
        return Part.exact(np.where(ok, (v2 / v1 + v3 / v2) / 2 - 1, np.nan))


def fy_ratio(num: str, den: str) -> Callable[[Rows], Part]:
    return lambda t: ratio(Part.exact(t.fy(1, num)), Part.exact(t.fy(1, den)))


def ratio_3y(num: str, den: str) -> Callable[[Rows], Part]:
    def derive(t: Rows) -> Part:
        inc = window(t, 3)
        return ratio(
            sum_known([t.fy(b, num) for b in (1, 2, 3)], inc),
            sum_known([t.fy(b, den) for b in (1, 2, 3)], inc),
        )

    return derive


def net_assets(t: Rows, back: int) -> np.ndarray:
    return t.fy(back, "total_assets") - t.fy(back, "total_liabilities")


def years_since_registration(t: Rows) -> Part:
    reg = t.attr("registration_date")
    return Part.exact(per_unique(reg, lambda o: age_in_years(date.fromordinal(int(o)), t.on)))


def window(t: Rows, n: int) -> list[np.ndarray]:
    """``derive.window`` as masks: which of the last ``n`` years (1 = last year) count in each row."""
    reg_year = t.registration_year()
    with np.errstate(invalid="ignore"):
        inc = [np.isnan(reg_year) | (t.on.year - b >= reg_year) for b in range(1, n + 1)]
    inc[0] = np.ones(t.n, bool)  # the last year always counts ([1] when nothing else does)
    return inc


def sum_years(name: str, n: int) -> Callable[[Rows], Part]:
    return lambda t: sum_known([t.fy(b, name) for b in range(1, n + 1)], window(t, n))


def mean_years(name: str, n: int) -> Callable[[Rows], Part]:
    def derive(t: Rows) -> Part:
        inc = window(t, n)
        s = sum_known([t.fy(b, name) for b in range(1, n + 1)], inc)
        count = np.sum(inc, axis=0).astype(np.float64)
        return Part(s.low / count, s.high / count, s.known)

    return derive


def single_year_growth(name: str) -> Callable[[Rows], Part]:
    """``derive.single_year_growth``: last year over the year before, minus one."""

    def derive(t: Rows) -> Part:
        before, last = t.fy(2, name), t.fy(1, name)
        with np.errstate(invalid="ignore", divide="ignore"):
            ok = ~np.isnan(before) & ~np.isnan(last) & (before > 0)
            return Part.exact(np.where(ok, last / before - 1, np.nan))

    return derive


def _industry_groups(t: Rows) -> tuple[list[tuple[str, ...]], np.ndarray]:
    """The candidate 划型 industries of each distinct (industry code, division), and each row's group."""
    keys = [
        f"{c or ''}|{d or ''}"
        for c, d in zip(t.e["industry_code"].tolist(), t.e["sports_division"].tolist(), strict=True)
    ]
    uniq, inverse = np.unique(np.array(keys, dtype=object), return_inverse=True)
    found = [industries(*(part or None for part in key.split("|"))) for key in uniq.tolist()]
    return found, inverse.reshape(-1)


def sme_by_industry(t: Rows) -> np.ndarray:
    """``derive.sme_by_industry`` over arrays: 1 SME, 0 not, NaN unknown."""
    figures = {
        "staff": t.fy(1, "staff_total"),
        "revenue": t.fy(1, "sales_revenue"),
        "assets": t.fy(1, "total_assets"),
    }
    candidates, group = _industry_groups(t)
    out = np.full(t.n, np.nan)
    for g, names in enumerate(candidates):
        rows = group == g
        answers = [_is_sme(STANDARD[name], {k: v[rows] for k, v in figures.items()}) for name in names]
        if not answers:
            continue
        first = answers[0]
        agree = np.ones(len(first), bool)
        for other in answers[1:]:
            agree &= (first == other) | (np.isnan(first) & np.isnan(other))
        out[rows] = np.where(agree, first, np.nan)
    return out


def _is_sme(ceilings: Any, figures: dict[str, np.ndarray]) -> np.ndarray:
    n = len(next(iter(figures.values())))
    under, unknown = np.zeros(n, bool), np.zeros(n, bool)
    for key in ("staff", "revenue", "assets"):
        limit = getattr(ceilings, key)
        if limit is None:
            continue
        value = figures[key]
        with np.errstate(invalid="ignore"):
            under |= value < limit
        unknown |= np.isnan(value)
    return np.where(under, 1.0, np.where(unknown, np.nan, 0.0))


def sme_industry(t: Rows) -> np.ndarray:
    candidates, group = _industry_groups(t)
    names = np.array([c[0] if len(c) == 1 else "" for c in candidates] or [""], dtype=object)
    return names[group] if t.n else np.array([], dtype=object)


def code(name: str) -> Callable[[Rows], np.ndarray]:
    return lambda t: np.array(["" if v is None else str(v) for v in t.e[name].tolist()], dtype=object)


def attr(name: str) -> Callable[[Rows], np.ndarray]:
    return lambda t: t.attr(name)


def fy(name: str, back: int = 1) -> Callable[[Rows], Part]:
    return lambda t: Part.exact(t.fy(back, name))


# fmt: off
DERIVE: dict[str, Callable[[Rows], Any]] = {
    "registration_date": attr("registration_date"),
    "years_since_registration": years_since_registration,
    **{name: attr(name) for name in ("resident_enterprise", "independent_legal_person", "registered_in_shanghai",
                                     "tax_in_shanghai", "in_restricted_catalogue")},
    **{name: code(name) for name in CODE_FIELDS},
    "niche_market_years": lambda t: Part.exact(t.attr("niche_market_years")),
    "staff_total": fy("staff_total"),
    "tech_staff_ratio": fy_ratio("tech_staff", "staff_total"),
    "sales_revenue_last_year": fy("sales_revenue"),
    "total_income_last_year": fy("total_income"),
    "total_assets_last_year": fy("total_assets"),
    "tax_paid_last_year": fy("tax_paid"),
    "total_cost_last_year": fy("total_cost"),
    "rd_expense_last_year": fy("rd_expense"),
    "rd_ratio_last_year": fy_ratio("rd_expense", "sales_revenue"),
    "rd_to_cost_last_year": fy_ratio("rd_expense", "total_cost"),
    "rd_ratio_3y": ratio_3y("rd_expense", "sales_revenue"),
    "rd_domestic_share_3y": ratio_3y("rd_expense_domestic", "rd_expense"),
    "hightech_income_share": fy_ratio("hightech_income", "total_income"),
    "sales_growth_3y": lambda t: growth(*(t.fy(b, "sales_revenue") for b in (3, 2, 1))),
    "net_asset_growth_3y": lambda t: growth(*(net_assets(t, b) for b in (3, 2, 1))),
    "equity_financing_2y": sum_years("equity_financing", 2),
    "equity_financing_3y": sum_years("equity_financing", 3),
    "main_business_growth_last_year": single_year_growth("main_business_revenue"),
    "main_business_share_last_year": fy_ratio("main_business_revenue", "sales_revenue"),
    "debt_ratio_last_year": fy_ratio("total_liabilities", "total_assets"),
    "strategic_emerging": attr("strategic_emerging"),
    "sme_by_industry": sme_by_industry,
    "sports_enterprise": lambda t: np.array(
        [1.0 if d in SPORTS_DIVISIONS else np.nan for d in t.e["sports_division"].tolist()]
    ),
    "sme_industry": sme_industry,
    "rd_expense_avg_2y": mean_years("rd_expense", 2),
}
# fmt: on
