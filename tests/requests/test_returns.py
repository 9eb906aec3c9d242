"""Returned request workbooks: read by key, validated with the importer's parsers, matched to their request,
applied whole per enterprise with provenance; tampered, foreign and mistyped files are reported, not applied."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from crm.db import session_scope
from crm.intake.request_book import ASK_SHEET, META_SHEET
from crm.services import requests as rq
from crm.services import returns
from crm.store import load_aggregate
from crm.store import requests as request_store
from tests.requests.conftest import add_enterprise, fill

LAST = date.today().year - 1


def _make(enterprise_id: int, tmp_path: Path) -> Path:
    result = rq.make_requests([enterprise_id], tmp_path / "out", make_zip=False)
    assert len(result.made) == 1
    return result.made[0].path


def _review(*paths: Path) -> returns.Review:
    return returns.review_returns([(p.name, p.read_bytes()) for p in paths])


def _held(enterprise_id: int, field: str, year: int | None = None) -> object:
    with session_scope() as session:
        agg = load_aggregate(session=session, enterprise_id=enterprise_id)
    if year is None:
        return getattr(agg.enterprise, field)
    return next((getattr(fy, field) for fy in agg.fiscal_years if fy.year == year), None)


def test_the_workbook_asks_what_is_missing_and_is_recorded_as_sent(
    enterprise_id: int, tmp_path: Path
) -> None:
    path = _make(enterprise_id, tmp_path)
    wb = load_workbook(path)
    assert wb.sheetnames[:2] == ["说明", ASK_SHEET]
    assert wb[META_SHEET].sheet_state == "veryHidden"
    labels = [r[1].value for r in wb[ASK_SHEET].iter_rows(min_row=4)]
    assert f"{LAST} 年研发费用" in labels and f"{LAST} 年销售收入" not in labels
    units = {r[1].value: r[3].value for r in wb[ASK_SHEET].iter_rows(min_row=4)}
    assert units[f"{LAST} 年研发费用"] == "万元"
    assert wb[ASK_SHEET].data_validations.dataValidation  # typed input cells
    [row] = rq.list_requests(enterprise_id=enterprise_id)
    assert row["status_zh"] == "待交回" and row["asked"] == len(labels)
    assert rq.list_requests(status="overdue", today=row["due"].replace(year=row["due"].year + 1))


def test_a_filled_workbook_is_applied_in_wan_yuan_with_its_provenance(
    enterprise_id: int, tmp_path: Path
) -> None:
    path = _make(enterprise_id, tmp_path)
    fill(path, {f"rd_expense@{LAST}": "150万"}, corrections={f"sales_revenue@{LAST}": 3200})
    review = _review(path)
    [f] = review.files
    assert not f.blocked and not f.tampered and not f.errors, (f.problems, f.errors)
    shown = {c.key: (c.old, c.new) for c in f.changes}
    assert shown[f"rd_expense@{LAST}"] == ("（空）", "150.00 万元")
    assert shown[f"sales_revenue@{LAST}"] == ("3,000.00 万元", "3,200.00 万元")
    applied = returns.accept(review)
    assert applied.written[enterprise_id] == len(f.changes)
    assert _held(enterprise_id, "rd_expense", LAST) == Decimal("1500000.00")
    assert _held(enterprise_id, "serious_dishonesty_listed") is False
    with session_scope() as session:
        prov = request_store.field_provenance(session=session, enterprise_id=enterprise_id)
    assert prov[f"rd_expense@{LAST}"][0] == f"return:{f.request_id}"
    assert rq.list_requests(enterprise_id=enterprise_id)[0]["status"] == "returned"
    assert applied.verdicts[enterprise_id]  # the officer sees which verdicts moved


def test_wrong_cells_are_reported_cell_by_cell_and_the_rest_is_offered(
    enterprise_id: int, tmp_path: Path
) -> None:
    path = _make(enterprise_id, tmp_path)
    fill(path, {f"rd_expense@{LAST}": "一百万", "serious_dishonesty_listed": "也许"})
    [f] = _review(path).files
    where = {e.label: (e.where, e.message) for e in f.errors}
    assert where[f"{LAST} 年研发费用"][0].startswith("请填写!E")
    assert (
        "研发费用应为金额（万元）" in where[f"{LAST} 年研发费用"][1]
        and "一百万" in where[f"{LAST} 年研发费用"][1]
    )
    assert "是否列入严重失信名单" in where
    assert f"rd_expense@{LAST}" not in {c.key for c in f.changes}


def test_inserted_rows_do_not_shift_the_answers(enterprise_id: int, tmp_path: Path) -> None:
    path = _make(enterprise_id, tmp_path)
    fill(path, {f"rd_expense@{LAST}": 88})
    wb = load_workbook(path)
    wb[ASK_SHEET].protection.sheet = False
    wb[ASK_SHEET].insert_rows(5, 2)
    wb.save(path)
    [f] = _review(path).files
    assert {c.key: c.new for c in f.changes}[f"rd_expense@{LAST}"] == "88.00 万元"


def test_a_tampered_file_applies_nothing_until_the_officer_confirms(
    enterprise_id: int, tmp_path: Path
) -> None:
    path = _make(enterprise_id, tmp_path)
    fill(path)
    wb = load_workbook(path)
    meta = wb[META_SHEET]
    meta.append(["key", "registered_capital"])  # asks for a field the office never asked for
    wb.save(path)
    review = _review(path)
    assert review.files[0].tampered
    assert returns.accept(review).written == {}
    assert _held(enterprise_id, "rd_expense", LAST) is None
    assert returns.accept(review, confirmed={enterprise_id}).written[enterprise_id] > 0


@pytest.mark.parametrize("what", ["uscc", "unknown"])
def test_a_changed_uscc_or_unknown_request_is_blocked(enterprise_id: int, tmp_path: Path, what: str) -> None:
    path = _make(enterprise_id, tmp_path)
    fill(path)
    wb = load_workbook(path)
    for row in wb[META_SHEET].iter_rows():
        if what == "uscc" and row[0].value == "uscc":
            row[1].value = "91310000132200821H"
        if what == "unknown" and row[0].value in ("request", "uscc"):
            row[1].value = "nope" if row[0].value == "request" else "91310000132200821H"
    wb.save(path)
    review = _review(path)
    [f] = review.files
    assert f.blocked and f.problems
    assert returns.accept(review, confirmed={enterprise_id}).written == {}


def test_a_zip_and_per_field_acceptance(enterprise_id: int, tmp_path: Path) -> None:
    path = _make(enterprise_id, tmp_path)
    fill(path)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr(path.name, path.read_bytes())
        archive.writestr("说明.txt", "not a workbook")
    review = returns.review_returns([("returns.zip", buf.getvalue())])
    [f] = review.files
    only = f"rd_expense@{LAST}"
    applied = returns.accept(review, fields={enterprise_id: {only}})
    assert applied.written == {enterprise_id: 1}
    assert _held(enterprise_id, "rd_expense", LAST) == Decimal("1200000.00")
    assert _held(enterprise_id, "serious_dishonesty_listed") is None


def test_the_radar_lists_requests_awaiting_return_until_they_come_back(
    enterprise_id: int, tmp_path: Path
) -> None:
    from crm.services import radar

    path = _make(enterprise_id, tmp_path)
    waiting = radar.radar(only=("returns",)).section("returns")
    assert [i.enterprise_id for i in waiting.items] == [enterprise_id] and waiting.title == "资料待回收"
    late = radar.radar(on=date.today().replace(year=date.today().year + 1), only=("returns",)).section(
        "returns"
    )
    assert late.items[0].left is not None and late.items[0].left.overdue
    fill(path)
    returns.accept(_review(path))
    assert radar.radar(only=("returns",)).section("returns").total == 0


def test_cell_addresses_stay_right_when_the_top_rows_were_emptied(enterprise_id: int, tmp_path: Path) -> None:
    path = _make(enterprise_id, tmp_path)
    fill(path, {f"rd_expense@{LAST}": "很多"})
    wb = load_workbook(path)
    ws = wb[ASK_SHEET]
    for row in ws.iter_rows(max_row=3):
        for cell in row:
            cell.value = None  # title and headers deleted: the sheet's data now starts on row 4
    wb.save(path)
    [f] = _review(path).files
    [error] = [e for e in f.errors if e.label == f"{LAST} 年研发费用"]
    row = next(r[0].row for r in ws.iter_rows(min_row=4) if r[8].value == f"rd_expense@{LAST}")
    assert error.where == f"{ASK_SHEET}!E{row}"


def test_workbooks_are_built_in_memory_and_read_back_the_same(
    enterprise_id: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import openpyxl.worksheet._writer as sheet_writer

    def no_temp_files(*_args: object) -> str:
        raise AssertionError("a worksheet went through a temporary file")

    monkeypatch.setattr(sheet_writer, "create_temporary_file", no_temp_files)
    path = _make(enterprise_id, tmp_path)
    monkeypatch.undo()
    ours = load_workbook(path)
    plain = tmp_path / "plain.xlsx"
    ours.save(plain)  # openpyxl's own writer, temporary files and all
    again = load_workbook(plain)
    assert ours.sheetnames == again.sheetnames
    for a, b in zip(ours.worksheets, again.worksheets, strict=True):
        assert [r for r in a.iter_rows(values_only=True)] == [r for r in b.iter_rows(values_only=True)]
        assert a.sheet_state == b.sheet_state and len(a.data_validations.dataValidation) == len(
            b.data_validations.dataValidation
        )


def test_a_batch_over_the_limits_is_refused_before_it_is_read() -> None:
    from crm.intake.limits import Limits, UnreadableFile
    from crm.intake.request_return import expand

    small = Limits(max_bytes=1000, max_unpacked=2500)
    with pytest.raises(UnreadableFile, match="文件过大"):
        expand([("a.xlsx", b"x" * 1001)], small)  # one file over the upload limit
    with pytest.raises(UnreadableFile, match="合计超过"):
        expand([(f"{i}.xlsx", b"x" * 900) for i in range(3)], small)  # many within it, too much together
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.xlsx", b"\0" * 10_000)  # packs small, unpacks past the limit
    with pytest.raises(UnreadableFile):
        expand([("bomb.zip", buf.getvalue())], small)


@pytest.mark.usefixtures("any_db")
def test_a_return_is_applied_on_both_databases(tmp_path: Path) -> None:
    from crm.services import radar

    enterprise_id = add_enterprise()
    path = _make(enterprise_id, tmp_path)
    assert radar.radar(only=("returns",)).section("returns").total == 1
    fill(path)
    [f] = (review := _review(path)).files
    assert returns.accept(review).written[enterprise_id] == len(f.changes) > 0
    assert _held(enterprise_id, "rd_expense", LAST) == Decimal("1200000.00")
    with session_scope() as session:
        prov = request_store.field_provenance(session=session, enterprise_id=enterprise_id)
    assert prov[f"rd_expense@{LAST}"][0] == f"return:{f.request_id}"
    assert rq.list_requests(status="returned")[0]["enterprise_id"] == enterprise_id
