"""Write .xlsx files officers open in Excel/WPS: the enterprise list, match results, the import
template and the rejected rows of an import. Headers are the Chinese labels of crm.records.fields.

Every cell any writer puts in a workbook goes through ``safe_cell``: text that a spreadsheet would run as
a formula (an enterprise named ``=HYPERLINK(...)``, a typed login name ``@SUM(...)``) is written as text.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from crm.intake.mapping import Target
from crm.records.fields import ENTERPRISE_FIELDS, FieldSpec

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REASON_FILL = PatternFill("solid", fgColor="FCE4D6")

# columns of the export and of the template: every enterprise field, then recent fiscal-year figures
EXPORT_FIELDS: tuple[FieldSpec, ...] = tuple(f for f in ENTERPRISE_FIELDS if f.name != "uscc_override_reason")
TEMPLATE_FISCAL = ("staff_total", "tech_staff", "sales_revenue", "rd_expense", "tax_paid")


def write_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str = "Sheet1",
    title: str | None = None,
    highlight_last: bool = False,
) -> bytes:
    """One sheet with a bold header row (optionally a title row above it) as .xlsx bytes."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet[:31]
    if title:
        ws.append([safe_cell(ws, title)])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(1, len(headers)))
        ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.append([safe_cell(ws, h) for h in headers])
    header_row = ws.max_row
    for j in range(1, len(headers) + 1):
        cell = ws.cell(header_row, j)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, Alignment(wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = max(10, min(40, len(str(headers[j - 1])) * 2 + 2))
    for row in rows:
        ws.append([safe_cell(ws, v) for v in row])
        if highlight_last:
            ws.cell(ws.max_row, len(headers)).fill = REASON_FILL
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# what OWASP lists as starting a formula (=, +, -, @, tab, CR), and their full-width forms (WPS, IME input)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_cell(ws: Worksheet, value: Any) -> Any:
    """``value`` as a cell for ``ws.append``: numbers stay numbers; text that could start a formula
    becomes a text cell (shown as typed, never run, still text after an edit in Excel); characters
    an .xlsx cannot hold become '\ufffd'."""
    value = _plain(value)
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    if not value.lstrip(" ").startswith(FORMULA_START):
        return value
    cell = Cell(ws, value=value)  # openpyxl would store a leading '=' as a formula: say it is text
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return "、".join(map(str, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return value


def display(spec: FieldSpec, value: Any) -> Any:
    """A stored value as an officer reads it: choice labels, money in 万元 (two decimals), 是/否."""
    if value is None:
        return None
    if spec.kind == "choice" and spec.choices and value in spec.choices:
        return spec.choices[value][0]
    if spec.kind == "money":
        return round(float(Decimal(value) / 10_000), 2)
    return value


def enterprise_headers(years: Sequence[int] = ()) -> list[str]:
    """Chinese headers of the enterprise export: money in 万元, one column per recent fiscal-year figure."""
    heads = [f.zh + ("(万元)" if f.kind == "money" else "") for f in EXPORT_FIELDS]
    for y in years:
        heads += [Target("fiscalyear", n, y, "万元" if _money(n) else None).label() for n in TEMPLATE_FISCAL]
    return ["编号", *heads]


def enterprise_row(enterprise: Any, fiscal: dict[int, Any], years: Sequence[int]) -> list[Any]:
    """One enterprise (and its fiscal years by year) as a row under ``enterprise_headers(years)``."""
    row = [enterprise.id] + [display(f, getattr(enterprise, f.name)) for f in EXPORT_FIELDS]
    for y in years:
        fy = fiscal.get(y)
        for n in TEMPLATE_FISCAL:
            value = getattr(fy, n) if fy is not None else None
            row.append(round(float(value) / 10_000, 2) if value is not None and _money(n) else value)
    return row


def _money(name: str) -> bool:
    return Target("fiscalyear", name).spec().kind == "money"


# the template's example row: an import recognises it and skips it
EXAMPLE_NAME = "上海示例体育科技有限公司"
EXAMPLE_USCC = "91310110MA1G8XKX0C"


def template_xlsx(year: int) -> bytes:
    """A blank import template: the expected columns and one example row."""
    targets = [
        Target("enterprise", "name"),
        Target("enterprise", "uscc"),
        Target("enterprise", "registration_date"),
        Target("enterprise", "registered_capital", unit="万元"),
        Target("enterprise", "street"),
        Target("enterprise", "sports_division"),
        Target("enterprise", "address"),
        Target("enterprise", "former_names"),
        *[Target("fiscalyear", n, year, "万元" if _money(n) else None) for n in TEMPLATE_FISCAL],
        Target("contact", "name"),
        Target("contact", "phone"),
    ]
    example = [
        EXAMPLE_NAME,
        EXAMPLE_USCC,
        "2019/3/5",
        500,
        "五角场",
        "体育健身休闲活动",
        "上海市杨浦区国定路 1 号",
        "上海示例健身有限公司",
        35,
        12,
        1280.5,
        96.3,
        45.2,
        "张三",
        "13800000000",
    ]
    return write_xlsx([t.label() for t in targets], [example], sheet="导入模板")


def rejected_xlsx(headers: Sequence[str], rows: Iterable[tuple[Sequence[Any], str, int]]) -> bytes:
    """The rows that were not imported, as they were, with the row number and a 错误原因 column."""
    return write_xlsx(
        ["原行号", *headers, "错误原因"],
        ([number, *cells, reason] for cells, reason, number in rows),
        sheet="未导入的行",
        highlight_last=True,
    )
