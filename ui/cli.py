"""The `huiqi` console script: crm's commands plus `huiqi app`, which starts the UI."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from crm import cli as core_cli
from crm.config import get_settings
from ui.server import port_problem, serve_command

app = core_cli.app


@app.command("app")
def start_app(
    host: str = typer.Option("127.0.0.1", help="监听地址；0.0.0.0 允许其他机器访问 (address to bind)"),
    port: int = typer.Option(8080, min=1, max=65535, help="端口 (port)"),
    native: bool = typer.Option(
        False, "--native", help="打开桌面窗口（pywebview）而不是浏览器 (desktop window)"
    ),
    no_browser: bool = typer.Option(False, "--no-browser", help="不自动打开浏览器 (do not open a browser)"),
) -> None:
    """启动惠企界面（桌面模式，无需登录）(start the Huiqi user interface)."""
    if get_settings().is_server:  # HUIQI_MODE=server: the server's checks, secret and sign-in apply
        typer.echo("HUIQI_MODE=server：按 huiqi serve 启动 (starting as `huiqi serve`)", err=True)
        serve_command(host=host, port=port)
        return
    problem = port_problem(host, port)
    if problem:
        typer.echo(problem, err=True)
        raise typer.Exit(2)
    if native:
        reason = native_unavailable()
        if reason:
            typer.echo(
                f"无法打开桌面窗口，改用浏览器 / no desktop window, using the browser: {reason}", err=True
            )
            native = False
    # NiceGUI keeps per-user storage (language, list filters) in this directory; read at import
    os.environ.setdefault("NICEGUI_STORAGE_PATH", str(get_settings().data_dir / "ui-storage"))
    _daily_backup()
    from ui.guards import install_desktop
    from ui.main import run

    install_desktop()  # the desktop app answers only 127.0.0.1 / localhost (not the tests' simulated host)
    typer.echo(f"惠企 Huiqi: http://{host}:{port}")
    run(host=host, port=port, native=native, show=not no_browser)


app.command("serve")(serve_command)  # multi-officer server mode (ui/server.py, issue 7)


@app.command("reference", hidden=True)
def reference(
    write: Annotated[
        Path | None, typer.Option("--write", help="更新此 README 中的命令表 (update this README)")
    ] = None,
) -> None:
    """打印 README 的命令表，由命令本身生成 (print the README's command table, generated from the commands)."""
    from typer.main import get_command

    from crm.cli.reference import readme_block, replace_block

    group = get_command(app)
    if write is None:
        typer.echo(readme_block(group))
        return
    write.write_text(replace_block(write.read_text(encoding="utf-8"), group), encoding="utf-8")
    typer.echo(f"已更新 (updated) {write}")


def _daily_backup() -> None:
    """Desktop start-up: the day's automatic backup (7 daily + 4 weekly kept); a failure only warns."""
    from crm.services.backup import BackupError, daily_backup_if_due

    try:
        made = daily_backup_if_due()
    except BackupError as exc:
        typer.echo(f"自动备份失败 / automatic backup failed: {exc}", err=True)
        return
    if made:
        typer.echo(f"已自动备份 / backed up: {made}")


def native_unavailable() -> str | None:
    """Why a pywebview window cannot open here (None when it can)."""
    try:
        import webview  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - any import failure (missing GUI toolkit) means no window
        return f"pywebview 不可用 / not importable ({exc}); pip install 'huiqi[native]'"
    if (
        os.name == "posix"
        and not _is_macos()
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    ):
        return "没有图形显示 / no display (DISPLAY and WAYLAND_DISPLAY are unset)"
    return None


def _is_macos() -> bool:
    import sys

    return sys.platform == "darwin"


def main() -> None:
    """Entry point of the `huiqi` console script."""
    core_cli.main()
