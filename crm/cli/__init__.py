"""The `huiqi` command: one module per command group, each adding its commands in ``register``.

core (db, doctor, demo) · rules (rules check/test, match) · packs (pack, packs) · intake (import, export) ·
calendar (report, ics, radar, demo-pipeline) · admin (backup, restore, officer) · requests (data
requests: make, import, list). ``ui.cli`` adds the
commands that start the UI. Modules import their heavy dependencies inside the command, so `--help`
stays light. May import crm.services, crm.config, crm.db and crm.errors; never the UI.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException
from typer.main import get_command

from crm.cli import admin, calendar, core, intake, packs, requests, rules
from crm.errors import HuiqiError
from crm.i18n import t


class HuiqiGroup(TyperGroup):
    """The one CLI error handler: a ``HuiqiError`` from any command is one line on stderr, then exit 2; an
    unexpected error is one line too (exit 1), its traceback only with HUIQI_DEBUG=1."""

    def invoke(self, ctx: Any) -> Any:  # typer.Context: typer types it with its vendored click
        try:
            with _as_the_operator(ctx):
                return super().invoke(ctx)
        except HuiqiError as exc:
            typer.echo(t("error.cli", message=exc.message()).replace("\n", " "), err=True)
            raise typer.Exit(exc.exit_code) from None
        except (TyperException, typer.Exit, typer.Abort):
            raise  # usage errors, exits and aborts: typer reports them
        except Exception as exc:
            if os.environ.get("HUIQI_DEBUG"):
                raise
            message = t("error.unexpected", kind=type(exc).__name__)
            typer.echo(t("error.cli", message=message) + " (HUIQI_DEBUG=1: 显示详情 details)", err=True)
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=HuiqiGroup,
    rich_markup_mode=None,  # plain help: rendering it with rich costs 0.25 s of imports on every --help
    pretty_exceptions_enable=False,
    help="惠企 Huiqi — 体育产业惠企政策服务 CRM (policy-service CRM for sports enterprises)。退出码 (exit codes)：0 完成 (done)；1 完成但发现问题 (done, problems found)；2 用法或输入有误，未执行 (refused: bad usage)",
    no_args_is_help=True,
    add_completion=False,
)
for _group in (core, rules, packs, intake, calendar, admin, requests):
    _group.register(app)


# commands that start a UI: they must not run as anybody (their requests would inherit it), the login decides
UI_COMMANDS = frozenset({"app", "serve"})


def _as_the_operator(ctx: Any) -> Any:
    """Server mode: a data command at the shell runs as the command-line admin (whoever can run it holds the
    database's credentials anyway), audited as such; the UI-starting commands and desktop mode run as usual."""
    from contextlib import nullcontext

    from crm.config import get_settings
    from crm.services.auth import Principal, acting_as

    words = [*(getattr(ctx, "_protected_args", None) or getattr(ctx, "protected_args", [])), *ctx.args]
    name = next((a for a in words if not a.startswith("-")), "")
    if name in UI_COMMANDS or not get_settings().is_server:
        return nullcontext()
    return acting_as(Principal("cli", "admin", "命令行管理员"))


HELP_OPTION = "显示本帮助并退出 (show this help and exit)"


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `huiqi` command."""
    command = get_command(app)
    _bilingual_help_option(command)
    command.main(args=argv if argv is not None else sys.argv[1:], prog_name="huiqi")


def _bilingual_help_option(command: Any) -> None:
    """Every command's --help says what it does in both languages, like every other option."""
    option = command.get_help_option(command.context_class(command))
    if option is not None:
        option.help = HELP_OPTION
    for sub in getattr(command, "commands", {}).values():
        _bilingual_help_option(sub)
