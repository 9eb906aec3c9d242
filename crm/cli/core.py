"""`huiqi db upgrade`, `huiqi doctor` and `huiqi demo`: setting up and checking an installation."""

from __future__ import annotations

import typer

from crm.cli.common import EXIT_OK, EXIT_PROBLEMS

db_app = typer.Typer(help="数据库结构迁移 (database schema)", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add `db`, `doctor` and `demo` to the `huiqi` command."""
    app.add_typer(db_app, name="db")
    app.command()(doctor)
    app.command()(demo)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """把数据库升级到最新结构；每次启动也会自动执行 (apply schema migrations; also run at every start)."""
    from crm.config import get_settings
    from crm.db import current_revision, get_engine, make_engine, safe_url, stored_revision

    probe = make_engine(get_settings().database_url)
    before = stored_revision(probe)
    probe.dispose()
    after = current_revision(get_engine())
    if before == after:
        typer.echo(f"数据库已是最新结构 (schema already at {after})：{safe_url()}")
    elif before is None:
        typer.echo(f"已在空数据库中建立全部表 (schema created at {after})：{safe_url()}")
    else:
        typer.echo(f"已从 {before} 升级到 {after} (schema upgraded)：{safe_url()}")


def doctor() -> None:
    """逐项检查设置、数据目录、数据库、规则、模板、字体和 PDF 引擎并给出修复方法 (check the installation)."""
    from crm.ops.doctor import run_checks

    problems = 0
    for check in run_checks():
        mark = "✓" if check.ok else ("–" if check.skipped else "✗")
        typer.echo(f"{mark} {check.name}: {check.detail}")
        if not check.ok:
            problems += 1
        if not check.ok and check.fix:
            typer.echo(f"    修复 (fix): {check.fix}")
    raise typer.Exit(EXIT_PROBLEMS if problems else EXIT_OK)


def demo(
    count: int = typer.Option(320, min=1, max=100_000, help="生成多少家企业 (enterprises to generate)"),
    seed: int = typer.Option(20240601, help="随机种子，同一种子得到同样数据 (random seed)"),
    replace: bool = typer.Option(
        False,
        "--replace",
        help="先备份，再删除除专员账号外的全部数据后载入，须加 --yes (back up, then replace everything but accounts)",
    ),
    yes: bool = typer.Option(False, "--yes", help="确认 --replace (confirm --replace)"),
    if_empty: bool = typer.Option(
        False, "--if-empty", help="仅当数据库还没有企业时载入 (only into an empty database)"
    ),
    no_pipeline: bool = typer.Option(
        False, "--no-pipeline", help="只载入企业，不做匹配和申报 (enterprises only)"
    ),
) -> None:
    """载入确定性的杨浦体育企业演示数据 (load the deterministic demo data set)."""
    if replace and not yes:
        raise typer.BadParameter(
            "--replace 会删除除专员账号外的全部数据（先自动备份）；确认请加 --yes "
            "(deletes every record except accounts, after a backup: add --yes to confirm)",
            param_hint="--replace",
        )
    if replace and if_empty:
        raise typer.BadParameter(
            "--replace 与 --if-empty 不能同时使用 (contradictory)", param_hint="--if-empty"
        )
    from crm.services import demo as demo_service
    from crm.services.auth import Principal, acting_as

    with acting_as(Principal("cli", "admin", "命令行管理员")):
        if if_empty and demo_service.has_enterprises():
            typer.echo("数据库已有企业数据，跳过演示数据 / database not empty: demo data not loaded")
            return
        typer.echo(demo_service.load(count=count, seed=seed, replace=replace))
        if not no_pipeline:
            # matches, this cycle's windows and applications in every stage: a plausible 工作台 at once
            typer.echo(demo_service.seed(seed=seed))
