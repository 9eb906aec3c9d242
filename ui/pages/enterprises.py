"""The enterprise list (/enterprises) and the new-enterprise form (/enterprises/new)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from nicegui import app, events, ui

from crm.domain import SPORTS_DIVISIONS, label
from crm.i18n import register
from crm.records.fields import STREET_CHOICES, spec
from crm.services.enterprises import (
    EnterpriseQuery,
    ValidationFailed,
    create_enterprise,
    facets,
    list_enterprises,
    officers,
)
from crm.services.saved_filters import BadFilterName, delete_filter, save_filter, saved_filters
from ui.components.bulk_bar import BulkBar
from ui.components.record_form import record_form
from ui.format import money_wan, show_date
from ui.i18n_ui import lang, tr
from ui.theme import frame

PAGE_SIZES = [25, 50, 100]
STORAGE_KEY = "enterprise_list"  # the officer's last filters, kept per user
FILTER_FIELDS = ("search", "streets", "divisions", "tags")  # what a saved filter holds

register(
    {
        "ui.list.saved": ("已存筛选", "Saved filters"),
        "ui.list.saved.save": ("保存筛选", "Save filter"),
        "ui.list.saved.name": ("筛选名称", "Filter name"),
        "ui.list.saved.saved": ("已保存筛选「{name}」", "Saved filter '{name}'"),
        "ui.list.saved.delete": ("删除所选筛选", "Delete the selected filter"),
        "ui.list.saved.deleted": ("已删除筛选「{name}」", "Deleted filter '{name}'"),
    }
)


def create() -> None:
    @ui.page("/enterprises")
    def enterprise_list() -> None:
        with frame(tr("ui.list.title")):
            EnterpriseList(ListState.restore()).build()

    @ui.page("/enterprises/new")
    def enterprise_new() -> None:
        with frame(tr("ui.new.title"), breadcrumbs=[(tr("nav.enterprises"), "/enterprises")]):
            new_enterprise_form()


@dataclass
class ListState:
    """Filters, sort and page of the list; saved per user so the officer comes back to them."""

    search: str = ""
    streets: list[str] = field(default_factory=list)
    divisions: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    sort: str = "name"
    descending: bool = False
    page: int = 1
    page_size: int = PAGE_SIZES[0]

    def query(self) -> EnterpriseQuery:
        return EnterpriseQuery(
            search=self.search or None,
            streets=tuple(self.streets),
            divisions=tuple(self.divisions),
            tags=tuple(self.tags),
            sort=self.sort,
            descending=self.descending,
            page=self.page,
            page_size=self.page_size,
        )

    def save(self) -> None:
        app.storage.user[STORAGE_KEY] = asdict(self)

    @classmethod
    def restore(cls) -> ListState:
        saved = app.storage.user.get(STORAGE_KEY) or {}
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in saved.items() if k in known})

    def clear_filters(self) -> None:
        self.search, self.streets, self.divisions, self.tags, self.page = "", [], [], [], 1

    def filters(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FILTER_FIELDS}

    def apply(self, filters: dict[str, Any]) -> None:
        self.clear_filters()
        for name in FILTER_FIELDS:
            if name in filters:
                setattr(self, name, filters[name] or ("" if name == "search" else []))


@dataclass(eq=False)
class EnterpriseList:
    """The list's widgets wired to its state: every change reloads one page from the server."""

    state: ListState
    table: Any = None
    total: Any = None
    inputs: dict[str, Any] = field(default_factory=dict)
    saved: Any = None
    applying: bool = False
    bulk: Any = None
    owners: dict[Any, str] = field(default_factory=dict)
    matched: int = 0

    def build(self) -> None:
        self._filters()
        self.total = ui.label().classes("text-caption text-grey-7").mark("list-total")
        self.bulk = BulkBar(self.state.query, lambda: self.matched, self.load)
        self.bulk.body()
        self.owners = {o.id: o.display_name for o in officers()}
        self.table = (
            ui.table(
                columns=_columns(),
                rows=[],
                row_key="id",
                pagination=self._pagination(0),
                selection="multiple",
                on_select=lambda e: self.bulk.select([r["id"] for r in e.selection]),
            )
            .props("dense flat bordered binary-state-sort wrap-cells")
            .classes("w-full")
            .mark("enterprise-table")
        )
        self.table.props["rows-per-page-options"] = PAGE_SIZES
        self.table.on("request", self._on_request)
        self.table.on("rowClick", lambda e: ui.navigate.to(f"/enterprises/{e.args[1]['id']}"))
        self.load()

    def load(self) -> None:
        page = list_enterprises(self.state.query())
        self.matched = page.total
        self.table.rows = [{**_row(e), "owner": self.owners.get(e.owner_officer_id, "")} for e in page.rows]
        self.table.selected = []
        if self.bulk.page_ids:
            self.bulk.select([])
        self.table.pagination = self._pagination(page.total)
        self.total.text = tr("ui.list.total", total=page.total)
        self.state.save()

    def _pagination(self, total: int) -> dict[str, Any]:
        s = self.state
        return {
            "sortBy": s.sort,
            "descending": s.descending,
            "page": s.page,
            "rowsPerPage": s.page_size,
            "rowsNumber": total,
        }

    def _on_request(self, e: events.GenericEventArguments) -> None:
        p = e.args["pagination"]
        self.state.sort = p.get("sortBy") or "name"
        self.state.descending = bool(p.get("descending"))
        self.state.page = int(p.get("page") or 1)
        self.state.page_size = int(p.get("rowsPerPage") or PAGE_SIZES[0])
        self.load()

    def _filters(self) -> None:
        s, lang_ = self.state, lang()
        with ui.row().classes("w-full items-center gap-2"):
            self.inputs["search"] = (
                ui.input(placeholder=tr("ui.list.search"), value=s.search)
                .props("dense outlined clearable debounce=300")
                .classes("w-72")
                .mark("list-search")
                .on_value_change(lambda e: self._set("search", e.value or ""))
            )
            streets = {k: v[0] if lang_ == "zh" else v[1] for k, v in STREET_CHOICES.items()}
            divisions = {k: f"{k} {label(SPORTS_DIVISIONS, k, lang_)}" for k in SPORTS_DIVISIONS}
            for name, options, key in (
                ("streets", streets, "ui.list.streets"),
                ("divisions", divisions, "ui.list.divisions"),
                ("tags", facets().tags, "ui.list.tags"),
            ):
                self.inputs[name] = (
                    ui.select(options, label=tr(key), multiple=True, value=getattr(s, name), clearable=True)
                    .props("dense outlined use-chips options-dense")
                    .classes("min-w-40")
                    .mark(f"filter-{name}")
                    .on_value_change(lambda e, n=name: self._set(n, e.value or []))
                )
            ui.button(tr("ui.list.clear"), icon="filter_alt_off", on_click=self._clear).props(
                "flat dense"
            ).mark("clear-filters")
            self._saved_filters()
            ui.space()
            ui.button(
                tr("ui.list.new"), icon="add", on_click=lambda: ui.navigate.to("/enterprises/new")
            ).props("unelevated").mark("new-enterprise")

    def _set(self, name: str, value: Any) -> None:
        setattr(self.state, name, value)
        if self.applying:  # a saved filter is being applied: one load at the end
            return
        self.state.page = 1
        self.load()

    # --- named saved filters (per officer, in the database: crm.services.saved_filters) ---

    def _saved_filters(self) -> None:
        self.saved = (
            ui.select({}, label=tr("ui.list.saved"), clearable=True)
            .props("dense outlined options-dense")
            .classes("min-w-40")
            .mark("saved-filters")
            .on_value_change(lambda e: self._apply(e.value))
        )
        self._refresh_saved()
        ui.button(icon="delete_outline", on_click=self._delete).props("flat dense round").tooltip(
            tr("ui.list.saved.delete")
        ).mark("delete-saved-filter")
        with ui.dialog() as dialog, ui.card().classes("min-w-80"):
            name = (
                ui.input(tr("ui.list.saved.name"))
                .props("dense outlined autofocus")
                .classes("w-full")
                .mark("saved-filter-name")
            )
            with ui.row().classes("w-full justify-end gap-2"):
                ui.button(tr("common.cancel"), on_click=dialog.close).props("flat")
                ui.button(tr("common.save"), on_click=lambda: self._save(name, dialog)).props(
                    "unelevated"
                ).mark("saved-filter-confirm")
        ui.button(tr("ui.list.saved.save"), icon="bookmark_add", on_click=dialog.open).props(
            "flat dense"
        ).mark("save-filter")

    def _refresh_saved(self) -> None:
        self.saved.set_options({f.name: f.name for f in saved_filters()})

    def _save(self, name_input: Any, dialog: Any) -> None:
        try:
            saved = save_filter(name_input.value or "", self.state.filters())
        except BadFilterName as bad:
            name_input.props(f'error error-message="{bad}"')
            return
        name_input.props(remove="error error-message")
        dialog.close()
        self._refresh_saved()
        self.saved.set_value(saved.name)
        ui.notify(tr("ui.list.saved.saved", name=saved.name), type="positive")

    def _apply(self, name: str | None) -> None:
        found = next((f for f in saved_filters() if f.name == name), None)
        if found is None:
            return
        self.state.apply(found.filters)
        self.applying = True
        try:
            for key, widget in self.inputs.items():
                widget.set_value(getattr(self.state, key))
        finally:
            self.applying = False
        self.state.page = 1
        self.load()

    def _delete(self) -> None:
        name = self.saved.value
        if not name:  # nothing selected: nothing to delete
            return
        delete_filter(name)
        self.saved.set_value(None)
        self._refresh_saved()
        ui.notify(tr("ui.list.saved.deleted", name=name), type="info")

    def _clear(self) -> None:
        self.state.clear_filters()
        self.state.save()
        ui.navigate.reload()


NOWRAP = "white-space: nowrap"  # dates stay on one line; names and labels wrap


def _columns() -> list[dict[str, Any]]:
    def col(name: str, title: str, sortable: bool = True, align: str = "left") -> dict[str, Any]:
        return {"name": name, "field": name, "label": title, "sortable": sortable, "align": align}

    lang_ = lang()
    return [
        col("name", spec("enterprise", "name").label(lang_)),
        col("uscc", spec("enterprise", "uscc").label(lang_), sortable=False),
        col("street", spec("enterprise", "street").label(lang_)),
        col("owner", spec("enterprise", "owner_officer_id").label(lang_), sortable=False),
        col("sports_division", spec("enterprise", "sports_division").label(lang_)),
        {**col("registration_date", spec("enterprise", "registration_date").label(lang_)), "style": NOWRAP},
        col("registered_capital", tr("ui.list.capital_wan"), align="right"),
        col("tags", spec("enterprise", "tags").label(lang_), sortable=False),
        {**col("updated_at", tr("ui.list.updated")), "style": NOWRAP},
    ]


def _row(e: Any) -> dict[str, Any]:
    lang_ = lang()
    return {
        "id": e.id,
        "name": e.name,
        "uscc": e.uscc or "",
        "street": e.street or "",
        "sports_division": f"{e.sports_division} {label(SPORTS_DIVISIONS, e.sports_division, lang_)}"
        if e.sports_division
        else "",
        "registration_date": show_date(e.registration_date),
        "registered_capital": money_wan(e.registered_capital),
        "tags": "、".join(e.tags or []),
        "updated_at": show_date(e.updated_at),
    }


def new_enterprise_form() -> None:
    """The empty enterprise form; saving opens the new record, errors stay beside their fields."""
    form = record_form("enterprise")

    def save() -> None:
        try:
            created = create_enterprise(form.data())
        except ValidationFailed as bad:
            form.show_errors(bad.by_field(lang()))
            ui.notify(tr("error.validation"), type="warning")
            return
        form.show_errors({})
        ui.notify(tr("ui.new.created", name=created.name), type="positive")
        ui.navigate.to(f"/enterprises/{created.id}")

    with ui.row().classes("gap-2"):
        ui.button(tr("common.save"), icon="save", on_click=save).props("unelevated").mark("save")
        ui.button(tr("common.cancel"), on_click=lambda: ui.navigate.to("/enterprises")).props("flat").mark(
            "cancel"
        )
