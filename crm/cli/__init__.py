"""The `huiqi` command: one module per command group, each adding its commands in ``register``.

core (db, doctor, demo) · rules (rules check/test, match) · packs (pack, packs) · intake (import, export) ·
calendar (report, ics, radar, demo-pipeline) · admin (backup, restore, officer) · requests (data
requests: make, import, list). ``ui.cli`` adds the
commands that start the UI. Modules import their heavy dependencies inside the command, so `--help`
stays light. May import crm.services, crm.config, crm.db and crm.errors; never the UI.
"""

from __future__ import annotations

import sys
from typing import Any

import typer
from typer.core import TyperGroup

from crm.cli import admin, calendar, core, intake, packs, requests, rules
from crm.errors import HuiqiError
from crm.i18n import t


class HuiqiGroup(TyperGroup):
    """The one CLI error handler: a ``HuiqiError`` from any command is one line on stderr, then exit 2."""

    def invoke(self, ctx: Any) -> Any:  # typer.Context: typer types it with its vendored click
        try:
            return super().invoke(ctx)
        except HuiqiError as exc:
            typer.echo(t("error.cli", message=exc.message()).replace("\n", " "), err=True)
            raise typer.Exit(exc.exit_code) from None


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


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `huiqi` command."""
    app(args=argv if argv is not None else sys.argv[1:], prog_name="huiqi")
