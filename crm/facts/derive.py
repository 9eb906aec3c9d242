"""How each fact is derived from an enterprise's records as of a date (the catalogue names the derivations).

Pure: reads duck-typed aggregates (ORM rows or profile namespaces), never the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from crm.domain import IP_KINDS, SPORTS_DIVISIONS
from crm.facts.bounds import Interval, Partial, count_bounds, ratio_bounds, sum_bounds
from crm.facts.size import industries, sme_status


class View:
    """An aggregate seen as of a date: fiscal years by offset, valid IP, dated events."""

    def __init__(self, aggregate: Any, on: date) -> None:
        self.agg = aggregate
        self.on = on
        self.ent = aggregate.enterprise
        self.years = {fy.year: fy for fy in (aggregate.fiscal_years or [])}

    def fy(self, back: int, name: str) -> float | None:
        row = self.years.get(self.on.year - back)
        return num(getattr(row, name, None)) if row is not None else None

    def ent_attr(self, name: str) -> Any:
        return getattr(self.ent, name, None)

    def valid_ip(self) -> list[Any]:
        return [
            ip for ip in (self.agg.ip_assets or []) if (getattr(ip, "status", None) or "valid") == "valid"
        ]

    def credentials(self, kind: str) -> list[Any]:
        return [c for c in (self.agg.credentials or []) if c.kind == kind]

    def events(self, kinds: Iterable[str], severities: Iterable[str], start: date) -> list[Any]:
        """Events of these kinds and severities dated from ``start`` to the as-of date (undated ones count)."""
        kinds, severities = set(kinds), set(severities)
        return [
            e
            for e in (self.agg.compliance_events or [])
            if e.kind in kinds
            and (e.severity or "minor") in severities
            and (e.occurred_on is None or start <= e.occurred_on <= self.on)
        ]


def num(value: Any) -> float | None:
    return None if value is None else float(value)


def field_missing(aggregate: Any, field: str, year: int | None) -> bool:
    if field in ("ip_assets", "credentials", "compliance_events"):
        return True
    if year is None:
        return getattr(aggregate.enterprise, field, None) is None
    row = next((fy for fy in aggregate.fiscal_years or [] if fy.year == year), None)
    return row is None or getattr(row, field, None) is None


def ratio(num: Partial, den: Partial) -> Partial:
    """num / den; an interval when a part is partly known (``crm.facts.bounds``), None when it says nothing."""
    return ratio_bounds(num, den)


def sum_known(values: list[float | None]) -> Partial:
    """The sum; at least the known part's sum when some parts are unknown (figures are never negative)."""
    return sum_bounds(values)


# --- calendar --------------------------------------------------------------------------------------
# Legal terms (满一年, 满三年, three-year validity) run from calendar anniversaries, not fractions of 365.25 days.
# The n-th anniversary of 29 February in a common year is 28 February: a period without a corresponding day
# ends on the last day of that month (民法典第二百零二条). So a firm registered on 2024-02-29 is one year old on
# 2025-02-28, and a certificate of 2024-02-29 valid for three years holds through 2027-02-27 (the day before
# its third anniversary, like every other certificate).


def anniversary(start: date, years: int) -> date:
    """``start`` moved by whole ``years`` (negative: back); 29 February becomes 28 February in a common year."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def age_in_years(start: date, on: date) -> float:
    """Completed years from ``start`` to ``on`` by anniversaries, plus the elapsed share of the current year
    (exactly n on the n-th anniversary; 0 before ``start``)."""
    if on < start:
        return 0.0
    full = on.year - start.year
    if anniversary(start, full) > on:
        full -= 1
    last, following = anniversary(start, full), anniversary(start, full + 1)
    return full + round((on - last).days / (following - last).days, 4)


def within_years(years: int, on: date) -> date:
    """The first day of "the last ``years`` years" before ``on``: the same calendar date ``years`` earlier."""
    return anniversary(on, -years)


def since_last_year(on: date) -> date:
    """The first day of "上一年及当年" (last year and this year): 1 January of last year."""
    return date(on.year - 1, 1, 1)


# --- derivations -----------------------------------------------------------------------------------


def years_since_registration(v: View) -> float | None:
    reg = v.ent_attr("registration_date")
    return None if reg is None else age_in_years(reg, v.on)


def window(v: View, n: int) -> list[int]:
    """The last ``n`` fiscal years (1 = last year), without years before registration."""
    reg = v.ent_attr("registration_date")
    backs = [b for b in range(1, n + 1) if reg is None or v.on.year - b >= reg.year]
    return backs or [1]


def ratio_3y(v: View, num: str, den: str) -> Partial:
    backs = window(v, 3)
    return ratio(sum_known([v.fy(b, num) for b in backs]), sum_known([v.fy(b, den) for b in backs]))


def sum_years(v: View, name: str, n: int) -> Partial:
    """A figure summed over the last ``n`` fiscal years the enterprise existed in (partly known: an interval)."""
    return sum_known([v.fy(b, name) for b in window(v, n)])


def mean_years(v: View, name: str, n: int) -> Partial:
    """The yearly average of a figure over the last ``n`` fiscal years the enterprise existed in."""
    backs = window(v, n)
    total = sum_known([v.fy(b, name) for b in backs])
    return None if total is None else total / len(backs)


def growth(values: list[float | None]) -> float | None:
    """HNTE growth g = ½·(V2/V1 + V3/V2) − 1, V1 the oldest year."""
    v1, v2, v3 = values
    if v1 is None or v2 is None or v3 is None or v1 <= 0 or v2 <= 0:
        return None
    return (v2 / v1 + v3 / v2) / 2 - 1


def net_assets(v: View, back: int) -> float | None:
    assets, liabilities = v.fy(back, "total_assets"), v.fy(back, "total_liabilities")
    return None if assets is None or liabilities is None else assets - liabilities


def ip_count(v: View, wanted: int, unused: bool = False) -> int:
    """Valid items of IP class ``wanted``; with ``unused``, Class II items already used in an HNTE application
    are left out (a Class II item backs one HNTE application only; tech-SME and 创新型 scoring count it)."""
    return sum(1 for ip in v.valid_ip() if ip_class(ip) == wanted and not (unused and used_for_hnte(ip)))


def ip_class(ip: Any) -> int | None:
    entry = IP_KINDS.get(ip.kind)
    return entry[2] if entry else None


def used_for_hnte(ip: Any) -> bool:
    """A Class II item recorded as used in an earlier HNTE application (Class I items may be used again)."""
    return ip_class(ip) == 2 and getattr(ip, "used_in_hnte", None) is True


def core_ip_count(v: View) -> int | Interval:
    """Core items that can back an HNTE application (no Class II item used before); between the checked ones
    and all of them while some are not checked."""
    counted = [ip for ip in v.valid_ip() if ip_class(ip) in (1, 2) and not used_for_hnte(ip)]
    core = sum(1 for ip in counted if getattr(ip, "core_to_main_product", None) is True)
    unchecked = sum(1 for ip in counted if getattr(ip, "core_to_main_product", None) is None)
    return count_bounds(core, unchecked)


def main_ip_count(v: View, wanted: int, own: bool = False, high_value: bool = False) -> int | Interval:
    """Valid items of class ``wanted`` tied to the main product (创新型中小企业 IP indicator), optionally only
    own-developed or high-value ones; an interval while some of those marks are not recorded."""
    sure = maybe = 0
    for ip in v.valid_ip():
        if ip_class(ip) != wanted:
            continue
        marks = [getattr(ip, "core_to_main_product", None)]
        marks += [_own(ip)] if own else []
        marks += [getattr(ip, "high_value", None)] if high_value else []
        if all(m is True for m in marks):
            sure += 1
        elif False not in marks:
            maybe += 1
    return count_bounds(sure, maybe)


def _own(ip: Any) -> bool | None:
    acquisition = getattr(ip, "acquisition", None)
    return None if acquisition is None else acquisition == "own"


def single_year_growth(v: View, name: str) -> float | None:
    """Last year's growth of a figure over the year before: V(last) / V(year before) − 1."""
    before, last = v.fy(2, name), v.fy(1, name)
    return None if before is None or last is None or before <= 0 else last / before - 1


def any_event(
    kinds: tuple[str, ...], severities: tuple[str, ...], start: Callable[[date], date]
) -> Callable[[View], bool]:
    """Whether such an event happened from ``start(on)`` to ``on`` (calendar windows, see above)."""
    return lambda v: bool(v.events(kinds, severities, start(v.on)))


def listed(flag: str, kind: str) -> Callable[[View], bool | None]:
    def derive_flag(v: View) -> bool | None:
        if v.events((kind,), ("major", "serious", "minor"), within_years(1, v.on)):
            return True
        return v.ent_attr(flag)

    return derive_flag


def sme_by_industry(v: View) -> bool | None:
    """An SME under its industry's "or" ceilings (``crm.facts.size``), from last year's staff, revenue, assets."""
    return sme_status(
        v.ent_attr("industry_code"),
        v.ent_attr("sports_division"),
        v.fy(1, "staff_total"),
        v.fy(1, "sales_revenue"),
        v.fy(1, "total_assets"),
    )


def sports_enterprise(v: View) -> bool | None:
    """A sports enterprise: its 体育产业类别 is recorded (unknown until it is; the divisions are all sports)."""
    return True if v.ent_attr("sports_division") in SPORTS_DIVISIONS else None


def sme_industry(v: View) -> str | None:
    """The 划型 industry the size standard applies (None: unknown, or two possible ones)."""
    found = industries(v.ent_attr("industry_code"), v.ent_attr("sports_division"))
    return found[0] if len(found) == 1 else None


def attr(name: str) -> Callable[[View], Any]:
    return lambda v: v.ent_attr(name)


def fy(name: str, back: int = 1) -> Callable[[View], float | None]:
    return lambda v: v.fy(back, name)


def fy_ratio(num: str, den: str) -> Callable[[View], Partial]:
    return lambda v: ratio(v.fy(1, num), v.fy(1, den))


def fy_int(name: str) -> Callable[[View], int | None]:
    return lambda v: None if (x := v.fy(1, name)) is None else int(x)


def titled(kinds: tuple[str, ...]) -> Callable[[View], bool]:
    """Holds a title of one of ``kinds`` that has not expired (a title without an expiry date counts)."""

    def derive_titled(v: View) -> bool:
        return any(
            c.expires_on is None or c.expires_on >= v.on for kind in kinds for c in v.credentials(kind)
        )

    return derive_titled
