"""The one frame every page lives in: header (search, officer, language), left navigation, title."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from nicegui import app, ui

from crm.config import get_settings
from crm.i18n import current_lang
from ui.auth import display_name, principal, sign_out
from ui.components.search import global_search
from ui.i18n_ui import lang, set_lang, tr


@dataclass(frozen=True)
class NavItem:
    key: str  # page name: ui/pages/<key>.py and the catalogue key nav.<key>
    route: str
    icon: str


NAV: tuple[NavItem, ...] = (
    NavItem("dashboard", "/", "space_dashboard"),
    NavItem("enterprises", "/enterprises", "business"),
    NavItem("policies", "/policies", "policy"),
    NavItem("calendar", "/calendar", "event"),
    NavItem("applications", "/applications", "assignment_turned_in"),
    NavItem("intake", "/intake", "import_export"),
    NavItem("packs", "/packs", "picture_as_pdf"),
    NavItem("requests", "/requests", "assignment_return"),
    NavItem("settings", "/settings", "settings"),
)

FONT_URL = "/fonts/NotoSansSC-Regular.otf"

# Local CJK fonts first (no download where the system has one); else the bundled Noto Sans SC,
# so Chinese renders on a machine without any CJK font (a fresh server, headless Chromium).
HEAD_HTML = f"""
<style>
@font-face {{
  font-family: 'Huiqi Sans SC';
  src: local('Noto Sans SC'), local('Noto Sans CJK SC'), url('{FONT_URL}') format('opentype');
  font-display: swap;
}}
body, .q-field, .q-table, .q-btn, .q-tab {{
  font-family: -apple-system, 'Segoe UI', Roboto, 'PingFang SC', 'Microsoft YaHei', 'Huiqi Sans SC', sans-serif;
}}
.q-table--dense .q-table th, .q-table--dense .q-table td {{ padding: 2px 8px; }}
/* the header search: light text on the blue bar, dark text on white while typing */
.huiqi-search .q-field__native, .huiqi-search .q-field__native::placeholder {{ color: #fff; opacity: .9; }}
.huiqi-search.q-field--focused .q-field__control {{ background: #fff !important; }}
.huiqi-search.q-field--focused .q-field__native,
.huiqi-search.q-field--focused .q-field__marginal {{ color: #1d1d1d; }}
.huiqi-search.q-field--focused .q-field__native::placeholder {{ color: #757575; }}
</style>
"""


def add_fonts() -> None:
    """Serve the bundled Noto Sans SC and declare it in every page's head (call once at start-up)."""
    from pylopdf_fonts_zh_cn import sans_path

    app.add_static_file(local_file=sans_path(), url_path=FONT_URL)
    ui.add_head_html(HEAD_HTML, shared=True)


@contextmanager
def frame(title: str, breadcrumbs: Sequence[tuple[str, str | None]] = ()) -> Iterator[None]:
    """Page chrome around the body; ``breadcrumbs`` are (label, route or None) pairs before the title."""
    current_lang.set(lang())
    ui.page_title(f"{title} · {tr('app.title')}")
    ui.colors(primary="#1f5fa8")
    drawer = _drawer()
    _header(drawer)
    with ui.column().classes("w-full q-pa-md gap-2"):
        _title(title, breadcrumbs)
        yield


def _header(drawer: ui.left_drawer) -> None:
    with ui.header(elevated=True).classes("items-center q-py-xs q-px-md gap-4"):
        ui.button(icon="menu", on_click=drawer.toggle).props("flat round dense color=white").mark(
            "nav-toggle"
        ).tooltip(tr("ui.frame.menu"))
        ui.link(tr("app.title"), "/").classes("text-white text-subtitle1 no-underline")
        ui.space()
        global_search()
        ui.label(tr("frame.officer", name=display_name(get_settings().officer))).mark("officer")
        if principal() is not None:  # server mode: signed in, so offer to sign out
            ui.button(icon="logout", on_click=_sign_out).props("flat round dense color=white").mark("logout")
        other = "en" if lang() == "zh" else "zh"
        ui.button(tr("frame.language"), on_click=lambda: _switch(other)).props(
            "flat dense color=white no-caps"
        ).mark("lang-switch")


def _sign_out() -> None:
    sign_out()
    ui.navigate.to("/login")


def _switch(value: str) -> None:
    set_lang(value)
    ui.navigate.reload()


def _drawer() -> ui.left_drawer:
    drawer = ui.left_drawer(value=True, bordered=True).props("width=180").classes("q-pa-none")
    with drawer, ui.list().classes("w-full"):
        for item in NAV:
            with (
                ui.item(on_click=lambda route=item.route: ui.navigate.to(route))
                .props("clickable dense")
                .mark(f"nav-{item.key}")
            ):
                with ui.item_section().props("avatar"):
                    ui.icon(item.icon)
                with ui.item_section():
                    ui.item_label(tr(f"nav.{item.key}"))
    return drawer


def _title(title: str, breadcrumbs: Sequence[tuple[str, str | None]]) -> None:
    if breadcrumbs:
        with ui.row().classes("items-center gap-1 text-caption text-grey-7"):
            for label, route in breadcrumbs:
                if route:
                    ui.link(label, route).classes("text-grey-7")
                else:
                    ui.label(label)
                ui.icon("chevron_right", size="xs")
    ui.label(title).classes("text-h5").mark("page-title")
