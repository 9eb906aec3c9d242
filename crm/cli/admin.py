"""`huiqi backup`, `huiqi restore` and `huiqi officer ...`: run on the machine that holds the database.

Whoever can run these already holds the database credentials, so they act as the system admin.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crm.services.auth import Principal

officer_app = typer.Typer(help="专员账号 / officer accounts", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the admin commands to the `huiqi` command."""
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
    app.add_typer(officer_app, name="officer")


def backup_command(
    to: Annotated[Path | None, typer.Option("--to", help="backup file (default: data dir/backups)")] = None,
) -> None:
    """Back up the database (SQLite online backup or pg_dump) into one file."""
    from crm.services import auth, backup

    with auth.acting_as(_cli_admin()):
        path = backup.make_backup(to)
    typer.echo(f"已备份 / backed up: {path}")


def restore_command(
    source: Annotated[Path, typer.Argument(help="a backup made by `huiqi backup`")],
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
) -> None:
    """Replace the database with a backup (the current data is saved first)."""
    from crm.services import auth, backup

    if not yes:
        typer.confirm(
            f"用 {source} 覆盖当前数据库？当前数据会先另存一份。 / Replace the database?", abort=True
        )
    with auth.acting_as(_cli_admin()):
        safety = backup.restore_backup(source)
    typer.echo(f"已恢复 / restored from {source}; 原数据已另存 / previous data saved to {safety}")


@officer_app.command("add")
def officer_add(
    username: str,
    name: str = typer.Option(..., "--name", help="显示姓名"),
    role: str = typer.Option("officer", "--role", help="admin | officer | viewer"),
    password: str = typer.Option(..., prompt="密码 / password", hide_input=True, confirmation_prompt=True),
) -> None:
    """Create an account (the first one for a server should be --role admin)."""
    from crm.services import auth

    with auth.acting_as(_cli_admin()):
        account = auth.create_account({"username": username, "display_name": name, "role": role}, password)
    typer.echo(f"已创建 / created: {account.username} ({account.role})")


@officer_app.command("passwd")
def officer_passwd(
    username: str,
    password: str = typer.Option(
        ..., prompt="新密码 / new password", hide_input=True, confirmation_prompt=True
    ),
) -> None:
    """Set an officer's password (and lift a lockout)."""
    from crm.services import auth

    with auth.acting_as(_cli_admin()):
        account = next((a for a in auth.list_accounts() if a.username == username), None)
        if account is None:
            typer.echo(f"没有这个账号 / no such account: {username}", err=True)
            raise typer.Exit(1)
        auth.reset_password(account.id, password)
        auth.unlock_account(username)
    typer.echo(f"已重置密码 / password set: {username}")


@officer_app.command("list")
def officer_list() -> None:
    """List accounts with role, state and lockout."""
    from crm.services import auth

    with auth.acting_as(_cli_admin()):
        for a in auth.list_accounts():
            state = "启用" if a.active else "停用"
            flags = (" 已锁定/locked" if a.locked else "") + (
                "" if a.has_password else " 未设密码/no password"
            )
            typer.echo(f"{a.username:<20} {a.display_name:<12} {a.role:<8} {state}{flags}")


def _cli_admin() -> Principal:
    return Principal("cli", "admin", "命令行管理员")
