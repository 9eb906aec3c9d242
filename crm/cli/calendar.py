"""`huiqi report`, `huiqi ics`, `huiqi radar`: the yearly statistics PDF, calendar files, the call list."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add the calendar, radar and report commands to the `huiqi` CLI."""
    app.command("report")(report)
    app.command("ics")(ics)
    app.command("radar")(radar)
    app.command("demo-pipeline")(demo_pipeline)


def report(
    year: Annotated[int, typer.Option("--year", help="统计年度 / year")],
    out: Annotated[Path, typer.Option("--out", help="输出 PDF 文件 / output PDF")],
) -> None:
    """Write the district's yearly statistics report (charts included) as PDF."""
    from crm.services.report import report_pdf

    out.write_bytes(report_pdf(year))
    typer.echo(f"已生成 {year} 年统计报告 / report written: {out}")


def ics(
    out: Annotated[Path | None, typer.Option("--out", help="输出 .ics 文件 / output file")] = None,
    officer: Annotated[str | None, typer.Option(help="专员登录名（缺省为全办）/ officer username")] = None,
    feeds: Annotated[
        bool, typer.Option("--feeds", help="为每位专员写订阅文件 / write every officer's feed")
    ] = False,
) -> None:
    """Write an ICS calendar of windows, internal deadlines and open tasks (or every officer's feed file)."""
    from crm.services import deadlines
    from crm.services.enterprises import officers

    if feeds:
        for o in officers():
            if o.id is None:
                continue
            typer.echo(f"{o.display_name}: {deadlines.write_feed(o.id)}")
        return
    if out is None:
        raise typer.BadParameter("请用 --out 指定文件，或用 --feeds 写订阅文件 / give --out or --feeds")
    officer_id = _officer_id(officer) if officer else None
    out.write_bytes(deadlines.ics(officer_id=officer_id, name=f"惠企 · {officer or '全办'}"))
    typer.echo(f"日历已导出 / calendar written: {out}")


def radar(
    officer: str | None = typer.Option(None, help="专员登录名（缺省为全办）/ officer username"),
    within: int = typer.Option(10, help="窗口截止前多少个工作日 / working days ahead"),
    on: str | None = typer.Option(None, help="按某日计算（YYYY-MM-DD）/ as of date"),
) -> None:
    """Print the call list: untold matches before windows close, stalled, expiring, due, to collect."""
    from crm.services import radar as service

    result = service.radar(
        officer_id=_officer_id(officer) if officer else None,
        on=date.fromisoformat(on) if on else None,
        settings=service.RadarSettings(closing_within=within),
    )
    for section in result.sections:
        typer.echo(f"\n■ {section.title}：{section.shown_total}")
        for item in section.items:
            left = item.left.label() if item.left else ""
            if item.due_kind == "internal_deadline":
                left = f"材料交区截止{left}"
            typer.echo(f"  - {item.enterprise}｜{item.what}｜{item.detail}｜{left}")


def demo_pipeline() -> None:
    """Add demo windows and applications in every stage on top of the demo enterprises."""
    from crm.services.demo import seed

    typer.echo(seed())


def _officer_id(username: str) -> int:
    from crm.services.enterprises import officers

    found = next((o.id for o in officers() if o.username == username), None)
    if found is None:
        raise typer.BadParameter(f"没有这位专员：{username}")
    return found
