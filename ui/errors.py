"""The UI's one error handler: any ``HuiqiError`` an action raises is shown to the officer, in their language.

The page stays as it was, so whatever the officer typed is still there. Forms that show errors beside
their fields (``ValidationFailed``) or a conflict with a reload button catch those themselves first.
Anything else is a bug: the officer gets a plain notice and the log gets the traceback. A HuiqiError is
not a bug (a refusal, a conflict, a bad file): it is logged at INFO, without a traceback.
"""

from __future__ import annotations

import contextlib
import logging
from urllib.parse import quote

from nicegui import app, ui

from crm.errors import HuiqiError
from crm.i18n import register, t
from crm.services.auth import NotSignedIn
from ui.i18n_ui import lang

log = logging.getLogger("huiqi.ui")


register(
    {
        "error.page": (
            "页面出错，未能显示。问题已记入日志，请返回重试或联系管理员。",
            "This page could not be shown. The problem was logged; go back and retry, or ask an administrator.",
        ),
        "error.home": ("返回工作台", "Back to the dashboard"),
    }
)


def install() -> None:
    """Make ``show`` the app's exception handler, in place of NiceGUI's default (which logs every exception
    as an error with its traceback, a refused action included), and ``page_error`` its error page (NiceGUI's
    own shows the exception's text)."""
    app._exception_handlers[:] = [show]  # NiceGUI offers on_exception (append) but no way to replace
    app.on_page_exception(page_error)


def page_error(exc: Exception) -> None:
    """The page shown when a page cannot be built: a HuiqiError's own message, else a plain notice."""
    message = exc.message(lang()) if isinstance(exc, HuiqiError) else t("error.page", lang())
    with ui.column().classes("absolute-center items-center gap-4"):
        ui.icon("error_outline", size="4rem").classes("text-grey-6")
        ui.label(message).classes("text-h6").mark("error-page")
        ui.link(t("error.home", lang()), "/")


def show(exc: Exception) -> None:
    """Tell the officer what went wrong (a HuiqiError's own message; for a bug, that it was not done).

    An action refused because the login has ended (logout in another tab, expiry, a revoked session) sends
    the browser to the login page, which brings the officer back here afterwards."""
    if isinstance(exc, NotSignedIn) and _to_login():
        return
    if isinstance(exc, HuiqiError):
        log.info("refused: %s", exc.message("en"))
        message = exc.message(lang())
    else:
        log.exception("unexpected error in an action", exc_info=exc)
        message = t("error.unexpected", lang(), kind=type(exc).__name__)
    with contextlib.suppress(RuntimeError):  # no client context (a background task): the log is all we have
        ui.notify(message, type="negative", multi_line=True, close_button=True)


def _to_login() -> bool:
    """Send this page's browser to /login (back to this page after); False without a page to send."""
    try:
        path = ui.context.client.request.url.path
    except RuntimeError:  # no client context (a background task), or a client without its request
        return False
    log.info("login ended: sending the browser to the login page")
    ui.navigate.to(f"/login?redirect_to={quote(path)}")
    return True
