"""What a pack asks an enterprise for: the facts still to collect per verdict, the values held for checking,
and the last page's rows from the data-request service (the same list as the request workbook)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from crm.domain import label
from crm.facts import CATALOGUE, FIELD_ZH
from crm.facts.catalogue import CollectItem
from crm.facts.derive import field_missing
from crm.records.fields import ENTERPRISE_FIELDS, FISCAL_YEAR_FIELDS
from crm.rules.evaluate import Trace, Verdict
from crm.rules.explain import CODE_VOCABULARIES

# Money fields as the record specs declare them (one list: a new money field is CNY here too).
MONEY_FIELDS = frozenset(s.name for s in (*ENTERPRISE_FIELDS, *FISCAL_YEAR_FIELDS) if s.kind == "money")


def to_collect(verdict: Verdict, leaves: list[Trace], aggregate: Any) -> list[dict[str, Any]]:
    """The record fields (per fiscal year) still missing for the verdict's unknown facts."""
    why: dict[str, str] = {}
    for t in leaves:
        for fact in t.missing:
            why.setdefault(fact, t.node.label)
    items = []
    for fact in verdict.to_collect:
        spec = CATALOGUE.get(fact)
        for item in spec.to_collect(verdict.on, aggregate) if spec else [CollectItem(fact, None, None, fact)]:
            if item.field in _LISTS:  # lists are taken as complete (crm.facts): not asked for
                continue
            items.append(
                {
                    "fact": fact,
                    "field": item.field,
                    "year": item.year,
                    "label": FIELD_ZH.get(item.field or "", "") or item.label,
                    "unit": _field_unit(item.field, spec.unit if spec else None),
                    "why": f"用于核实：{why.get(fact, '')}".rstrip("："),
                }
            )
    return items


def data_request_rows(verdicts: Sequence[Verdict], aggregate: Any) -> list[dict[str, Any]]:
    """The pack's last page, from the data-request service (the same list as the request workbook): the fields
    that would settle the open verdicts, then the values held for checking; words for codes and yes/no."""
    from crm.services import data_request

    asked = data_request.facts_to_request(verdicts, aggregate)
    checked = data_request.fields_to_check(verdicts, aggregate)
    return [_request_row(item, missing=True) for item in asked] + [
        _request_row(item, missing=False) for item in checked
    ]


def _request_row(item: Any, *, missing: bool) -> dict[str, Any]:
    spec = item.spec
    value = item.held
    if isinstance(value, bool):
        value = "是" if value else "否"
    elif spec.choices and isinstance(value, str):
        value = label(spec.choices, value)
    return {
        "label": spec.zh,
        "year": item.year,
        "unit": _field_unit(item.field, None),
        "unit_text": item.unit,
        "value": None if missing else value,
        "missing": missing,
        "policies": item.policy_titles,
    }


def to_check(verdict: Verdict, aggregate: Any) -> list[dict[str, Any]]:
    """The values held for the same facts' other fields and years: printed beside the request for checking."""
    if aggregate is None:
        return []
    items = []
    for fact in verdict.to_collect:
        spec = CATALOGUE.get(fact)
        for item in spec.to_collect(verdict.on, None) if spec else []:
            if item.field is None or item.field in _LISTS or field_missing(aggregate, item.field, item.year):
                continue
            value = _field_value(aggregate, item.field, item.year)
            unit = _field_unit(item.field, spec.unit if spec else None)
            label = FIELD_ZH.get(item.field, item.field)
            items.append(
                {"field": item.field, "year": item.year, "label": label, "unit": unit, "value": value}
            )
    return items


_LISTS = ("ip_assets", "credentials", "compliance_events")
_PEOPLE = ("staff_total", "tech_staff")


def _field_unit(field: str | None, fact_unit: str | None) -> str | None:
    """The unit a record field is written in: CNY, people, years, bool, list (None: a choice or a date)."""
    if field in _LISTS:
        return "list"
    if field in _PEOPLE:
        return "people"
    if field == "niche_market_years":
        return "years"
    if field is not None and FIELD_ZH.get(field, "").startswith("是否"):
        return "bool"
    if field in MONEY_FIELDS:
        return "CNY"
    return None if field else (fact_unit or None)


def _field_value(aggregate: Any, field: str, year: int | None) -> Any:
    """A held record value in words where it is a code or a yes/no (the pack prints no codes)."""
    if year is None:
        value = getattr(aggregate.enterprise, field, None)
    else:
        row = next((fy for fy in aggregate.fiscal_years if fy.year == year), None)
        value = getattr(row, field, None) if row is not None else None
    if isinstance(value, bool):
        return "是" if value else "否"
    vocabulary = CODE_VOCABULARIES.get(field)
    return label(vocabulary, value) if vocabulary and isinstance(value, str) else value
