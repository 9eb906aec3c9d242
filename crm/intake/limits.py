"""How much of a spreadsheet we agree to read, checked before anything is materialised.

An .xlsx is a zip of XML parts; its reader (calamine) allocates one slot for every cell of the rectangle
that holds the sheet's values, so a 1.5 KB file with values in A1 and XFD1048576 asks for 549 GB and
aborts the process. Before calamine sees a workbook, ``check_workbook`` streams every XML part once
(through Python's zipfile, which stops at each part's declared size and checks its CRC) and finds the
used rectangle of the cells that hold a value, the longest text and the unpacked size; anything over a
limit is refused with a Chinese message naming the limit. CSV is read row by row against the same limits.
"""

from __future__ import annotations

import io
import re
import xml.parsers.expat
import zipfile
import zlib
from dataclasses import dataclass

from crm.config import get_settings
from crm.errors import HuiqiError
from crm.i18n import register

register(
    {
        "intake.unreadable": ("{reason}", "{reason}"),
        "intake.too_big": (
            "文件过大（{size} MB），上限为 {limit} MB。请拆分后分批导入。",
            "The file is too large ({size} MB); the limit is {limit} MB. Split it and import in parts.",
        ),
        "intake.unpacked_too_big": (
            "该 Excel 文件解压后超过 {limit} MB，无法导入。请删除多余的工作表、图片或格式后另存再导入。",
            "This Excel file unpacks to more than {limit} MB; remove extra sheets, images or formatting.",
        ),
        "intake.too_many_rows": (
            "表格超过上限 {limit} 行（第 {rows} 行仍有数据）。请拆分后分批导入。",
            "The sheet is over the limit of {limit} rows (row {rows} holds data). Split it and import in parts.",
        ),
        "intake.too_many_columns": (
            "表格第 {row} 行有 {columns} 列，超过上限 {limit} 列。请删除多余的列后再导入。",
            "Row {row} has {columns} columns, over the limit of {limit}. Remove the extra columns.",
        ),
        "intake.too_many_cells": (
            "表格的数据区域为 {rows} 行 × {columns} 列，超过上限 {limit} 个单元格。"
            "请删除远处的零散单元格或拆分后再导入。",
            "The data area is {rows} rows × {columns} columns, over the limit of {limit} cells. "
            "Delete stray far-away cells or split the file.",
        ),
        "intake.cell_too_long": (
            "表格中有单元格超过 {limit} 个字符（Excel 单元格的上限），无法导入。",
            "A cell holds more than {limit} characters (Excel's own limit per cell).",
        ),
    }
)

MB = 1024 * 1024
EXCEL_CELL_CHARS = 32_767  # Excel's own limit: a longer cell cannot come from Excel or WPS


@dataclass(frozen=True)
class Limits:
    """Caps on one uploaded sheet; ``max_bytes`` comes from HUIQI_MAX_UPLOAD_MB."""

    max_bytes: int = 20 * MB
    max_rows: int = 100_000
    max_columns: int = 500
    max_cells: int = 2_000_000  # rows x columns of the used rectangle
    max_unpacked: int = 200 * MB  # an .xlsx's XML, unzipped
    max_cell_chars: int = EXCEL_CELL_CHARS

    @classmethod
    def configured(cls) -> Limits:
        return cls(max_bytes=int(get_settings().max_upload_mb * MB))


class UnreadableFile(HuiqiError):
    """The file is not an .xlsx/.csv we can read; the message says why, in Chinese."""

    key = "intake.unreadable"


class TooLarge(UnreadableFile):
    """The file is over one of the Limits; the message names the limit."""


class FileTooBig(TooLarge):
    key = "intake.too_big"


class UnpackedTooBig(TooLarge):
    key = "intake.unpacked_too_big"


class TooManyRows(TooLarge):
    key = "intake.too_many_rows"


class TooManyColumns(TooLarge):
    key = "intake.too_many_columns"


class TooManyCells(TooLarge):
    key = "intake.too_many_cells"


class CellTooLong(TooLarge):
    key = "intake.cell_too_long"


def check_size(size: int, limits: Limits) -> None:
    """Refuse a file of ``size`` bytes over ``limits.max_bytes`` (before reading it, where the size is known)."""
    if size > limits.max_bytes:
        raise FileTooBig(size=_mb(size), limit=_mb(limits.max_bytes))


def check_box(rows: int, columns: int, limits: Limits, *, row: int = 0) -> None:
    """Refuse a used rectangle of ``rows`` x ``columns`` over the limits (``row``: where it got too wide)."""
    if columns > limits.max_columns:
        raise TooManyColumns(row=row or "?", columns=columns, limit=limits.max_columns)
    if rows > limits.max_rows:
        raise TooManyRows(rows=rows, limit=limits.max_rows)
    if rows * columns > limits.max_cells:
        raise TooManyCells(rows=rows, columns=columns, limit=limits.max_cells)


# --- .xlsx: the zip, then every XML part, streamed ---------------------------------------------------


def check_workbook(data: bytes, limits: Limits) -> None:
    """Stream an .xlsx's parts; refuse it when its used rectangle, a cell or its unpacked size is too big."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnreadableFile(
            "无法读取该 Excel 文件：不是有效的 .xlsx 文件（若文件设有密码，请先取消密码）"
        ) from None
    with archive:
        infos = archive.infolist()
        names = [i.filename for i in infos]
        if len(names) != len(set(names)):  # two parts of one name: readers may disagree on which counts
            raise UnreadableFile("无法读取该 Excel 文件：文件结构有误（重复的部件）")
        if sum(i.file_size for i in infos) > limits.max_unpacked:
            raise UnpackedTooBig(limit=_mb(limits.max_unpacked))
        for info in infos:
            if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                _scan_part(archive, info, limits)


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    scan = _PartScan(limits)
    parser = xml.parsers.expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = scan.start
    try:
        with archive.open(info) as part:
            while chunk := part.read(MB):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except (xml.parsers.expat.ExpatError, zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
        raise UnreadableFile(f"无法读取该 Excel 文件：{info.filename} 格式有误（{exc}）") from None
    except NotImplementedError as exc:  # a compression method zipfile does not know
        raise UnreadableFile(f"无法读取该 Excel 文件：{exc}") from None
    if scan.cells:
        check_box(scan.max_row + 1, scan.max_col + 1, limits, row=scan.widest_row + 1)


_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})$")
ROW, CELL, VALUE = 1, 2, 3
# a cell holding a <v>, <is> or <f> counts (calamine keeps it, even if its text is empty); one without
# any (a formatted blank) does not. Names may carry a namespace prefix (<x:c>).
_KINDS = {"row": ROW, "c": CELL, "v": VALUE, "is": VALUE, "f": VALUE}


class _PartScan:
    """Expat's start-element callback for one part: where its valued cells are, as calamine places them.

    Only start tags are watched (a third of expat's callbacks): ``v``/``is``/``f`` occur only inside a cell.
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.row, self.col = -1, -1
        self.cell: tuple[int, int] | None = None
        self.max_row = self.max_col = self.widest_row = 0
        self.cells = 0
        self.kinds: dict[str, int] = {}

    def start(self, name: str, attrs: dict[str, str]) -> None:
        kind = self.kinds.get(name)
        if kind is None:
            kind = self.kinds[name] = _KINDS.get(name.rpartition(":")[2], 0)
        if kind == CELL:
            ref = attrs.get("r")
            if ref:
                match = _REF.match(ref)
                if match is None:
                    raise ValueError(f"单元格引用“{ref[:20]}”无效")
                self.row, self.col = int(match[2]) - 1, _column(match[1])
            else:
                self.col += 1
            self.cell = (self.row, self.col)
        elif kind == VALUE and self.cell is not None:
            self._keep(*self.cell)
        elif kind == ROW:
            ref = attrs.get("r")
            self.row = _number(ref) - 1 if ref else self.row + 1
            self.col = -1

    def _keep(self, row: int, col: int) -> None:
        if row < 0 or col < 0:
            raise ValueError("单元格位置无效")
        self.cells += 1
        if col > self.max_col:
            self.max_col, self.widest_row = col, row
        self.max_row = max(self.max_row, row)
        self.cell = None  # count each cell once, however many value elements it has
        if self.max_col >= self.limits.max_columns or self.max_row >= self.limits.max_rows:
            check_box(self.max_row + 1, self.max_col + 1, self.limits, row=self.widest_row + 1)


def _number(text: str) -> int:
    if not text.isdigit() or len(text) > 7:
        raise ValueError(f"行号“{text[:20]}”无效")
    return int(text)


def _column(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


def _mb(size: int) -> str:
    return f"{size / MB:.1f}".removesuffix(".0")
