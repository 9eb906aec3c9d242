"""Helpers for intake tests: valid credit codes and spreadsheets written the way officers write them."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from stdnum.cn import uscc as stdnum_uscc


def uscc(body: str) -> str:
    """A valid 18-character USCC from a 17-character body."""
    return body + stdnum_uscc.calc_check_digit(body)


def officer_xlsx(headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None) -> bytes:
    """An .xlsx like an officer's: an optional merged title row above the Chinese headers."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        ws.append([])
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
