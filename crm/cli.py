"""The `huiqi` command (core part). ``ui.cli`` adds the commands that start the UI."""

from __future__ import annotations

import sys

import typer

from crm.config import get_settings

app = typer.Typer(help="惠企 Huiqi — 体育产业惠企政策服务 CRM", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="数据库 / database", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply schema migrations to the configured database."""
    from crm.db import current_revision, get_engine

    engine = get_engine()
    typer.echo(f"数据库已是最新结构 / schema at revision {current_revision(engine)}: {_safe_url()}")


@app.command()
def doctor() -> None:
    """Check the database, data dirs, CJK font, rules and templates; say how to fix what is wrong."""
    from crm.doctor import run_checks

    problems = 0
    for check in run_checks():
        mark = "✓" if check.ok else "✗"
        typer.echo(f"{mark} {check.name}: {check.detail}")
        if not check.ok:
            problems += 1
            typer.echo(f"    修复 / fix: {check.fix}")
    raise typer.Exit(1 if problems else 0)


@app.command()
def demo(
    count: int = typer.Option(320, help="enterprises to generate"),
    seed: int = typer.Option(20240601, help="random seed (same seed, same data)"),
    replace: bool = typer.Option(False, "--replace", help="delete existing data first"),
    if_empty: bool = typer.Option(False, "--if-empty", help="only when the database has no enterprise yet"),
    no_pipeline: bool = typer.Option(
        False, "--no-pipeline", help="enterprises only: no matches or applications"
    ),
) -> None:
    """Load the deterministic demo dataset of Yangpu sports enterprises."""
    from crm.demo import has_enterprises, load_demo

    if if_empty and has_enterprises():
        typer.echo("数据库已有企业数据，跳过演示数据 / database not empty: demo data not loaded")
        return
    typer.echo(load_demo(count=count, seed=seed, replace=replace))
    if not no_pipeline:
        from crm.services.pipeline_demo import seed as seed_pipeline

        # matches, this cycle's windows and applications in every stage: a plausible 工作台 at once
        typer.echo(seed_pipeline(seed=seed))


def _safe_url() -> str:
    from sqlalchemy.engine import make_url

    return make_url(get_settings().database_url).render_as_string(hide_password=True)


def _register_plugins() -> None:
    """Commands that live next to their feature (rules, packs, intake, calendar)."""
    import importlib

    for name in ("crm.cli_rules", "crm.cli_packs", "crm.cli_intake", "crm.cli_calendar", "crm.cli_admin"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the core CLI."""
    _register_plugins()
    app(args=argv if argv is not None else sys.argv[1:], prog_name="huiqi")
