"""`huiqi pack` and `huiqi packs`: service packs from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crm.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    all_of,
    division_hints,
    officer_names,
    one_of,
    parse_date,
    refuse,
    warn_rules,
)

DateOption = Annotated[
    str | None, typer.Option("--on", help="按某日计算，YYYY-MM-DD，缺省为今天 (as-of date, default today)")
]


def register(app: typer.Typer) -> None:
    """Add the pack commands to the `huiqi` app."""
    app.command("pack")(pack)
    app.command("packs")(packs)


def pack(
    enterprise: Annotated[int, typer.Option("--enterprise", help="企业编号 (enterprise id)")],
    out: Annotated[Path, typer.Option("--out", help="输出 PDF 文件 (PDF file to write)")],
    on: DateOption = None,
    officer: Annotated[
        str | None,
        typer.Option(
            "--officer", help="署名专员登录名，缺省为本机专员 (officer username, default: configured)"
        ),
    ] = None,
) -> None:
    """生成一家企业的服务包并记入其历史 (one enterprise's service pack, recorded in its history)."""
    from crm.services.packs import make_pack

    if officer is not None:
        one_of(officer, officer_names(), "--officer")
    result = make_pack(enterprise, officer=officer, on=parse_date(on))
    broken = warn_rules()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(result.pdf)
    typer.echo(f"已生成 (written) {out}（{result.record.pages} 页，{len(result.pdf) // 1024} KB）")
    raise typer.Exit(EXIT_PROBLEMS if broken else EXIT_OK)


def packs(
    out: Annotated[
        Path,
        typer.Option("--out", help="PDF 输出文件夹，旁边另写一个 .zip (folder for the PDFs, and a .zip)"),
    ],
    street: Annotated[
        list[str] | None, typer.Option("--street", help="所属街道，可重复，如 五角场 (street, repeatable)")
    ] = None,
    division: Annotated[
        list[str] | None,
        typer.Option("--division", help="体育产业大类 01–11，可重复 (sports division, repeatable)"),
    ] = None,
    policy: Annotated[
        str | None,
        typer.Option("--policy", help="只要该政策的匹配结果在 --outcome 之内的企业 (policy id to filter by)"),
    ] = None,
    outcome: Annotated[
        list[str] | None,
        typer.Option(
            "--outcome",
            help="配合 --policy 的匹配结果，可重复；缺省 eligible、likely、near_miss "
            "(outcomes for --policy: eligible likely near_miss needs_data held ineligible)",
        ),
    ] = None,
    ids: Annotated[
        list[int] | None, typer.Option("--id", help="企业编号，可重复 (enterprise id, repeatable)")
    ] = None,
    on: DateOption = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=16, help="并行进程数 (processes)")] = 2,
    no_zip: Annotated[
        bool, typer.Option("--no-zip", help="只写文件夹，不打包 (folder only, no .zip)")
    ] = False,
) -> None:
    """按条件批量生成服务包，带进度条 (service packs for a filtered set of enterprises, with a progress bar)."""
    from crm.domain import OUTCOMES, SPORTS_DIVISIONS, STREETS
    from crm.rules import loader
    from crm.services.packs import make_packs, select_enterprises

    if outcome and policy is None:
        refuse("--outcome 须与 --policy 一起使用 (--outcome needs --policy)", "--outcome")
    streets = all_of(street, STREETS, "--street")
    divisions = all_of(division, list(SPORTS_DIVISIONS), "--division", hint=division_hints())
    outcomes = all_of(outcome, list(OUTCOMES), "--outcome")
    if policy is not None:
        one_of(policy, loader.current().ids(), "--policy")
    as_of = parse_date(on)
    missing = sorted(set(ids) - set(select_enterprises(ids=ids))) if ids else []
    if missing:
        refuse(f"没有这些企业编号 (no such enterprise id)：{', '.join(map(str, missing))}", "--id")
    chosen = select_enterprises(
        streets=streets,
        divisions=divisions,
        policy=policy,
        outcomes=outcomes or None,
        ids=ids or None,
        on=as_of,
    )
    broken = warn_rules([policy] if policy else [])
    if not chosen:
        typer.echo("没有符合条件的企业 (no enterprise matches)")
        raise typer.Exit(EXIT_PROBLEMS)
    with typer.progressbar(length=len(chosen), label=f"生成服务包 {len(chosen)} 份") as bar:
        result = make_packs(
            chosen,
            out,
            on=as_of,
            workers=workers,
            make_zip=not no_zip,
            progress=lambda _done, _total, _name: bar.update(1),
        )
    typer.echo(
        f"完成 {len(result.made)} 份 → {result.folder}"
        + (f"，压缩包 {result.zip_path}" if result.zip_path else "")
    )
    for enterprise_id, name, reason in result.failed:
        typer.echo(f"✗ 失败 #{enterprise_id} {name}: {reason}", err=True)
    raise typer.Exit(EXIT_PROBLEMS if result.failed or broken else EXIT_OK)
