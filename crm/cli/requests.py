"""`huiqi requests make|import|list`: data requests (企业信息补充表) to enterprises and their returns."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from crm.cli.common import EXIT_OK, EXIT_PROBLEMS, all_of, division_hints, one_of, parse_date, refuse

requests_app = typer.Typer(help="企业信息补充表 (data requests to enterprises)", no_args_is_help=True)
OPEN = ("needs_data", "likely")


def register(app: typer.Typer) -> None:
    """Add the `requests` command group to the `huiqi` app."""
    app.add_typer(requests_app, name="requests")


@requests_app.command("make")
def make(
    out: Annotated[Path, typer.Option("--out", help="输出文件夹，旁边另写一个 .zip (output folder)")],
    outcome: Annotated[
        list[str] | None,
        typer.Option("--outcome", help="按匹配结果选企业，可多次；缺省 needs_data 与 likely (outcomes)"),
    ] = None,
    policy: Annotated[str | None, typer.Option("--policy", help="只看这项政策的匹配结果 (policy id)")] = None,
    street: Annotated[list[str] | None, typer.Option("--street", help="所属街道，可多次 (street)")] = None,
    division: Annotated[
        list[str] | None, typer.Option("--division", help="体育产业类别 01-11，可多次 (division)")
    ] = None,
    ids: Annotated[list[int] | None, typer.Option("--id", help="企业编号，可多次 (enterprise id)")] = None,
    due: Annotated[
        str | None, typer.Option("--due", help="交回期限 YYYY-MM-DD，缺省 14 天后 (due date)")
    ] = None,
    no_zip: Annotated[bool, typer.Option("--no-zip", help="只写文件夹 (folder only)")] = False,
) -> None:
    """为筛选出的企业各生成一份企业信息补充表，只问能让判定落定的信息 (one data request per chosen enterprise)."""
    from crm.domain import OUTCOMES, SPORTS_DIVISIONS, STREETS
    from crm.rules import loader
    from crm.services import requests as rq

    due_date = parse_date(due, "--due")
    if due_date is not None and due_date < date.today():
        refuse("交回期限不能早于今天 (the due date is in the past)", "--due")
    streets = all_of(street, STREETS, "--street")
    divisions = all_of(division, list(SPORTS_DIVISIONS), "--division", hint=division_hints())
    outcomes = all_of(outcome, list(OUTCOMES), "--outcome")
    if policy is not None:
        one_of(policy, loader.current().ids(), "--policy")
    chosen = rq.select_enterprises(
        streets=streets, divisions=divisions, policy=policy, outcomes=tuple(outcomes or OPEN), ids=ids or None
    )
    if not chosen:
        typer.echo("没有符合条件的企业 (no enterprise matches)")
        raise typer.Exit(EXIT_PROBLEMS)
    with typer.progressbar(length=len(chosen), label=f"生成补充表 {len(chosen)} 份") as bar:
        result = rq.make_requests(
            chosen, out, due=due_date, make_zip=not no_zip, progress=lambda _d, _t, _n: bar.update(1)
        )
    typer.echo(
        f"已生成 {len(result.made)} 份 → {result.folder}"
        + (f"，压缩包 {result.zip_path}" if result.zip_path else "")
    )
    for _eid, name, reason in result.skipped:
        typer.echo(f"  跳过 {name}：{reason}")
    raise typer.Exit(EXIT_OK)


@requests_app.command("import")
def import_returns(
    path: Annotated[
        Path, typer.Argument(exists=True, help="交回的 .xlsx、一个文件夹或 .zip (file, folder or zip)")
    ],
    accept_all: Annotated[
        bool, typer.Option("--accept-all", help="写入全部可用的数值；缺省只列出差异 (apply every change)")
    ] = False,
    confirm_tampered: Annotated[
        bool,
        typer.Option(
            "--confirm-tampered", help="校验码不符的文件也写入 (also apply files failing the checksum)"
        ),
    ] = False,
) -> None:
    """读取交回的补充表，逐家列出变更（项目、原值 → 新值）与问题；加 --accept-all 写入 (read returns; apply with --accept-all)."""
    from crm.services import returns

    review = returns.review_returns(returns.read_folder(path))
    for name, message in review.unreadable:
        typer.echo(f"✗ {name}：{message}", err=True)
    for f in review.files:
        typer.echo(f"{f.filename} → {f.name or '（未匹配）'}")
        for problem in f.problems:
            typer.echo(f"  ! {problem}")
        for c in f.changes:
            typer.echo(f"  {c.label}：{c.old} → {c.new}（{c.where}）")
        for e in f.errors:
            typer.echo(f"  ✗ {e.where} {e.label}：{e.message}")
    problems = bool(review.unreadable or any(f.errors or f.blocked or f.tampered for f in review.files))
    if not accept_all:
        typer.echo("未写入：确认无误后加 --accept-all 写入 (nothing written; add --accept-all)")
        raise typer.Exit(EXIT_PROBLEMS if problems else EXIT_OK)
    confirmed = (
        {f.enterprise_id for f in review.files if f.tampered and f.enterprise_id}
        if confirm_tampered
        else set()
    )
    applied = returns.accept(review, confirmed=confirmed)
    typer.echo(f"已写入 {sum(applied.written.values())} 个数值，涉及 {len(applied.written)} 家企业")
    for eid, changed in applied.verdicts.items():
        name = next((f.name for f in review.files if f.enterprise_id == eid), "")
        for title, before, after in changed:
            typer.echo(f"  {name}：{title} {before} → {after}")
    for name, reason in applied.skipped + applied.failed:
        typer.echo(f"✗ {name}：{reason}", err=True)
    raise typer.Exit(EXIT_PROBLEMS if problems or applied.failed or applied.skipped else EXIT_OK)


@requests_app.command("list")
def list_requests(
    status: Annotated[
        str | None,
        typer.Option(
            "--status", help="sent 待交回 | returned 已交回 | overdue 已逾期 | closed 已完成 (status)"
        ),
    ] = None,
) -> None:
    """列出补充表：企业、发出日期、交回期限、状态、所问项数 (list data requests, newest first)."""
    from crm.services import requests as rq

    if status is not None:
        one_of(status, list(rq.STATUSES), "--status")
    rows = rq.list_requests(status=status)
    for r in rows:
        typer.echo(f"{r['created']}  {r['due']}  {r['status_zh']:<4}  {r['name']}  （{r['asked']} 项）")
    typer.echo(f"共 {len(rows)} 份 ({len(rows)} requests)")
