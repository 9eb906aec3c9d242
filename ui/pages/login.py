"""The login page of server mode (desktop mode has no login and sends /login home)."""

from __future__ import annotations

from nicegui import run, ui

from crm.i18n import register
from crm.services import auth as accounts
from ui.auth import same_origin_path, sign_in
from ui.i18n_ui import lang, tr

register(
    {
        "srv.login.title": ("惠企 · 登录", "Huiqi · Sign in"),
        "srv.login.username": ("用户名", "Username"),
        "srv.login.password": ("密码", "Password"),
        "srv.login.submit": ("登录", "Sign in"),
        "srv.login.hint": (
            "忘记密码请联系管理员重置。",
            "Forgot your password? Ask an administrator to reset it.",
        ),
    }
)


def create() -> None:
    @ui.page("/login")
    def login_page(redirect_to: str = "/") -> None:
        target = same_origin_path(redirect_to)
        if not accounts.is_server_mode():
            ui.navigate.to(target)
            return
        ui.page_title(tr("srv.login.title"))
        with ui.card().classes("absolute-center w-80 gap-2"):
            ui.label(tr("srv.login.title")).classes("text-h6")
            username = (
                ui.input(tr("srv.login.username")).props("autofocus").classes("w-full").mark("login-username")
            )
            password = (
                ui.input(tr("srv.login.password"), password=True, password_toggle_button=True)
                .classes("w-full")
                .mark("login-password")
            )
            error = ui.label("").classes("text-negative text-caption").mark("login-error")

            async def attempt() -> None:
                try:
                    who = await run.io_bound(
                        accounts.login, username.value or "", password.value or "", _address()
                    )
                except accounts.LoginFailed as failed:
                    error.text = failed.message(lang())
                    password.value = ""
                    return
                assert who is not None
                ui.navigate.to(sign_in(who, target))  # through /login/finish: a new session id

            password.on("keydown.enter", attempt)
            ui.button(tr("srv.login.submit"), on_click=attempt).props("unelevated").classes("w-full").mark(
                "login-submit"
            )
            ui.label(tr("srv.login.hint")).classes("text-caption text-grey-7")


def _address() -> str:
    """The browser's address as this server sees it (behind a proxy: the proxy's, unless uvicorn trusts its
    forwarded headers), for the per-address throttle."""
    try:
        client = ui.context.client.request.client
    except RuntimeError:
        return ""
    return client.host if client else ""
