"""`huiqi report`, `huiqi ics`, `huiqi radar`: the yearly statistics PDF, calendar files, the call list."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crm.cli.common import EXIT_OK, EXIT_PROBLEMS, officer_names, one_of, parse_date, refuse, warn_rules

OfficerOption = Annotated[
    str | None, typer.Option("--officer", help="专员登录名，缺省为全办 (officer username, default: everyone)")
]


def register(app: typer.Typer) -> None:
    """Add the calendar, radar and report commands to the `huiqi` CLI."""
    app.command("report")(report)
    app.command("ics")(ics)
    app.command("radar")(radar)
    app.command("demo-pipeline")(demo_pipeline)


def report(
    year: Annotated[int, typer.Option("--year", min=2000, max=2100, help="统计年度 (year)")],
    out: Annotated[Path, typer.Option("--out", help="输出 PDF 文件 (output PDF)")],
) -> None:
    """生成全区年度统计报告 PDF，含图表 (the district's yearly statistics report, with charts)."""
    from crm.services.report import report_pdf

    out.write_bytes(report_pdf(year))
    typer.echo(f"已生成 {year} 年统计报告 (report written)：{out}")


def ics(
    out: Annotated[Path | None, typer.Option("--out", help="输出 .ics 文件 (output file)")] = None,
    officer: OfficerOption = None,
    feeds: Annotated[
        bool,
        typer.Option("--feeds", help="为每位专员写订阅文件到 <数据目录>/ics/ (write every officer's feed)"),
    ] = False,
) -> None:
    """导出申报窗口、内部截止日和待办的日历 (ICS calendar of windows, deadlines and open tasks)."""
    from crm.services import deadlines
    from crm.services.enterprises import officers

    if feeds and (out is not None or officer is not None):
        refuse(
            "--feeds 为每位专员各写一个文件，不能与 --out、--officer 同用 (--feeds takes neither)", "--feeds"
        )
    if not feeds and out is None:
        refuse("请用 --out 指定文件，或用 --feeds 写订阅文件 (give --out or --feeds)", "--out")
    broken = warn_rules()
    if feeds:
        for o in officers():
            if o.id is not None:
                typer.echo(f"{o.display_name}: {deadlines.write_feed(o.id)}")
        raise typer.Exit(EXIT_PROBLEMS if broken else EXIT_OK)
    assert out is not None
    officer_id = _officer_id(officer) if officer else None
    out.write_bytes(deadlines.ics(officer_id=officer_id, name=f"惠企 · {officer or '全办'}"))
    typer.echo(f"日历已导出 (calendar written)：{out}")
    raise typer.Exit(EXIT_PROBLEMS if broken else EXIT_OK)


def radar(
    officer: OfficerOption = None,
    within: Annotated[
        int, typer.Option("--within", min=0, max=250, help="窗口截止前多少个工作日 (working days ahead)")
    ] = 10,
    on: Annotated[
        str | None,
        typer.Option("--on", help="按某日计算，YYYY-MM-DD，缺省为今天 (as-of date, default today)"),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=1000, help="每一栏最多列出几条 (rows per section)")
    ] = 20,
) -> None:
    """打印本周要打的电话：未告知的匹配、停滞的申报、到期资质、待办、待补资料 (the call list)."""
    from crm.services import radar as service

    officer_id = _officer_id(officer) if officer else None
    result = service.radar(
        officer_id=officer_id,
        on=parse_date(on),
        settings=service.RadarSettings(closing_within=within, limit=limit),
    )
    broken = warn_rules()
    for section in result.sections:
        typer.echo(f"\n■ {section.title}：{section.shown_total}")
        for item in section.items:
            left = item.left.label() if item.left else ""
            if item.due_kind == "internal_deadline":
                left = f"材料交区截止{left}"
            typer.echo(f"  - {item.enterprise}｜{item.what}｜{item.detail}｜{left}")
        hidden = section.total - len(section.items)
        if hidden > 0:
            more = f"{hidden}+" if section.shown_total.endswith("+") else str(hidden)
            typer.echo(f"  … 另有 {more} 条未列出，可用 --limit 显示更多 ({more} more; raise --limit)")
    raise typer.Exit(EXIT_PROBLEMS if broken else EXIT_OK)


def demo_pipeline() -> None:
    """在演示企业上加入申报窗口和各阶段的申报 (demo windows and applications on the demo enterprises)."""
    from crm.services.demo import seed

    typer.echo(seed())


def _officer_id(username: str) -> int:
    from crm.services.enterprises import officers

    one_of(username, officer_names(), "--officer")
    return next(o.id for o in officers() if o.username == username and o.id is not None)
