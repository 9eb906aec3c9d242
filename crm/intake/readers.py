"""Read the first sheet of an .xlsx or a .csv (UTF-8, UTF-8 with BOM, GBK/GB18030) into rows.

The header row is found rather than assumed: officers put a merged title row ("2024年杨浦区体育企业名单")
and blank lines above it, so the row that names the most known columns wins.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crm.intake.limits import Limits, UnreadableFile, check_box, check_size, check_workbook

__all__ = ["Limits", "Table", "UnreadableFile", "read_table"]

HEADER_SCAN_ROWS = 15


@dataclass
class Table:
    """Cells as read, with the header row located; row numbers are the spreadsheet's (1-based)."""

    headers: list[str]
    rows: list[list[Any]]
    row_numbers: list[int]
    header_row: int
    source: str = ""
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)


def read_table(
    data: bytes,
    filename: str,
    *,
    is_header: Callable[[str], bool] | None = None,
    limits: Limits | None = None,
) -> Table:
    """Read an .xlsx/.csv given as bytes within ``limits``; ``is_header`` recognises known column names."""
    limits = limits or Limits.configured()
    check_size(len(data), limits)
    suffix = Path(filename).suffix.lower()
    encoding = None
    if suffix in (".csv", ".txt"):
        text, encoding = decode_csv(data)
        grid = _read_csv(text, limits)
    elif suffix in (".xlsx", ".xlsm"):
        check_workbook(data, limits)
        grid = _read_workbook(data, limits)
    elif suffix in (".xls", ".ods", ".et"):
        raise UnreadableFile(
            f"不支持“{suffix}”格式：请在 Excel 或 WPS 中“另存为” .xlsx 后再导入（旧格式无法在读取前检查大小）"
        )
    else:
        raise UnreadableFile(f"不支持的文件类型“{suffix or filename}”，请上传 .xlsx 或 .csv 文件")
    table = _locate_header(grid, is_header)
    table.encoding = encoding
    table.source = filename
    return table


def decode_csv(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: a BOM means UTF-8; valid UTF-8 is UTF-8; otherwise GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            "无法识别文件编码（支持 UTF-8、GBK、GB18030），请在 Excel 中另存为 .xlsx 后再导入"
        ) from exc


def _read_csv(text: str, limits: Limits) -> list[list[Any]]:
    """Rows of a CSV, each cut after its last non-blank cell; a row too wide or too far down is refused
    at once, a used rectangle over the cell limit once its size is known (rows are no longer kept)."""
    grid: list[list[Any]] = []
    width = used = 0
    keeping = True
    try:
        for i, record in enumerate(csv.reader(io.StringIO(text))):
            row = _trim_row([None if not v.strip() else v for v in record])
            if len(row) > limits.max_columns:
                check_box(i + 1, len(row), limits, row=i + 1)
            if row:
                used, width = i + 1, max(width, len(row))
                if used > limits.max_rows:
                    check_box(used, width, limits)
                keeping = keeping and used * width <= limits.max_cells
            if keeping:
                grid.append(row)
    except csv.Error as exc:  # e.g. a stray NUL or bare CR inside a field (found by fuzzing)
        raise UnreadableFile(f"CSV 文件格式有误，无法读取：{exc}") from None
    check_box(used, width, limits)
    return grid[:used]


def _read_workbook(data: bytes, limits: Limits) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as workbook:
            sheet = workbook.get_sheet_by_index(0)
            end = sheet.end or (-1, -1)
            check_box(end[0] + 1, end[1] + 1, limits)  # calamine's own view, before any Python object
            grid = [_trim_row([_cell(v) for v in row]) for row in sheet.to_python(skip_empty_area=False)]
    except UnreadableFile:
        raise
    except Exception as exc:
        raise UnreadableFile(f"无法读取该 Excel 文件：{exc}") from exc
    while grid and not grid[-1]:
        grid.pop()
    return grid


def _cell(value: Any) -> Any:
    # calamine gives every number as float; 91310110.0 must not become the text "91310110.0"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _trim_row(row: list[Any]) -> list[Any]:
    """``row`` without its trailing blank cells (None)."""
    end = len(row)
    while end and row[end - 1] is None:
        end -= 1
    return row[:end] if end < len(row) else row


def _locate_header(grid: Sequence[Sequence[Any]], is_header: Callable[[str], bool] | None) -> Table:
    best, best_score = 0, (-1, -1)
    for i, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        texts = [str(v).strip() for v in row if v is not None and str(v).strip()]
        known = sum(1 for v in texts if is_header and is_header(v))
        score = (known, len(texts) if len(texts) > 1 else 0)
        if score > best_score:
            best, best_score = i, score
    if not grid:
        raise UnreadableFile("文件是空的，没有找到表头")
    width = max(len(r) for r in grid)
    headers = [_header_text(v, j) for j, v in enumerate(_pad(grid[best], width))]
    rows, numbers = [], []
    for i in range(best + 1, len(grid)):
        row = _pad(grid[i], width)
        if any(v is not None and str(v).strip() for v in row):
            rows.append(row)
            numbers.append(i + 1)
    return Table(headers=headers, rows=rows, row_numbers=numbers, header_row=best + 1)


def _pad(row: Sequence[Any], width: int) -> list[Any]:
    return [*row, *([None] * (width - len(row)))]


def _header_text(value: Any, index: int) -> str:
    text = "" if value is None else " ".join(str(value).split())
    return text or f"第{index + 1}列"
