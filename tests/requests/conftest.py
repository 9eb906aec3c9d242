"""Helpers for the data-request tests: an enterprise with gaps, and filling a workbook as an enterprise would."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from crm import store
from crm.db import session_scope
from crm.intake.request_book import ASK_SHEET, CHECK_SHEET, INPUT_COL, KEY_COL
from crm.models import FiscalYear
from crm.records.fields import spec
from crm.services import matching

USCC = "91310110MA1FL3LX2N"


@pytest.fixture
def enterprise_id() -> int:
    """An enterprise that leaves several verdicts open: no R&D figures, unknown list flags."""
    return add_enterprise()


def add_enterprise() -> int:
    """Create (and match) the enterprise of the ``enterprise_id`` fixture in the configured database."""
    with session_scope() as session:
        ent = store.create_enterprise(
            session=session,
            actor="tester",
            data={
                "name": "杨浦补充测试体育科技有限公司",
                "uscc": USCC,
                "registration_date": date(2018, 1, 1),
                "resident_enterprise": True,
                "independent_legal_person": True,
                "registered_in_shanghai": True,
                "sports_division": "07",
            },
        )
        store.create_child(
            session=session,
            model=FiscalYear,
            enterprise_id=ent.id or 0,
            actor="tester",
            data={"year": date.today().year - 1, "sales_revenue": Decimal("30000000"), "staff_total": 60},
        )
        eid = ent.id or 0
    matching.match(eid)
    return eid


# what a diligent enterprise types, by unit (money in 万元), and the value it means once stored
ANSWERS: dict[str, Any] = {"万元": 120, "人": 40, "年": 6, "是/否": "否", "日期": "2019-03-05"}


def fill(
    path: Path, answers: dict[str, Any] | None = None, *, corrections: dict[str, Any] | None = None
) -> None:
    """Fill every input cell of a request workbook: ``answers`` by field key override the defaults by unit."""
    wb = load_workbook(path)
    ws = wb[ASK_SHEET]
    for row in ws.iter_rows(min_row=4):
        key = row[KEY_COL - 1].value
        if not key:
            continue
        field = key.split("@")[0]
        default = ANSWERS.get(row[3].value)
        if row[3].value == "选择":
            choices = spec("enterprise", field).choices or {}
            default = next(iter(choices.values()))[0]
        if field == "tech_staff":
            default = 10
        if field == "rd_expense_domestic":
            default = 50
        row[INPUT_COL - 1].value = (answers or {}).get(key, default)
    if corrections and CHECK_SHEET in wb.sheetnames:
        for row in wb[CHECK_SHEET].iter_rows(min_row=4):
            key = row[KEY_COL - 1].value
            if key in corrections:
                row[INPUT_COL].value = corrections[key]
    wb.save(path)
