"""The data-request workbook (企业信息补充表) an enterprise fills in: written from plain data, signed.

Sheets: 说明 (what it is for, who to return it to, by when), 请填写 (one row per fact asked, an input cell
with Excel data validation, the policies it affects), 请核对 (the values held, a cell for corrections),
and a very hidden, protected sheet with the request id, enterprise id, USCC and an HMAC over them and the
asked rows (``signature``), and beside them the closed vocabularies the list validations read. Each asked
row also carries its field key in a hidden column, so a returned file is read by key even when rows were
inserted or moved. Every cell goes through ``export.safe_cell``.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from crm.intake.export import HEADER_FILL, HEADER_FONT, safe_cell

FORMAT = "huiqi.request/1"
ASK_SHEET, CHECK_SHEET, COVER_SHEET, META_SHEET = "请填写", "请核对", "说明", "hq_meta"
CHOICE_COL = 4  # the vocabularies sit on the hidden sheet from column D (A:B hold the ids)
ASK_HEADERS = ("序号", "项目", "年度", "单位", "请在此列填写", "填写说明", "影响的政策")
CHECK_HEADERS = ("序号", "项目", "年度", "单位", "我们掌握的数值", "如有误请填写正确数值", "影响的政策")
INPUT_COL, KEY_COL, HEADER_ROW = 5, 9, 3  # E holds the answer; I (hidden) the field key
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
NUMBER_FORMATS = {"money": "0.00", "date": "yyyy-mm-dd", "int": "0"}
HINTS = {
    "money": "单位万元，可填 150 或 150万",
    "int": "填整数",
    "date": "如 2019-03-05",
    "bool": "从下拉列表选“是”或“否”",
    "choice": "从下拉列表选择",
}


@dataclass(frozen=True)
class Row:
    """One asked (or checked) field: ``key`` (``rd_expense@2025``), label, year, unit, the FieldSpec kind,
    the labels of a closed vocabulary, the held value as shown (万元, 是/否, labels) and the policies it affects."""

    key: str
    label: str
    year: int | None
    unit: str
    kind: str
    choices: tuple[str, ...] = ()
    held: Any = None
    policies: str = ""


@dataclass(frozen=True)
class Book:
    """Everything one request workbook shows, as plain data."""

    token: str
    enterprise_id: int
    uscc: str
    enterprise_name: str
    officer_name: str
    officer_contact: str
    office: str
    made: date
    due: date
    asks: Sequence[Row]
    checks: Sequence[Row] = field(default_factory=tuple)


def signature(key: bytes, token: str, enterprise_id: int, uscc: str, keys: Sequence[str]) -> str:
    """The HMAC-SHA256 that binds a workbook's request id, enterprise, USCC and asked rows (hex, 32 chars)."""
    message = "\n".join([FORMAT, token, str(enterprise_id), uscc or "", *keys]).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def book_keys(book: Book) -> list[str]:
    """The row keys the signature covers: asked rows, then checked rows (prefixed ``check:``)."""
    return [r.key for r in book.asks] + [f"check:{r.key}" for r in book.checks]


def write_book(book: Book, key: bytes) -> bytes:
    """The request workbook as .xlsx bytes, signed with ``key``."""
    wb = Workbook()
    cover = wb.active
    assert cover is not None
    cover.title = COVER_SHEET
    _cover(cover, book)
    lists = _choice_lists([*book.asks, *book.checks])
    choices = _choice_ranges(lists)
    _rows_sheet(wb.create_sheet(ASK_SHEET), book, book.asks, ASK_HEADERS, choices, ask=True)
    if book.checks:
        _rows_sheet(wb.create_sheet(CHECK_SHEET), book, book.checks, CHECK_HEADERS, choices, ask=False)
    _meta(wb.create_sheet(META_SHEET), book, key, lists)
    wb.active = 1
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    """The workbook as .xlsx bytes, each sheet's XML built in memory.

    ``Workbook.save`` writes every sheet to a temporary file first and deletes it after: on a busy disk
    that costs more than building the workbook. openpyxl's own sheet writer accepts a BytesIO; only the
    step that hands it to the zip is replaced. Any other openpyxl falls back to ``Workbook.save``.
    """
    buf = io.BytesIO()
    try:
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            _MemoryWriter(wb, archive).save()
    except (ImportError, AttributeError, TypeError):  # another openpyxl: its own, slower path
        buf = io.BytesIO()
        wb.save(buf)
    return buf.getvalue()


class _MemoryWriter(ExcelWriter):
    """openpyxl's ExcelWriter with each worksheet written to memory instead of a temporary file."""

    def write_worksheet(self, ws: Worksheet) -> None:
        from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
        from openpyxl.worksheet._writer import WorksheetWriter

        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = WorksheetWriter(ws, out=io.BytesIO())
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)


# --- sheets -------------------------------------------------------------------------------------------


def _cover(ws: Worksheet, book: Book) -> None:
    lines: list[tuple[str, Any]] = [
        ("企业信息补充表", None),
        ("企业名称", book.enterprise_name),
        ("统一社会信用代码", book.uscc or "（未登记）"),
        ("用途", "为判断贵单位可申报的惠企政策，请补充以下信息。所填信息仅用于政策匹配和申报服务。"),
        ("填写方法", f"请在“{ASK_SHEET}”表的黄色单元格中填写；金额单位为万元；不清楚的可留空。"),
        ("核对", f"请在“{CHECK_SHEET}”表核对我们掌握的数值，如有误请在黄色单元格填写正确数值。"),
        ("请交回", f"{book.office} {book.officer_name}（{book.officer_contact}）"),
        ("交回期限", book.due.isoformat()),
        ("发出日期", book.made.isoformat()),
        ("注意", "请勿修改表格结构或隐藏的内容，否则可能无法自动读取。"),
    ]
    for label, value in lines:
        ws.append([safe_cell(ws, label), safe_cell(ws, value)])
    ws["A1"].font = Font(bold=True, size=16)
    for row in range(2, len(lines) + 1):
        ws.cell(row, 1).font = Font(bold=True)
        ws.cell(row, 2).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 80
    ws.protection.sheet = True


def _rows_sheet(
    ws: Worksheet,
    book: Book,
    rows: Sequence[Row],
    headers: Sequence[str],
    choices: dict[str, str],
    *,
    ask: bool,
) -> None:
    title = "请填写以下信息（黄色单元格）" if ask else "请核对以下数值，有误的请在黄色单元格填写正确数值"
    ws.append([safe_cell(ws, f"{book.enterprise_name}：{title}")])
    ws.append([safe_cell(ws, f"金额单位：万元；交回期限：{book.due.isoformat()}")])
    ws.append([safe_cell(ws, h) for h in headers])
    for j in range(1, len(headers) + 1):
        cell = ws.cell(HEADER_ROW, j)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, Alignment(wrap_text=True)
    validations: dict[str, DataValidation] = {}
    for i, row in enumerate(rows, start=1):
        if ask:
            values = [i, row.label, row.year, row.unit, None, HINTS.get(row.kind, ""), row.policies]
        else:
            values = [i, row.label, row.year, row.unit, row.held, None, row.policies]
        ws.append([safe_cell(ws, v) for v in values] + [None, safe_cell(ws, row.key)])
        r = ws.max_row
        answer = ws.cell(r, INPUT_COL if ask else INPUT_COL + 1)
        answer.fill, answer.protection = INPUT_FILL, Protection(locked=False)
        answer.number_format = NUMBER_FORMATS.get(row.kind, "@")
        dv = _validation(row, choices, validations)
        if dv is not None:
            dv.add(answer.coordinate)
    for dv in validations.values():
        ws.add_data_validation(dv)
    for j, width in enumerate((6, 36, 8, 8, 20, 22, 50), start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.column_dimensions[get_column_letter(KEY_COL)].hidden = True
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _validation(row: Row, choices: dict[str, str], made: dict[str, DataValidation]) -> DataValidation | None:
    kind = "choice:" + row.key.split("@")[0] if row.kind == "choice" else row.kind
    if kind in made:
        return made[kind]
    common: dict[str, Any] = {"allow_blank": True, "showErrorMessage": True, "errorStyle": "warning"}
    if row.kind == "money":
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", **common)
        dv.error, dv.prompt = "请填写金额（万元），如 150 或 150.5", "金额单位：万元"
    elif row.kind == "int":
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", **common)
        dv.error = "请填写整数"
    elif row.kind == "date":
        dv = DataValidation(type="date", operator="between", formula1="1", formula2="73050", **common)
        dv.error = "请填写日期，如 2019-03-05"
    elif row.kind == "bool":
        dv = DataValidation(type="list", formula1='"是,否"', **common)
        dv.error = "请选择“是”或“否”"
    elif row.kind == "choice" and row.choices:
        dv = DataValidation(type="list", formula1=choices[row.key.split("@")[0]], **common)
        dv.error = "请从下拉列表中选择"
    else:
        return None
    dv.showInputMessage = bool(dv.prompt)
    made[kind] = dv
    return dv


def _choice_lists(rows: Sequence[Row]) -> dict[str, tuple[str, ...]]:
    """field -> labels of each closed vocabulary the rows use."""
    return {r.key.split("@")[0]: r.choices for r in rows if r.kind == "choice" and r.choices}


def _choice_ranges(lists: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """field -> the range of the hidden sheet a list validation reads (one column per vocabulary)."""
    out = {}
    for j, (name, labels) in enumerate(lists.items(), start=CHOICE_COL):
        letter = get_column_letter(j)
        out[name] = f"{quote_sheetname(META_SHEET)}!${letter}$1:${letter}${len(labels)}"
    return out


def _meta(ws: Worksheet, book: Book, key: bytes, lists: dict[str, tuple[str, ...]]) -> None:
    keys = book_keys(book)
    rows: list[list[Any]] = [
        ["format", FORMAT],
        ["request", book.token],
        ["enterprise", book.enterprise_id],
        ["uscc", book.uscc or ""],
        ["checksum", signature(key, book.token, book.enterprise_id, book.uscc, keys)],
        ["rows", len(keys)],
        *[["key", k] for k in keys],
    ]
    for row in rows:
        ws.append([safe_cell(ws, v) for v in row])
    for j, labels in enumerate(lists.values(), start=CHOICE_COL):
        for i, label in enumerate(labels, start=1):
            ws.cell(i, j).value = label  # our own closed vocabulary: plain text, never a formula
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True
    ws.protection.password = hashlib.sha256(key).hexdigest()[:12]
