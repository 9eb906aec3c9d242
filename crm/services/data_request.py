"""What to ask an enterprise for: the record fields that would settle its open verdicts (pure).

``facts_to_request(verdicts, aggregate)`` turns one enterprise's verdicts into a deduplicated list of
``RequestItem`` — one record field (of one fiscal year, or of the enterprise itself), with its label, the
unit to fill it in (万元 for money), the value held now and the policies it would help settle — ordered by
what those policies are worth. The request workbook's "请填写" sheet and a pack's last page print this list.

``fields_to_check(verdicts, aggregate)`` lists the known values those same policies read (for "请核对").

Only fields an enterprise can state in one cell are asked: enterprise fields and fiscal-year figures.
The IP, credential and compliance lists are taken as complete (``crm.facts``), so they never leave a fact
unknown on their own and are not asked here. No database access: callers pass the aggregate they loaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from crm.facts import to_collect
from crm.records.fields import ENTERPRISE_FIELDS, FISCAL_YEAR_FIELDS, FieldSpec
from crm.rules.evaluate import Verdict

OPEN_OUTCOMES = ("needs_data", "likely")

# the unit an enterprise fills a field in (money: 万元; the workbook and the importer agree on it)
UNIT_OF_KIND = {"money": "万元", "date": "日期", "bool": "是/否", "choice": "选择"}
UNIT_OF_FIELD = {"staff_total": "人", "tech_staff": "人", "niche_market_years": "年"}

_SPECS: dict[str, FieldSpec] = {
    s.name: s for s in (*ENTERPRISE_FIELDS, *FISCAL_YEAR_FIELDS) if s.name != "year"
}
FISCAL_FIELDS = frozenset(s.name for s in FISCAL_YEAR_FIELDS)


@dataclass(frozen=True)
class AffectedPolicy:
    """A policy a requested value would help settle, with its outcome now and its estimated value (CNY)."""

    policy_id: str
    title: str
    outcome: str
    value: float  # the figure ordered by: middle of the estimate, else its known bound, else 0


@dataclass(frozen=True)
class RequestItem:
    """One record field to ask for (``year`` set for a fiscal-year figure), and why.

    ``held`` is the stored value (money in CNY, as stored; None = unknown); ``unit`` is what the enterprise
    fills in (万元 for money). ``policies`` are best-valued first.
    """

    field: str
    year: int | None
    label: str
    unit: str
    kind: str  # the FieldSpec kind: money | int | date | bool | choice | text ...
    held: Any
    policies: tuple[AffectedPolicy, ...]
    facts: tuple[str, ...]

    @property
    def key(self) -> str:
        """A stable key for the field and year: ``rd_expense@2025`` or ``hnte_domain``."""
        return f"{self.field}@{self.year}" if self.year else self.field

    @property
    def value(self) -> float:
        """The summed estimated value of the policies this item helps settle (CNY; the ordering key)."""
        return sum(p.value for p in self.policies)

    @property
    def spec(self) -> FieldSpec:
        return _SPECS[self.field]

    @property
    def policy_titles(self) -> list[str]:
        return [p.title for p in self.policies]


def facts_to_request(
    verdicts: Iterable[Verdict], aggregate: Any, *, outcomes: Sequence[str] = OPEN_OUTCOMES
) -> list[RequestItem]:
    """The record fields that would settle the open verdicts, deduplicated, most valuable first.

    ``verdicts``: one enterprise's verdicts (``services.matching.match(...).verdicts``); ``aggregate``: its
    records (``MatchReport.aggregate``), so only fields actually missing are asked; ``outcomes``: which
    verdicts count as open.
    """
    found: dict[str, dict[str, Any]] = {}
    for verdict in verdicts:
        if verdict.outcome not in outcomes or not verdict.to_collect:
            continue
        policy = _affected(verdict)
        for item in to_collect(verdict.to_collect, verdict.on, aggregate):
            if item.field not in _SPECS or (item.field in FISCAL_FIELDS) != (item.year is not None):
                continue
            entry = found.setdefault(f"{item.field}@{item.year}", {"item": item, "policies": {}, "facts": {}})
            entry["policies"].setdefault(policy.policy_id, policy)
            entry["facts"][item.fact] = True
    items = [_item(e["item"], aggregate, e["policies"].values(), e["facts"]) for e in found.values()]
    return sorted(items, key=lambda i: (-i.value, -len(i.policies), _field_order(i.field), -(i.year or 0)))


def fields_to_check(
    verdicts: Iterable[Verdict], aggregate: Any, *, outcomes: Sequence[str] = OPEN_OUTCOMES
) -> list[RequestItem]:
    """The values held that the open verdicts' unknown facts read (for the enterprise to check), in form order."""
    found: dict[str, dict[str, Any]] = {}
    for verdict in verdicts:
        if verdict.outcome not in outcomes or not verdict.to_collect:
            continue
        policy = _affected(verdict)
        for item in to_collect(verdict.to_collect, verdict.on):  # every field read, held or not
            if item.field not in _SPECS or (item.field in FISCAL_FIELDS) != (item.year is not None):
                continue
            if held_value(aggregate, item.field, item.year) is None:
                continue
            entry = found.setdefault(f"{item.field}@{item.year}", {"item": item, "policies": {}, "facts": {}})
            entry["policies"].setdefault(policy.policy_id, policy)
            entry["facts"][item.fact] = True
    items = [_item(e["item"], aggregate, e["policies"].values(), e["facts"]) for e in found.values()]
    return sorted(items, key=lambda i: (_field_order(i.field), -(i.year or 0)))


def held_value(aggregate: Any, field: str, year: int | None) -> Any:
    """The stored value of an enterprise field (year None) or a fiscal-year figure; None when unknown."""
    if year is None:
        return getattr(aggregate.enterprise, field, None)
    row = next((fy for fy in aggregate.fiscal_years or [] if fy.year == year), None)
    return None if row is None else getattr(row, field, None)


def unit_of(field: str) -> str:
    """The unit an enterprise fills ``field`` in: 万元, 人, 年, 日期, 是/否, 选择 or ''."""
    return UNIT_OF_FIELD.get(field) or UNIT_OF_KIND.get(_SPECS[field].kind, "")


def in_unit(field: str, value: Any) -> Any:
    """A stored value in the unit asked (money CNY -> 万元 as Decimal); other kinds unchanged."""
    if value is None or _SPECS[field].kind != "money":
        return value
    return Decimal(str(value)) / Decimal(10_000)


def _affected(verdict: Verdict) -> AffectedPolicy:
    return AffectedPolicy(verdict.policy.id, verdict.policy.title, verdict.outcome, _worth(verdict))


def _worth(verdict: Verdict) -> float:
    e = verdict.value
    if e is None:
        return 0.0
    mid = e.rank_key()
    return float(mid if mid is not None else e.low if e.low is not None else 0.0)


def _item(
    item: Any, aggregate: Any, policies: Iterable[AffectedPolicy], facts: dict[str, bool]
) -> RequestItem:
    ordered = tuple(sorted(policies, key=lambda p: -p.value))
    spec = _SPECS[item.field]
    return RequestItem(
        field=item.field,
        year=item.year,
        label=item.label,
        unit=unit_of(item.field),
        kind=spec.kind,
        held=held_value(aggregate, item.field, item.year),
        policies=ordered,
        facts=tuple(facts),
    )


_ORDER = {name: i for i, name in enumerate(_SPECS)}


def _field_order(field: str) -> int:
    return _ORDER.get(field, len(_ORDER))
