"""Huiqi's NiceGUI app: registers the pages and starts the server.

``huiqi app`` calls ``run()``; the test ``User`` fixture executes this file as ``__main__``.
"""

from __future__ import annotations

import importlib
import secrets
from pathlib import Path
from types import ModuleType

from nicegui import ui

from crm.config import get_settings
from ui.auth import install as install_auth
from ui.i18n_ui import tr
from ui.pages.placeholders import coming_soon
from ui.theme import NAV, NavItem, add_fonts, frame

# Pages that are not navigation entries, registered before the others ("/enterprises/new"
# must come before "/enterprises/{enterprise_id}").
EXTRA_PAGES = ("enterprise_detail", "login")
STATIC_DIR = Path(__file__).parent / "static"


def setup() -> None:
    """Fonts, static files and every page; each page module is optional (a helper drops it in)."""
    add_fonts()
    install_auth()  # server mode: login page guard and who-is-acting for the services (issue 7)
    for item in NAV:
        _register(item)
    for name in EXTRA_PAGES:
        module = _page_module(name)
        if module is not None:
            module.create()


def _register(item: NavItem) -> None:
    module = _page_module(item.key)
    if module is not None and hasattr(module, "create"):
        module.create()
        return
    body = module.content if module is not None and hasattr(module, "content") else None

    @ui.page(item.route)
    def page() -> None:
        with frame(tr(f"nav.{item.key}")):
            body() if body is not None else coming_soon(item.key)


def _page_module(name: str) -> ModuleType | None:
    full = f"ui.pages.{name}"
    try:
        return importlib.import_module(full)
    except ModuleNotFoundError as exc:
        if exc.name != full:
            raise
        return None


def storage_secret() -> str:
    """The secret signing the browser's session cookie: kept in the data dir, made on first use."""
    path = get_settings().data_dir / "ui-storage-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def run(host: str = "127.0.0.1", port: int = 8080, *, native: bool = False, show: bool = True) -> None:
    """Start the server (blocking); ``native`` opens a pywebview window instead of the browser."""
    ui.run(
        host=host,
        port=port,
        native=native,
        show=show,
        reload=False,
        title=tr("app.title"),
        language="zh-CN",
        storage_secret=storage_secret(),
        favicon=STATIC_DIR / "favicon.svg",
        show_welcome_message=not native,
    )


setup()

if __name__ in {"__main__", "__mp_main__"}:
    run(show=False)
