"""No export carries a formula: text that Excel would run is written as text, read back with openpyxl.

Payloads from OWASP's CSV-injection page go into an enterprise (name, address, tags, former names), an
import row and a typed login name; every workbook Huiqi writes is opened with openpyxl and no cell may
have ``data_type == 'f'``, while each payload is still there, exactly as typed, and numbers stay numbers.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from crm.services import enterprises, intake

NAME = '=HYPERLINK("http://x.example","y")'
ADDRESS = "\t=1+1"  # stored without the tab: the form strips it
TAG = "+cmd|' /C calc'!A0"
FORMER = "@SUM(1,2)"
LOGIN = '=HYPERLINK("http://x.example","登录")'


def cells(data: bytes) -> list[tuple[object, str]]:
    """(value, data_type) of every cell of every sheet."""
    book = load_workbook(io.BytesIO(data))
    return [(c.value, c.data_type) for ws in book.worksheets for row in ws.iter_rows() for c in row]


def assert_no_formula(data: bytes, *payloads: str) -> None:
    found = cells(data)
    assert [v for v, kind in found if kind == "f"] == []
    values = {v for v, _ in found}
    assert set(payloads) <= values, f"missing: {set(payloads) - values}"


@pytest.fixture
def hostile_enterprise() -> int:
    ent = enterprises.create_enterprise(
        {
            "name": NAME,
            "address": ADDRESS,
            "tags": [TAG],
            "former_names": [FORMER],
            "registered_capital": "500万元",
        }
    )
    return int(ent.id)


def test_the_enterprise_export_writes_formulas_as_text(hostile_enterprise: int) -> None:
    data = intake.export_enterprises()
    assert enterprises.get_enterprise(hostile_enterprise).address == ADDRESS.strip()
    assert_no_formula(data, NAME, ADDRESS.strip(), TAG, FORMER)
    assert (500, "n") in cells(data)  # 500万元 is still a number (万元)


def test_huiqi_export_writes_formulas_as_text(hostile_enterprise: int, tmp_path: Path) -> None:
    from crm.cli import app

    out = tmp_path / "企业名单.xlsx"
    result = CliRunner().invoke(app, ["export", str(out)])
    assert result.exit_code == 0, result.output
    assert_no_formula(out.read_bytes(), NAME, ADDRESS.strip())


def test_the_match_export_writes_formulas_as_text(hostile_enterprise: int) -> None:
    from crm.services import matching

    matching.rematch_all()
    assert_no_formula(intake.export_match_results(), NAME)


def test_the_rejected_rows_keep_formulas_as_text() -> None:
    import csv

    text = io.StringIO()
    csv.writer(text).writerows([["企业名称", "成立日期"], [NAME, "2019-02-30"], [FORMER, "不是日期"]])
    table = intake.read_file(text.getvalue().encode(), "名单.csv")
    _, result = intake.run_import(table, intake.suggest_mapping(table), mode="valid-only")
    assert result is not None and len(result.rejected) == 2
    assert_no_formula(intake.rejected_rows_xlsx(table, result.rejected), NAME, FORMER)


def test_a_typed_login_name_is_text_in_the_audit_export() -> None:
    from crm.services import audit
    from crm.services import auth as accounts

    with pytest.raises(accounts.LoginFailed):
        accounts.login(LOGIN, "whatever")
    assert_no_formula(audit.export_audit_xlsx(audit.AuditQuery()), LOGIN)


def test_the_dashboard_export_and_the_template_hold_no_formula(hostile_enterprise: int) -> None:
    from crm.services import dashboard

    assert_no_formula(dashboard.export_xlsx(dashboard.dashboard()))
    assert_no_formula(intake.import_template())


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("=1+1", "s"),
        ("+1", "s"),
        ("-1", "s"),
        ("@A1", "s"),
        ("\t=1", "s"),
        ("\r=1", "s"),
        ("＝1+1", "s"),
        ("  =1", "s"),
        ("上海=体育", "s"),
        (-1, "n"),
        (1.5, "n"),
    ],
)
def test_safe_cell_marks_formula_starts_as_text_and_leaves_numbers(value: object, kind: str) -> None:
    from crm.intake.export import write_xlsx

    [(header, _), (read, read_kind)] = cells(write_xlsx(["值"], [[value]]))
    expected = value.replace("\r", "\n") if isinstance(value, str) else value  # XML reads CR as LF
    assert (read, read_kind) == (expected, kind)
