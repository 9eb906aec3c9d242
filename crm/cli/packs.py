"""`huiqi pack` and `huiqi packs`: service packs from the command line."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from crm.cli.common import EXIT_OK, EXIT_PROBLEMS, warn_rules


def register(app: typer.Typer) -> None:
    """Add the pack commands to the `huiqi` app."""
    app.command("pack")(pack)
    app.command("packs")(packs)


def pack(
    enterprise: Annotated[int, typer.Option("--enterprise", help="enterprise id")],
    out: Annotated[Path, typer.Option("--out", help="PDF file to write")],
    on: Annotated[str | None, typer.Option("--on", help="as-of date YYYY-MM-DD (default: today)")] = None,
    officer: Annotated[
        str | None, typer.Option("--officer", help="officer username (default: configured officer)")
    ] = None,
) -> None:
    """Generate one enterprise's service pack (惠企政策服务包) and record it in its history."""
    from crm.services.packs import make_pack

    result = make_pack(enterprise, officer=officer, on=_date(on))
    broken = warn_rules()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(result.pdf)
    typer.echo(f"已生成 / written {out} ({result.record.pages} 页, {len(result.pdf) // 1024} KB)")
    raise typer.Exit(EXIT_PROBLEMS if broken else EXIT_OK)


def packs(
    out: Annotated[Path, typer.Option("--out", help="folder for the PDFs (a .zip is written beside it)")],
    street: Annotated[
        list[str] | None, typer.Option("--street", help="街道, e.g. 五角场 (repeatable)")
    ] = None,
    division: Annotated[
        list[str] | None, typer.Option("--division", help="sports division 01-11 (repeatable)")
    ] = None,
    policy: Annotated[
        str | None, typer.Option("--policy", help="only enterprises with this outcome for the policy")
    ] = None,
    outcome: Annotated[
        list[str] | None,
        typer.Option(
            "--outcome",
            help="outcomes for --policy (default: eligible, likely, near_miss; also needs_data, held, ineligible)",
        ),
    ] = None,
    ids: Annotated[list[int] | None, typer.Option("--id", help="enterprise id (repeatable)")] = None,
    on: Annotated[str | None, typer.Option("--on", help="as-of date YYYY-MM-DD (default: today)")] = None,
    workers: Annotated[int, typer.Option("--workers", help="processes")] = 2,
    no_zip: Annotated[bool, typer.Option("--no-zip", help="folder only")] = False,
) -> None:
    """Service packs for a filtered set of enterprises, on both cores, with a progress bar."""
    from crm.services.packs import make_packs, select_enterprises

    as_of = _date(on)
    chosen = select_enterprises(
        streets=street or (),
        divisions=division or (),
        policy=policy,
        outcomes=outcome or None,
        ids=ids or None,
        on=as_of,
    )
    broken = warn_rules([policy] if policy else [])
    if not chosen:
        typer.echo("没有符合条件的企业 / no enterprise matches")
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


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
