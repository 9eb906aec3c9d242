"""Reading a returned data-request workbook: its hidden ids and signature, and the answers cell by cell.

``read_return(data, filename, key)`` checks the file against the upload limits, reads every sheet with
calamine and returns a ``Returned``: request id, enterprise id, USCC, whether the signature holds, and the
raw answers by field key with their cell addresses. Rows are found by the hidden key column (so inserted or
moved rows still read right) and the answer column by its header. ``parse_answer`` turns one raw answer
into the stored value with the importer's parsers and messages (money cells are in 万元: "150", "150万",
"1.5亿" and "1500000元" all read). Nothing here touches the database.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crm import parsing
from crm.i18n import register
from crm.intake.limits import Limits, UnreadableFile, check_box, check_size, check_workbook
from crm.intake.request_book import (
    ASK_HEADERS,
    ASK_SHEET,
    CHECK_HEADERS,
    CHECK_SHEET,
    COVER_SHEET,
    FORMAT,
    INPUT_COL,
    META_SHEET,
    signature,
)
from crm.records import validation
from crm.records.fields import FISCAL_YEAR_FIELDS, SPECS

register(
    {
        "requests.money": (
            "{field}应为金额（万元），如 150、150万 或 1.5亿，收到“{value}”",
            "{field} should be an amount in 10,000 CNY, e.g. 150, 150万 or 1.5亿; got “{value}”",
        )
    }
)

FISCAL = frozenset(s.name for s in FISCAL_YEAR_FIELDS)
_KEY = re.compile(r"^[a-z_]+(@\d{4})?$")
MAX_FILES = 2000  # members of one zip (or files of one import) read at most
_MONEY_UNIT = re.compile(r"(元|万|亿|RMB|人民币)\s*$")


@dataclass
class Answer:
    """One non-blank answer: the field key, the raw cell value, where it is (sheet and cell, e.g. 请填写!E5)."""

    key: str
    raw: Any
    where: str
    correction: bool = False  # from 请核对 (a held value corrected) rather than 请填写


@dataclass
class Returned:
    """What a returned workbook says, before it is matched to a request."""

    filename: str
    token: str | None = None
    enterprise_id: int | None = None
    uscc: str | None = None
    signed_keys: list[str] = field(default_factory=list)
    checksum_ok: bool = False
    answers: list[Answer] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # file-level, in Chinese


def read_return(data: bytes, filename: str, key: bytes, limits: Limits | None = None) -> Returned:
    """Read one returned workbook within ``limits``; an unreadable file raises ``UnreadableFile``."""
    limits = limits or Limits.configured()
    check_size(len(data), limits)
    if not filename.lower().endswith((".xlsx", ".xlsm")):
        raise UnreadableFile(f"“{filename}”不是 .xlsx 文件")
    check_workbook(data, limits)
    sheets = _sheets(data, limits)
    out = Returned(filename)
    _read_meta(out, sheets.get(META_SHEET), key)
    if out.uscc is None:  # the hidden sheet is gone: the cover sheet still shows the code
        out.uscc = _cover_uscc(sheets.get(COVER_SHEET) or [])
    known = set(out.signed_keys)
    for name, headers, correction in ((ASK_SHEET, ASK_HEADERS, False), (CHECK_SHEET, CHECK_HEADERS, True)):
        grid = sheets.get(name)
        if grid is None:
            if name == ASK_SHEET:
                out.problems.append(f"找不到“{name}”工作表（可能被改名或删除）")
            continue
        out.answers += _answers(grid, name, headers, known, correction)
    return out


def parse_answer(field_name: str, raw: Any) -> Any:
    """The stored value of one answer (money in CNY), or ``validation.ValidationFailed`` naming the field."""
    entity = "fiscalyear" if field_name in FISCAL else "enterprise"
    kind = next(s.kind for s in SPECS[entity] if s.name == field_name)
    if kind != "money" or parsing.is_blank(raw):
        return validation.clean(entity, {field_name: raw}, partial=True)[field_name]
    try:
        return validation.clean(entity, {field_name: _in_wan(raw)}, partial=True)[field_name]
    except validation.ValidationFailed as exc:  # the importer's message speaks of 元: this cell is in 万元
        spec = next(s for s in SPECS[entity] if s.name == field_name)
        shown = str(raw) if len(str(raw)) <= 40 else str(raw)[:37] + "…"
        errors = [
            validation.FieldError(e.field, "requests.money", spec.zh, spec.en, {"value": shown})
            if e.key == "validation.money"
            else e
            for e in exc.errors
        ]
        raise validation.ValidationFailed(errors) from None


def _in_wan(raw: Any) -> Any:
    """A 万元 cell's value as the money parser reads it: a bare number means 万元, a stated unit wins."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float):
        return f"{raw!r}万"
    text = parsing.normalize_text(raw)
    return text if _MONEY_UNIT.search(text) else f"{text}万"


# --- files and zips ------------------------------------------------------------------------------------


def expand(files: Iterable[tuple[str, bytes]], limits: Limits | None = None) -> list[tuple[str, bytes]]:
    """The .xlsx files among ``files``, zips opened (within the upload limits; other members ignored)."""
    limits = limits or Limits.configured()
    out: list[tuple[str, bytes]] = []
    for name, data in files:
        check_size(len(data), limits)
        if name.lower().endswith(".zip"):
            out += _unzip(name, data, limits)
        else:
            out.append((name, data))
        if len(out) > MAX_FILES:
            raise UnreadableFile(f"一次最多导入 {MAX_FILES} 个文件，请分批导入")
        if sum(len(d) for _, d in out) > limits.max_unpacked:
            raise UnreadableFile(f"这批文件合计超过 {limits.max_unpacked // 2**20} MB，请分批导入")
    return out


def read_folder(path: Path) -> list[tuple[str, bytes]]:
    """The .xlsx and .zip files of a folder (or one file), as (name, bytes)."""
    paths = (
        [path]
        if path.is_file()
        else sorted(p for p in path.iterdir() if p.suffix.lower() in (".xlsx", ".zip"))
    )
    if len(paths) > MAX_FILES:
        raise UnreadableFile(f"一次最多导入 {MAX_FILES} 个文件，请分批导入")
    limits = Limits.configured()
    for p in paths:
        check_size(p.stat().st_size, limits)
    if sum(p.stat().st_size for p in paths) > limits.max_unpacked:
        raise UnreadableFile(f"这批文件合计超过 {limits.max_unpacked // 2**20} MB，请分批导入")
    return [(p.name, p.read_bytes()) for p in paths]


def _unzip(name: str, data: bytes, limits: Limits) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnreadableFile(f"“{name}”不是有效的 zip 文件") from None
    with archive:
        members = [i for i in archive.infolist() if i.filename.lower().endswith(".xlsx") and not i.is_dir()]
        if len(members) > MAX_FILES:
            raise UnreadableFile(f"“{name}”中有 {len(members)} 个表格，一次最多导入 {MAX_FILES} 个")
        if sum(i.file_size for i in members) > limits.max_unpacked:
            raise UnreadableFile(f"“{name}”解压后过大，请分批导入")
        out = []
        for info in members:
            check_size(info.file_size, limits)
            out.append((Path(info.filename).name, archive.read(info)))
    return out


# --- sheets -------------------------------------------------------------------------------------------


def _sheets(data: bytes, limits: Limits) -> dict[str, list[list[Any]]]:
    from python_calamine import CalamineWorkbook

    out: dict[str, list[list[Any]]] = {}
    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as workbook:
            for name in workbook.sheet_names:
                sheet = workbook.get_sheet_by_name(name)
                end = sheet.end or (-1, -1)
                check_box(end[0] + 1, end[1] + 1, limits)
                # skip_empty_area=False: the grid starts at A1, so indexes are the sheet's rows and columns
                out[name] = [[_cell(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
    except UnreadableFile:
        raise
    except Exception as exc:
        raise UnreadableFile(f"无法读取该 Excel 文件：{exc}") from exc
    return out


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _read_meta(out: Returned, grid: list[list[Any]] | None, key: bytes) -> None:
    if not grid:
        out.problems.append("找不到表格的识别信息（隐藏工作表被删除），将按统一社会信用代码查找")
        return
    values: dict[str, Any] = {}
    for row in grid:
        if len(row) >= 2 and row[0] == "key" and row[1] is not None:
            out.signed_keys.append(str(row[1]))
        elif len(row) >= 2 and isinstance(row[0], str):
            values[row[0]] = row[1]
    out.token = _text(values.get("request"))
    out.uscc = _text(values.get("uscc")) or None
    enterprise = values.get("enterprise")
    out.enterprise_id = enterprise if isinstance(enterprise, int) else None
    if values.get("format") != FORMAT or out.token is None or out.enterprise_id is None:
        out.problems.append("表格的识别信息不完整或已被改动")
        return
    expected = signature(key, out.token, out.enterprise_id, out.uscc or "", out.signed_keys)
    out.checksum_ok = _text(values.get("checksum")) == expected


def _cover_uscc(grid: list[list[Any]]) -> str | None:
    for row in grid:
        if len(row) >= 2 and row[0] == "统一社会信用代码" and isinstance(row[1], str):
            code = parsing.normalize_text(row[1]).upper().replace(" ", "")
            return code if re.fullmatch(r"[0-9A-Z]{18}", code) else None
    return None


def _answers(
    grid: list[list[Any]], sheet: str, headers: tuple[str, ...], known: set[str], correction: bool
) -> list[Answer]:
    answer_header = headers[INPUT_COL - 1] if not correction else headers[INPUT_COL]
    column = _column_of(grid, answer_header, default=INPUT_COL - 1 if not correction else INPUT_COL)
    prefix = "check:" if correction else ""
    out = []
    for i, row in enumerate(grid):
        key = _row_key(row, known, prefix)
        if key is None or column >= len(row):
            continue
        raw = row[column]
        if raw is None:
            continue
        where = f"{sheet}!{_letter(column)}{i + 1}"
        out.append(Answer(key, raw, where, correction))
    return out


def _row_key(row: list[Any], known: set[str], prefix: str) -> str | None:
    """The field key a row carries in its (hidden) key column: the last cell that looks like one."""
    for value in reversed(row):
        if isinstance(value, str) and _KEY.match(value) and (not known or f"{prefix}{value}" in known):
            return value
    return None


def _column_of(grid: list[list[Any]], header: str, *, default: int) -> int:
    for row in grid[:10]:
        for j, value in enumerate(row):
            if isinstance(value, str) and value.strip() == header:
                return j
    return default


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _text(value: Any) -> str | None:
    return None if value is None else str(value).strip()
