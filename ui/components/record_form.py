"""A form built from crm.records.fields specs: one widget per field, errors shown beside each field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from nicegui import ui

from crm.records.fields import SPECS, FieldSpec
from crm.services.enterprises import officers
from ui.format import field_label, money_wan_exact, show_date
from ui.i18n_ui import lang, tr

YES, NO = "yes", "no"
_BARE_NUMBER = re.compile(r"^[\s\d.,，０-９．]+$")


@dataclass
class RecordForm:
    """The widgets of one record's form; ``data()`` gives what the services expect."""

    entity: str
    inputs: dict[str, Any] = field(default_factory=dict)

    @property
    def specs(self) -> dict[str, FieldSpec]:
        return {s.name: s for s in SPECS[self.entity]}

    def data(self) -> dict[str, Any]:
        """The typed values; money typed as a bare number means 万元, as labelled."""
        return {name: _value_out(self.specs[name], widget.value) for name, widget in self.inputs.items()}

    def show_errors(self, errors: dict[str, str]) -> None:
        """Put each message beside its field and clear the others."""
        for name, widget in self.inputs.items():
            widget.error = errors.get(name)

    def values_of(self, record: Any) -> None:
        """Load a stored record into the widgets (an edit)."""
        for name, widget in self.inputs.items():
            value = _value_in(self.specs[name], getattr(record, name, None))
            if self.specs[name].kind == "officer" and value is not None and value not in widget.options:
                widget.options[value] = f"#{value}"  # a since-deactivated officer still shows
                widget.update()
            widget.value = value


def record_form(
    entity: str, record: Any | None = None, *, columns: int = 3, only: tuple[str, ...] | None = None
) -> RecordForm:
    """Lay out the form for ``entity`` (all fields, or ``only`` these) and fill it from ``record``."""
    form = RecordForm(entity)
    specs = [s for s in SPECS[entity] if only is None or s.name in only]
    with ui.grid(columns=columns).classes("w-full gap-x-4 gap-y-1"):
        for spec in specs:
            form.inputs[spec.name] = _widget(spec, lang()).mark(f"field-{spec.name}")
    if record is not None:
        form.values_of(record)
    return form


def _widget(spec: FieldSpec, lang_: str) -> Any:
    label = field_label(spec, lang_) + (" *" if spec.required else "")
    if spec.kind == "choice" and spec.choices:
        options = {code: (v[0] if lang_ == "zh" else v[1]) for code, v in spec.choices.items()}
        return ui.select(options, label=label, clearable=True).props("dense outlined options-dense")
    if spec.kind == "officer":
        return ui.select({o.id: o.display_name for o in officers()}, label=label, clearable=True).props(
            "dense outlined options-dense"
        )
    if spec.kind == "bool":
        options = {YES: tr("common.yes"), NO: tr("common.no")}
        return (
            ui.select(options, label=label, clearable=True)
            .props("dense outlined")
            .tooltip(tr("common.unknown"))
        )
    if spec.kind in ("tags", "names"):
        return ui.input_chips(label=label).props("dense outlined")
    if spec.kind == "longtext":
        return ui.textarea(label=label).props("dense outlined autogrow").classes("col-span-full")
    if spec.kind == "date":
        return _date_input(label)
    widget = ui.input(label=label).props("dense outlined")
    if spec.hint:
        widget.props["hint"] = spec.hint
    return widget


def _date_input(label: str) -> ui.input:
    with ui.input(label=label, placeholder="2026-03-05").props("dense outlined") as widget:
        with ui.menu().props("no-parent-event") as menu, ui.date(mask="YYYY-MM-DD").bind_value(widget):
            ui.button(icon="close", on_click=menu.close).props("flat dense")
        with widget.add_slot("append"):
            ui.icon("event").on("click", menu.open).classes("cursor-pointer")
    return widget


def _value_in(spec: FieldSpec, value: Any) -> Any:
    if value is None:
        return (
            []
            if spec.kind in ("tags", "names")
            else ("" if spec.kind not in ("choice", "bool", "officer") else None)
        )
    if spec.kind == "money":
        return money_wan_exact(value)
    if spec.kind == "date":
        return show_date(value)
    if spec.kind == "bool":
        return YES if value else NO
    if spec.kind in ("tags", "names"):
        return list(value)
    if spec.kind in ("choice", "officer"):
        return value
    return str(value)


def _value_out(spec: FieldSpec, value: Any) -> Any:
    if spec.kind == "bool":
        return None if value is None else value == YES
    if spec.kind == "money" and isinstance(value, str) and _BARE_NUMBER.match(value):
        return value.strip() + "万元"
    if isinstance(value, str):
        return value.strip() or None
    return value
