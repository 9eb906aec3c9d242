"""`huiqi import` and `huiqi export` (registered by crm.cli)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add the intake commands to the `huiqi` app."""
    app.command("import")(import_file)
    app.command("export")(export_file)


def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help=".xlsx 或 .csv 文件")],
    mapping: Annotated[str | None, typer.Option("--mapping", help="已保存的列映射名称")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只校验并打印报告，不写入")] = False,
    mode: Annotated[str, typer.Option("--mode", help="all-or-nothing | valid-only")] = "all-or-nothing",
    rejected: Annotated[Path | None, typer.Option("--rejected", help="未导入的行写入此 .xlsx")] = None,
) -> None:
    """Import enterprises from FILE, printing the validation report."""
    from crm.services import intake

    if mode not in ("all-or-nothing", "valid-only"):
        raise typer.BadParameter("--mode 只能是 all-or-nothing 或 valid-only")
    table = intake.read_path(file)
    columns = intake.suggest_mapping(table, mapping)
    typer.echo(f"表头在第 {table.header_row} 行" + (f"，编码 {table.encoding}" if table.encoding else ""))
    for header, target in columns.items():
        typer.echo(f"  {header} -> {target or '（不导入）'}")
    preview, result = intake.run_import(table, columns, mode=mode, dry_run=dry_run)  # type: ignore[arg-type]
    typer.echo(preview.report())
    if result is None:
        typer.echo("试运行：未写入任何数据。")
        raise typer.Exit(1 if preview.errors else 0)
    typer.echo(result.summary())
    if result.rejected:
        out = rejected or file.with_name(file.stem + "_未导入.xlsx")
        out.write_bytes(intake.rejected_rows_xlsx(table, result.rejected))
        typer.echo(f"未导入的行及原因已写入：{out}")
    raise typer.Exit(0 if result.written and not result.rejected else 1)


def export_file(
    out: Annotated[Path, typer.Argument(help="输出 .xlsx 文件")] = Path("企业名单.xlsx"),
    search: Annotated[str | None, typer.Option("--search", help="名称/信用代码筛选")] = None,
    street: Annotated[list[str] | None, typer.Option("--street", help="所属街道（可多次）")] = None,
    template: Annotated[bool, typer.Option("--template", help="输出空白导入模板")] = False,
) -> None:
    """Export the (filtered) enterprise list, or the blank import template, to .xlsx."""
    from crm.services import intake
    from crm.services.enterprises import EnterpriseQuery

    if template:
        out.write_bytes(intake.import_template())
    else:
        out.write_bytes(
            intake.export_enterprises(EnterpriseQuery(search=search, streets=tuple(street or ())))
        )
    typer.echo(f"已导出：{out}")
