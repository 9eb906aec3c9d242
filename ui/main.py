"""Huiqi's NiceGUI app: registers the pages and starts the server.

``huiqi app`` calls ``run()``; the test ``User`` fixture executes this file as ``__main__``.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from nicegui import ui

from crm.config import get_settings
from ui.auth import install as install_auth
from ui.errors import install as install_error_handler
from ui.guards import install as install_guards
from ui.i18n_ui import tr
from ui.pages import (
    applications,
    calendar,
    dashboard,
    duplicates,
    enterprise_detail,
    enterprises,
    intake,
    login,
    packs,
    policies,
    requests,
    settings,
)
from ui.theme import add_fonts

STATIC_DIR = Path(__file__).parent / "static"
# every page module registers its own routes; "/enterprises/new" (enterprises) comes before
# "/enterprises/{enterprise_id}" (enterprise_detail)
PAGES = (
    dashboard,
    enterprises,
    enterprise_detail,
    policies,
    calendar,
    applications,
    intake,
    duplicates,
    packs,
    requests,
    settings,
    login,
)


def setup() -> None:
    """Fonts, static files, the login guard and every page."""
    add_fonts()
    install_auth()  # server mode: login page guard and who-is-acting for the services
    install_error_handler()
    install_guards()  # upload size; later the Host header and security headers
    for page in PAGES:
        page.create()


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
