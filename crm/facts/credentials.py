"""Facts about credentials (certificates, titles, awards) as of a date, when some are known only by year.

A certificate with an issue or expiry date has an exact validity (``crm.facts.derive.anniversary``). One known
only by its year was issued somewhere in that year, so its expiry lies somewhere in the year of its last
anniversary: before that range it is certainly held, after it certainly expired, and inside it "held" is
unknown — the officer is asked for the certificate date, never told it silently expired. An award known only by
year is inside a "within N years" window when the whole year is, outside when none of it is, else unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from crm.domain import VALIDITY_YEARS
from crm.facts.derive import View, anniversary, within_years


def valid_until(kind: str) -> Callable[[View], date | None]:
    """The last day a credential of ``kind`` holds: exact, or (known only by year) the earliest possible last
    day while that is still ahead, the latest once it has certainly passed, unknown in between."""

    def derive_until(v: View) -> date | None:
        span = expiry_span(v, kind)
        if span is None:
            return None
        low, high = span
        if low == high or v.on <= low:
            return low
        return high if v.on > high else None

    return derive_until


def holds(kind: str) -> Callable[[View], bool | None]:
    """Holds a valid credential of ``kind`` on the as-of date (unknown while a year-only expiry may have passed)."""

    def derive_holds(v: View) -> bool | None:
        if not v.credentials(kind):
            return False
        span = expiry_span(v, kind)
        if span is None:
            return None  # a credential with no date at all
        low, high = span
        return True if v.on <= low else False if v.on > high else None

    return derive_holds


def expiry_span(v: View, kind: str) -> tuple[date, date] | None:
    """The earliest and latest possible last valid day of the longest-lived credential of ``kind``."""
    spans = [credential_span(c, VALIDITY_YEARS.get(kind, 3)) for c in v.credentials(kind)]
    known = [s for s in spans if s is not None]
    if not known or len(known) < len(spans) and all(s[1] < v.on for s in known):
        return None  # only undated credentials could still be valid
    return max(s[0] for s in known), max(s[1] for s in known)


def credential_span(cred: Any, years: int) -> tuple[date, date] | None:
    """(earliest, latest) last valid day: one day when dated, a year's range when known only by year."""
    if cred.expires_on is not None:
        return cred.expires_on, cred.expires_on
    if cred.issued_on is not None:
        end = anniversary(cred.issued_on, years) - timedelta(days=1)
        return end, end
    if cred.year:
        first, last = date(cred.year, 1, 1), date(cred.year, 12, 31)
        return anniversary(first, years) - timedelta(days=1), anniversary(last, years) - timedelta(days=1)
    return None


def has_credential(
    kinds: str | tuple[str, ...], years: int | None, top: int | None = None
) -> Callable[[View], bool | None]:
    """Holds a credential of one of ``kinds`` dated within the last ``years`` years (None: ever) and, with
    ``top``, ranked among the first ``top`` award units (the rank unknown: unknown)."""
    wanted = (kinds,) if isinstance(kinds, str) else kinds

    def derive_has(v: View) -> bool | None:
        found = [_qualifies(c, years, top, v.on) for k in wanted for c in v.credentials(k)]
        return True if True in found else None if None in found else False

    return derive_has


def zjtx_award(v: View) -> bool | None:
    """专精特新's award route: a provincial S&T award ranked among the first three, or a national S&T award at
    any rank, within the last three years."""
    found = [has_credential("provincial_st_award", 3, top=3)(v), has_credential("national_st_award", 3)(v)]
    return True if True in found else None if None in found else False


def _qualifies(cred: Any, years: int | None, top: int | None, on: date) -> bool | None:
    dated = _within(cred, years, on)
    if top is None or dated is False:
        return dated
    rank = getattr(cred, "rank", None)
    ranked = None if rank is None else rank <= top
    return False if ranked is False else None if None in (dated, ranked) else True


def _within(cred: Any, years: int | None, on: date) -> bool | None:
    if years is None:
        return True
    start = within_years(years, on)
    if cred.issued_on is not None:
        return start <= cred.issued_on
    if cred.year:
        return True if date(cred.year, 1, 1) >= start else False if date(cred.year, 12, 31) < start else None
    return None


def key_institution(v: View) -> bool | None:
    """On the talent key-institution list: a credential says so, else the enterprise's flag."""
    return True if v.credentials("key_institution") else v.ent_attr("key_institution")
