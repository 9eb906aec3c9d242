"""Hostile and huge spreadsheets: refused with a Chinese message naming the limit, inside a memory limit.

The hostile files are the ones that took the server down: an .xlsx with values only in A1 and XFD1048576
(calamine asked for 549 GB and aborted the process), a sparse sheet with a cell at ZZ20000 (6 s and
450 MB), a 1 MB zip bomb holding one 1 GiB cell, the same bomb lying about its size, and a CSV with a
100,000-column header. Each is read in a child process whose address space is capped with
``resource.setrlimit``: the child must come back with the clean refusal, not die or run out of memory.
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from crm.intake.readers import Limits, UnreadableFile, read_table
from tests.intake.conftest import officer_xlsx

ROOT = Path(__file__).resolve().parents[2]
MEMORY_LIMIT = (
    512 * 1024 * 1024
)  # the whole address space of the child; reading 10,000 good rows takes ~75 MB
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


# --- the hostile files ------------------------------------------------------------------------------


def sparse_xlsx(far_cell: str) -> bytes:
    """A header in A1 and one value far away: a ~5 KB file."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "企业名称"
    ws[far_cell] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def zip_bomb_xlsx(*, lie_about_size: bool = False) -> bytes:
    """About 1 MB on disk; sheet1 holds one inline-string cell of 1 GiB ('A' * 2**30)."""
    prefix = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'.encode()
    suffix = b"</t></is></c></row></sheetData></worksheet>"
    mib = b"A" * (1 << 20)
    # a full flush resets the compressor, so one compressed MiB can be repeated as it is
    head = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15)
    one_mib = block.compress(mib) + block.flush(zlib.Z_FULL_FLUSH)
    body = head.compress(prefix) + head.flush(zlib.Z_FULL_FLUSH) + one_mib * 1024
    body += tail.compress(suffix) + tail.flush()
    crc = zlib.crc32(prefix)
    for _ in range(1024):
        crc = zlib.crc32(mib, crc)
    crc = zlib.crc32(suffix, crc)
    size = len(prefix) + (1 << 30) + len(suffix)
    parts = _minimal_workbook_parts()
    members = [(name, zlib.compress(data)[2:-4], zlib.crc32(data), len(data)) for name, data in parts]
    members.append(("xl/worksheets/sheet1.xml", body, crc, 1000 if lie_about_size else size))
    return _zip(members)


def wide_csv(columns: int = 100_000, rows: int = 1_000) -> bytes:
    header = ",".join(f"列{i}" for i in range(columns))
    return ("\n".join([header] + ["上海某体育公司,1"] * rows) + "\n").encode("utf-8")


HOSTILE: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "values in A1 and XFD1048576": (lambda: sparse_xlsx("XFD1048576"), "x.xlsx", "超过上限 500 列"),
    "a value at ZZ20000": (lambda: sparse_xlsx("ZZ20000"), "x.xlsx", "超过上限 500 列"),
    "zip bomb, one 1 GiB cell": (zip_bomb_xlsx, "x.xlsx", "解压后超过 200 MB"),
    "zip bomb lying about its size": (
        lambda: zip_bomb_xlsx(lie_about_size=True),
        "x.xlsx",
        "无法读取该 Excel 文件",
    ),
    "CSV with a 100,000-column header": (wide_csv, "x.csv", "第 1 行有 100000 列，超过上限 500 列"),
}

CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from crm.intake.readers import UnreadableFile, read_table
data = open(sys.argv[1], "rb").read()
try:
    read_table(data, sys.argv[2])
except UnreadableFile as refused:
    print("REFUSED", refused.message("zh"))
else:
    print("READ")
"""


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_spreadsheet_is_refused_cleanly_within_a_memory_limit(case: str, tmp_path: Path) -> None:
    make, name, expected = HOSTILE[case]
    path = tmp_path / name
    path.write_bytes(make())
    assert path.stat().st_size < 2 * 1024 * 1024  # every one of them is small on disk
    child = subprocess.run(
        [sys.executable, "-c", CHILD.format(limit=MEMORY_LIMIT), str(path), name],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == 0, f"the reader died ({child.returncode}):\n{child.stderr[-2000:]}"
    assert child.stdout.startswith("REFUSED"), child.stdout
    assert expected in child.stdout


def test_a_file_over_the_size_limit_is_refused_naming_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from crm import config

    monkeypatch.setenv("HUIQI_MAX_UPLOAD_MB", "1")
    config.override_settings(config.load_settings())
    data = ("企业名称,统一社会信用代码\n" + "上海某体育公司,91310110MA1G8XKX0C\n" * 50_000).encode()
    with pytest.raises(UnreadableFile, match="上限为 1 MB"):
        read_table(data, "big.csv")


@pytest.mark.parametrize(
    ("limits", "expected"),
    [
        (Limits(max_rows=100), "表格超过上限 100 行（第 101 行仍有数据）"),
        (Limits(max_cells=300), "201 行 × 2 列，超过上限 300 个单元格"),
    ],
)
def test_rows_and_cells_over_the_limit_are_refused(limits: Limits, expected: str) -> None:
    rows = [[f"上海第{i}体育公司", i] for i in range(200)]
    xlsx = officer_xlsx(["企业名称", "人数"], rows)
    csv = ("企业名称,人数\n" + "".join(f"上海第{i}体育公司,{i}\n" for i in range(200))).encode()
    for data, name in ((xlsx, "x.xlsx"), (csv, "x.csv")):
        with pytest.raises(UnreadableFile, match=expected):
            read_table(data, name, limits=limits)
        assert len(read_table(data, name).rows) == 200  # within the default limits it reads


def test_formatted_blank_cells_far_away_are_not_part_of_the_table() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["企业名称", "人数"])
    ws.append(["上海跃动体育科技有限公司", 12])
    ws["XFD1048576"].fill = PatternFill("solid", fgColor="FFFF00")  # formatted, no value
    ws["Z30000"].fill = PatternFill("solid", fgColor="FFFF00")
    buf = io.BytesIO()
    wb.save(buf)
    table = read_table(buf.getvalue(), "x.xlsx")
    assert table.headers == ["企业名称", "人数"]
    assert table.rows == [["上海跃动体育科技有限公司", 12]]


def test_trailing_commas_and_blank_lines_of_a_csv_are_trimmed() -> None:
    data = ("企业名称,人数" + "," * 100_000 + "\n上海跃动体育科技有限公司,12,,,\n" + "\n" * 200_000).encode()
    table = read_table(data, "x.csv")
    assert table.headers == ["企业名称", "人数"]
    assert (table.rows, table.row_numbers) == ([["上海跃动体育科技有限公司", "12"]], [2])


def test_a_legacy_xls_is_refused_with_what_to_do() -> None:
    with pytest.raises(UnreadableFile, match="另存为” .xlsx"):
        read_table(b"\xd0\xcf\x11\xe0" + b"\0" * 600, "名单.xls")


# --- a hand-made zip, so the bomb can say what it likes about its size ---------------------------------


def _minimal_workbook_parts() -> list[tuple[str, bytes]]:
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return [
        (
            "[Content_Types].xml",
            b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Default Extension="xml" ContentType="application/xml"/>'
            b'<Override PartName="/xl/workbook.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            b'<Override PartName="/xl/worksheets/sheet1.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            b"</Types>",
        ),
        (
            "_rels/.rels",
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Target="xl/workbook.xml" '
            b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            b"</Relationships>",
        ),
        (
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{rel}"><sheets>'
            f'<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'.encode(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
            b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
            b"</Relationships>",
        ),
    ]


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of deflated ``(name, raw deflate data, crc32, declared size)`` members."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, data, crc, size in members:
        offset = out.tell()
        encoded = name.encode()
        fields = (20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + encoded + data)
        central.write(
            struct.pack("<IH", 0x02014B50, 20)
            + struct.pack("<HHHHHIIIHH", *fields)
            + struct.pack("<HHHII", 0, 0, 0, 0, offset)
            + encoded
        )
    start, directory = out.tell(), central.getvalue()
    out.write(directory)
    out.write(
        struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), start, 0)
    )
    return out.getvalue()
