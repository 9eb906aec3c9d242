"""Validate and clean record data against crm.records.fields; errors name the field in Chinese (or English)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from typing import Any

from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, ValidationError

from crm import parsing
from crm.errors import HuiqiError
from crm.i18n import t
from crm.records.fields import SPECS, FieldSpec


@dataclass(frozen=True)
class FieldError:
    field: str
    key: str
    label_zh: str
    label_en: str
    params: dict[str, Any] = dc_field(default_factory=dict)

    def message(self, lang: str | None = None) -> str:
        """The error in the current (or given) language, naming the field."""
        from crm.i18n import current_lang

        lang = lang or current_lang.get()
        label = self.label_zh if lang == "zh" else self.label_en
        return t(self.key, lang, field=label, **self.params)


class ValidationFailed(HuiqiError):
    """One or more fields are invalid; nothing was written. The UI shows each beside its field."""

    def __init__(self, errors: list[FieldError]):
        self.errors = errors
        super().__init__()

    def message(self, lang: str | None = None) -> str:
        return "；".join(e.message(lang) for e in self.errors)

    def by_field(self, lang: str | None = None) -> dict[str, str]:
        return {e.field: e.message(lang) for e in self.errors}


def clean(entity: str, data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Parse and check ``data`` for ``entity``; raise ValidationFailed listing every bad field.

    ``partial``: only the given keys are checked (an update); otherwise required fields must be there.
    Unknown keys are ignored by design: forms may carry UI-only values.
    """
    specs = {s.name: s for s in SPECS[entity]}
    out: dict[str, Any] = {}
    errors: list[FieldError] = []
    for name, spec in specs.items():
        if partial and name not in data:
            continue
        try:
            out[name] = _clean_value(spec, data.get(name))
        except _Invalid as bad:
            errors.append(FieldError(name, bad.key, spec.zh, spec.en, bad.params))
    errors += _cross_checks(entity, out, data, specs)
    if errors:
        raise ValidationFailed(errors)
    return out


class _Invalid(Exception):
    def __init__(self, key: str, **params: Any):
        self.key, self.params = key, params


def _clean_value(spec: FieldSpec, raw: Any) -> Any:
    value = _parse(spec, raw)
    if value is None or value == [] or value == "":
        if spec.required:
            raise _Invalid("validation.required")
        return [] if spec.kind in ("tags", "names") else None
    _check_bounds(spec, value)
    return value


def _parse(spec: FieldSpec, raw: Any) -> Any:
    kind = spec.kind
    try:
        if kind == "date":
            return parsing.parse_date(raw)
        if kind == "money":
            return parsing.parse_money(raw)
        if kind in ("int", "year", "officer"):
            return parsing.parse_int(raw)
        if kind == "bool":
            return parsing.parse_bool(raw)
        if kind in ("tags", "names"):
            return parsing.parse_list(raw)
    except (ValueError, OverflowError) as exc:
        key = {"date": "validation.date", "money": "validation.money", "bool": "validation.bool"}.get(
            kind, "validation.integer"
        )
        raise _Invalid(key, value=_show(raw)) from exc
    if parsing.is_blank(raw):
        return None
    text = parsing.normalize_text(raw) if kind in ("choice", "uscc") else str(raw).strip()
    if kind == "uscc":
        text = text.upper().replace(" ", "")
    return text


# a login name is also a file name (calendar feeds, batch folders): nothing a path could misread
USERNAME = re.compile(r"[a-z0-9_-][a-z0-9._-]{0,63}")


def _check_bounds(spec: FieldSpec, value: Any) -> None:
    if spec.name == "username" and not USERNAME.fullmatch(value):
        raise _Invalid("validation.username", value=_show(value))
    if spec.kind == "choice":
        assert spec.choices is not None
        if value not in spec.choices:
            matches = [code for code, labels in spec.choices.items() if value in labels[:2]]
            if len(matches) != 1:
                choices = "、".join(labels[0] for labels in spec.choices.values())
                raise _Invalid("validation.choice", value=_show(value), choices=choices)
    if spec.max_len is not None and isinstance(value, str) and len(value) > spec.max_len:
        raise _Invalid("validation.too_long", max=spec.max_len)
    if spec.kind == "year" and not 1990 <= value <= date.today().year + 1:
        raise _Invalid("validation.year_range", max=date.today().year + 1)
    if spec.min is not None and value < spec.min:
        raise _Invalid("validation.min", min=_num(spec.min))
    if spec.max is not None and value > spec.max:
        raise _Invalid("validation.max", max=_num(spec.max))
    if (
        spec.kind == "date"
        and spec.name in ("registration_date", "grant_date", "occurred_on", "issued_on")
        and value > date.today()
    ):
        raise _Invalid("validation.date_future")


def choice_code(spec: FieldSpec, value: str) -> str:
    """Accept a code or its zh/en label; return the code."""
    assert spec.choices is not None
    if value in spec.choices:
        return value
    return next(code for code, labels in spec.choices.items() if value in labels[:2])


def _cross_checks(
    entity: str, out: dict[str, Any], raw: dict[str, Any], specs: dict[str, FieldSpec]
) -> list[FieldError]:
    for name, spec in specs.items():
        if spec.kind == "choice" and out.get(name) is not None:
            out[name] = choice_code(spec, out[name])
    errors: list[FieldError] = []
    if entity == "enterprise" and out.get("uscc"):
        err = check_uscc(out["uscc"], out.get("uscc_override_reason") or raw.get("uscc_override_reason"))
        if err:
            errors.append(FieldError("uscc", err, specs["uscc"].zh, specs["uscc"].en, {"value": out["uscc"]}))
    if entity == "fiscalyear":
        errors += _pair(out, specs, "tech_staff", "staff_total", "validation.tech_staff_exceeds")
        errors += _pair(out, specs, "rd_expense_domestic", "rd_expense", "validation.rd_domestic_exceeds")
    if entity == "credential":
        errors += _pair(
            out, specs, "issued_on", "expires_on", "validation.expires_before_issued", field="expires_on"
        )
    return errors


def _pair(
    out: dict[str, Any],
    specs: dict[str, FieldSpec],
    part: str,
    whole: str,
    key: str,
    field: str | None = None,
) -> list[FieldError]:
    a, b = out.get(part), out.get(whole)
    if a is None or b is None or a <= b:
        return []
    name = field or part
    return [FieldError(name, key, specs[name].zh, specs[name].en)]


def check_uscc(code: str, override_reason: str | None = None) -> str | None:
    """None when the code is valid (or a wrong check digit is overridden with a reason); else the error key."""
    try:
        stdnum_uscc.validate(code)
    except InvalidChecksum:
        return None if (override_reason or "").strip() else "validation.uscc_checksum"
    except ValidationError:
        return "validation.uscc_format"
    return None


def _show(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)
