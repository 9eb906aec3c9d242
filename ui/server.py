"""`huiqi serve`: the multi-officer server (login required, PostgreSQL recommended).

Set-up (see the README): HUIQI_DATABASE_URL=postgresql://huiqi:...@db/huiqi, HUIQI_STORAGE_SECRET (a long
random string, e.g. `python -c "import secrets; print(secrets.token_urlsafe(32))"`), a first admin with
`huiqi officer add <name> --name ... --role admin`, then `huiqi serve --host 0.0.0.0 --port 8080` behind
an HTTPS reverse proxy with HUIQI_COOKIE_SECURE=1.
"""

from __future__ import annotations

import os
from dataclasses import replace

import typer

from crm import config


def serve_command(
    host: str = typer.Option("127.0.0.1", help="监听地址；0.0.0.0 为所有网卡 (address to bind)"),
    port: int = typer.Option(8080, min=1, max=65535, help="端口 (port)"),
) -> None:
    """启动多人服务器：专员须登录，按角色授权 (multi-officer server: sign-in required, roles)."""
    problem = server_problem() or port_problem(host, port)
    if problem:
        typer.echo(problem, err=True)
        raise typer.Exit(2)
    settings = replace(config.get_settings(), mode="server")
    config.override_settings(settings)
    os.environ["HUIQI_MODE"] = "server"  # worker processes (pack batches) read settings afresh
    os.environ.setdefault("NICEGUI_STORAGE_PATH", str(settings.data_dir / "ui-storage"))
    from nicegui import ui

    from ui.i18n_ui import tr
    from ui.main import STATIC_DIR

    typer.echo(f"惠企 Huiqi 服务器模式 / server mode: http://{host}:{port}")
    ui.run(
        host=host,
        port=port,
        show=False,
        reload=False,
        title=tr("app.title"),
        language="zh-CN",
        favicon=STATIC_DIR / "favicon.svg",
        storage_secret=settings.storage_secret,
        session_middleware_kwargs={
            "https_only": settings.cookie_secure,
            "same_site": "strict",
            "max_age": int(settings.session_hours * 3600),
        },
    )


def server_problem() -> str | None:
    """Why the server must not start (Chinese and English), or None."""
    settings = config.get_settings()
    try:  # sessions and uploads live there: without it every request failed and no login was kept
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        return (
            f"拒绝启动：无法创建数据目录 {settings.data_dir}（{exc.strerror or exc}）。请检查 HUIQI_DATA_DIR。\n"
            f"refusing to start: cannot create the data dir {settings.data_dir}; check HUIQI_DATA_DIR."
        )
    make = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
    if not settings.storage_secret:
        return (
            "拒绝启动：未设置 HUIQI_STORAGE_SECRET（至少 16 个字符的随机字符串，用于签名登录会话）。\n"
            f"refusing to start: set HUIQI_STORAGE_SECRET (16+ random characters), e.g. $({make})"
        )
    if len(settings.storage_secret) < 16:
        return (
            f"拒绝启动：HUIQI_STORAGE_SECRET 太短（{len(settings.storage_secret)} 个字符，至少 16 个）。\n"
            f"refusing to start: HUIQI_STORAGE_SECRET is too short ({len(settings.storage_secret)} characters, "
            f"16+ needed), e.g. $({make})"
        )
    from crm.services.auth import has_active_admin_with_password

    if not has_active_admin_with_password():
        return (
            "拒绝启动：还没有可登录的管理员。请先运行 huiqi officer add <用户名> --name <姓名> --role admin\n"
            "refusing to start: no administrator can sign in; run `huiqi officer add NAME --name ... --role admin`."
        )
    return None


def port_problem(host: str, port: int) -> str | None:
    """Why the server cannot listen on ``host:port`` (already in use, no permission), or None.

    Checked before anything says "ready", so a busy port is one clear line instead of a banner and a crash.
    """
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: TIME_WAIT is no clash
        try:
            probe.bind((host, port))
        except OSError as exc:
            return (
                f"无法在 {host}:{port} 启动：{exc.strerror or exc}。请换一个端口（--port），或先关闭占用它的程序。\n"
                f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another --port."
            )
    return None
