"""The header's global search: typeahead over enterprises; ``/`` anywhere focuses it."""

from __future__ import annotations

from dataclasses import dataclass, field

from nicegui import events, ui

from crm.services.search import search
from ui.i18n_ui import tr

LIMIT = 8


@dataclass(frozen=True)
class Hit:
    id: int
    name: str
    detail: str = ""


def find(text: str, limit: int = LIMIT) -> list[Hit]:
    """Enterprises matching ``text`` by name, former name, pinyin, initials or credit code (fuzzy)."""
    text = text.strip()
    if not text:
        return []
    return [Hit(h.enterprise_id, h.name, h.matched_on) for h in search(text, limit)]


@dataclass
class SearchBox:
    text: str = ""
    hits: list[Hit] = field(default_factory=list)

    def update(self, text: str) -> None:
        self.text = text or ""
        self.hits = find(self.text)


def global_search() -> ui.input:
    """The search input with its result list; returns the input."""
    box = SearchBox()
    with ui.column().classes("relative gap-0"):
        search = (
            ui.input(placeholder=tr("frame.search_placeholder"))
            .props("dense standout dark clearable debounce=250")
            .classes("w-80 huiqi-search")
            .mark("global-search")
        )
        results = ui.column().classes("absolute top-full w-96 z-top")

    @ui.refreshable
    def hit_list() -> None:
        if not box.text.strip():
            return
        with ui.card().classes("w-full q-pa-none"), ui.list().props("dense separator").classes("w-full"):
            if not box.hits:
                ui.item(tr("ui.frame.no_results")).classes("text-grey-7")
            for hit in box.hits:
                item = ui.item(on_click=lambda h=hit: _open(h)).props("clickable").mark("search-hit")
                with item, ui.item_section():
                    ui.item_label(hit.name).classes("text-black")
                    ui.item_label(hit.detail).props("caption")

    def _open(hit: Hit) -> None:
        box.update("")
        hit_list.refresh()
        ui.navigate.to(f"/enterprises/{hit.id}")

    def _changed(e: events.ValueChangeEventArguments) -> None:
        box.update(e.value or "")
        hit_list.refresh()

    with results:
        hit_list()
    search.on_value_change(_changed)
    search.on("keydown.enter", lambda: _open(box.hits[0]) if box.hits else None)
    search.on("keydown.esc", lambda: search.set_value(""))
    ui.keyboard(on_key=lambda e: _focus_on_slash(e, search))
    return search


def _focus_on_slash(e: events.KeyEventArguments, search: ui.input) -> None:
    # ui.keyboard ignores keys typed into inputs, so "/" inside a field still types a slash
    if e.action.keydown and e.key == "/":
        search.run_method("focus")
