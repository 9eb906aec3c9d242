"""`huiqi import` and `huiqi export` (registered by crm.cli)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crm.cli.common import EXIT_OK, EXIT_PROBLEMS, all_of, one_of, refuse

MODES = ("all-or-nothing", "valid-only")


def register(app: typer.Typer) -> None:
    """Add the intake commands to the `huiqi` app."""
    app.command("import")(import_file)
    app.command("export")(export_file)


def import_file(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help=".xlsx 或 .csv 文件 (spreadsheet to import)")
    ],
    mapping: Annotated[
        str | None, typer.Option("--mapping", help="已保存的列映射名称 (saved column mapping)")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="只校验并打印报告，不写入 (check only, write nothing)")
    ] = False,
    mode: Annotated[
        str,
        typer.Option(
            "--mode",
            help="all-or-nothing：有错则一行不写；valid-only：写入有效行，其余另存 "
            "(all-or-nothing | valid-only)",
        ),
    ] = "all-or-nothing",
    rejected: Annotated[
        Path | None, typer.Option("--rejected", help="未导入的行写入此 .xlsx (rows not imported go here)")
    ] = None,
) -> None:
    """导入企业并打印逐行校验报告；有行未导入时退出码为 1 (import enterprises; exit 1 when rows were not imported)."""
    from crm.services import intake

    one_of(mode, MODES, "--mode")
    if rejected is not None and rejected.suffix.lower() != ".xlsx":
        refuse("未导入的行只能写成 .xlsx (--rejected must be an .xlsx file)", "--rejected")
    table = intake.read_path(file)
    columns = intake.suggest_mapping(table, mapping)
    typer.echo(f"表头在第 {table.header_row} 行" + (f"，编码 {table.encoding}" if table.encoding else ""))
    for header, target in columns.items():
        typer.echo(f"  {header} -> {target or '（不导入）'}")
    preview, result = intake.run_import(table, columns, mode=mode, dry_run=dry_run)  # type: ignore[arg-type]
    typer.echo(preview.report())
    if result is None:
        typer.echo("试运行：未写入任何数据。(dry run: nothing written)")
        raise typer.Exit(EXIT_PROBLEMS if preview.errors else EXIT_OK)
    typer.echo(result.summary())
    if result.rejected:
        out = rejected or file.with_name(file.stem + "_未导入.xlsx")
        out.write_bytes(intake.rejected_rows_xlsx(table, result.rejected))
        typer.echo(f"未导入的行及原因已写入 (rows not imported, with reasons)：{out}")
    raise typer.Exit(EXIT_PROBLEMS if result.rejected or not result.written else EXIT_OK)


def export_file(
    out: Annotated[Path, typer.Argument(help="输出 .xlsx 文件 (output .xlsx file)")] = Path("企业名单.xlsx"),
    search: Annotated[
        str | None, typer.Option("--search", help="按名称、拼音或信用代码筛选 (name / USCC filter)")
    ] = None,
    street: Annotated[
        list[str] | None, typer.Option("--street", help="所属街道，可重复 (street, repeatable)")
    ] = None,
    template: Annotated[
        bool, typer.Option("--template", help="输出空白导入模板 (the blank import template)")
    ] = False,
) -> None:
    """导出（筛选后的）企业名单或空白导入模板为 .xlsx (export the enterprise list, or the import template)."""
    from crm.domain import STREETS
    from crm.services import intake
    from crm.services.enterprises import EnterpriseQuery

    if out.suffix.lower() != ".xlsx":
        refuse(f"只能导出 .xlsx 文件，而不是“{out.name}” (only .xlsx is written)", "OUT")
    if template and (search or street):
        refuse("--template 输出空白模板，不能同时筛选 (--template takes no filter)", "--template")
    streets = all_of(street, STREETS, "--street")
    if template:
        out.write_bytes(intake.import_template())
    else:
        out.write_bytes(intake.export_enterprises(EnterpriseQuery(search=search, streets=tuple(streets))))
    typer.echo(f"已导出 (written)：{out}")
