"""`huiqi backup`, `huiqi restore` and `huiqi officer ...`: run on the machine that holds the database.

Whoever can run these already holds the database credentials, so they act as the system admin.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crm.cli.common import one_of, unknown

if TYPE_CHECKING:  # the services load only in the command that runs: `huiqi --help` stays light
    from crm.services.auth import Principal

officer_app = typer.Typer(help="专员账号：添加、设密码、列表 (officer accounts)", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the admin commands to the `huiqi` command."""
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
    app.add_typer(officer_app, name="officer")


def backup_command(
    to: Annotated[
        Path | None, typer.Option("--to", help="备份文件，缺省写入 <数据目录>/backups (backup file)")
    ] = None,
) -> None:
    """把数据库备份为一个文件：SQLite 在线备份或 pg_dump (back up the database into one file)."""
    from crm.services import auth, backup

    with auth.acting_as(_cli_admin()):
        path = backup.make_backup(to)
    typer.echo(f"已备份 / backed up: {path}")


def restore_command(
    source: Annotated[
        Path, typer.Argument(help="由 huiqi backup 生成的备份 (a backup made by `huiqi backup`)")
    ],
    yes: Annotated[
        bool, typer.Option("--yes", help="不再询问，直接恢复 (do not ask for confirmation)")
    ] = False,
) -> None:
    """用备份替换数据库，当前数据先另存一份 (replace the database with a backup; current data saved first)."""
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
    username: str = typer.Argument(metavar="USERNAME", help="登录名 (username)"),
    name: str = typer.Option(..., "--name", help="显示姓名 (display name)"),
    role: str = typer.Option(
        "officer", "--role", help="角色 admin | officer | viewer (role)", callback=lambda v: _role(v)
    ),
    password: str = typer.Option(
        ...,
        prompt="密码 (password)",
        hide_input=True,
        confirmation_prompt=True,
        help="密码，缺省时提示输入 (password)",
    ),
) -> None:
    """添加账号；服务器的第一个账号应为 --role admin (create an account; a server's first one: --role admin)."""
    from crm.services import auth

    with auth.acting_as(_cli_admin()):
        account = auth.create_account({"username": username, "display_name": name, "role": role}, password)
    typer.echo(f"已创建 / created: {account.username} ({account.role})")


@officer_app.command("passwd")
def officer_passwd(
    username: str = typer.Argument(metavar="USERNAME", help="登录名 (username)"),
    password: str = typer.Option(
        ...,
        prompt="新密码 (new password)",
        hide_input=True,
        confirmation_prompt=True,
        help="新密码，缺省时提示输入 (password)",
    ),
) -> None:
    """设置专员密码并解除锁定；演示专员初始没有密码 (set a password, lift a lockout; demo officers have none)."""
    from crm.services import auth

    with auth.acting_as(_cli_admin()):
        account = next((a for a in auth.list_accounts() if a.username == username), None)
        if account is None:
            unknown(username, [a.username for a in auth.list_accounts()], "USERNAME")
        auth.reset_password(account.id, password)
        auth.unlock_account(username)
    typer.echo(f"已重置密码 / password set: {username}")


@officer_app.command("list")
def officer_list() -> None:
    """列出账号及角色、状态、锁定与是否已设密码 (list accounts with role, state, lockout, password)."""
    from crm.services import auth

    with auth.acting_as(_cli_admin()):
        for a in auth.list_accounts():
            state = "启用" if a.active else "停用"
            flags = (" 已锁定/locked" if a.locked else "") + (
                "" if a.has_password else " 未设密码/no password"
            )
            typer.echo(f"{a.username:<20} {a.display_name:<12} {a.role:<8} {state}{flags}")


def _role(value: str) -> str:
    from crm.domain import OFFICER_ROLES

    return one_of(value, list(OFFICER_ROLES), "--role")  # checked before the password prompt


def _cli_admin() -> Principal:
    from crm.services.auth import Principal

    return Principal("cli", "admin", "命令行管理员")
