"""Merging duplicates keeps every record and can be undone; exports open with Chinese headers."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from crm.services import enterprises, intake
from crm.services.enterprises import NotFoundError
from crm.store import EnterpriseQuery
from tests.intake.conftest import uscc

pytestmark = pytest.mark.usefixtures("any_db")  # SQLite, and PostgreSQL when configured


@pytest.fixture
def pair() -> tuple[int, int]:
    winner = enterprises.create_enterprise({"name": "上海力动体育有限公司", "street": "五角场"})
    loser = enterprises.create_enterprise(
        {
            "name": "力动体育（上海）有限公司",
            "uscc": uscc("91310110MA1G8XKX0"),
            "registration_date": "2019-03-05",
            "former_names": "上海力动健身有限公司",
        }
    )
    w, lo = winner.id, loser.id
    enterprises.add_child("fiscalyear", w, {"year": 2023, "sales_revenue": "100万元"})
    enterprises.add_child("fiscalyear", lo, {"year": 2023, "sales_revenue": "90万元", "staff_total": 20})
    enterprises.add_child("fiscalyear", lo, {"year": 2022, "sales_revenue": "80万元"})
    enterprises.add_child("contact", lo, {"name": "张伟", "phone": "13812345678"})
    enterprises.add_child(
        "interaction", lo, {"kind": "visit", "occurred_on": date(2024, 5, 1), "summary": "走访"}
    )
    enterprises.add_child("task", lo, {"title": "补充材料", "status": "open"})
    enterprises.add_child("ipasset", lo, {"kind": "发明专利", "title": "一种跑步机"})
    return w, lo


def test_merge_keeps_every_record_of_both(pair: tuple[int, int]) -> None:
    w, lo = pair
    intake.merge_enterprises(w, lo, actor="merger")
    winner = enterprises.get_enterprise(w)
    assert winner.uscc == uscc("91310110MA1G8XKX0") and str(winner.registration_date) == "2019-03-05"
    assert winner.street == "五角场"
    assert winner.former_names == ["力动体育(上海)有限公司", "上海力动健身有限公司"]  # lists are stored NFKC
    years = {f.year: (f.sales_revenue, f.staff_total) for f in enterprises.list_children("fiscalyear", w)}
    assert years == {2023: (Decimal("1000000.00"), 20), 2022: (Decimal("800000.00"), None)}
    for entity in ("contact", "interaction", "task", "ipasset"):
        assert len(enterprises.list_children(entity, w)) == 1, entity
    with pytest.raises(NotFoundError):
        enterprises.get_enterprise(lo)
    assert any(a.action == "merge" and a.actor == "merger" for a in enterprises.history(w))
    assert [p for p in intake.find_duplicates() if lo in (p.a_id, p.b_id)] == []


def test_undo_merge_brings_the_duplicate_back_as_it_was(pair: tuple[int, int]) -> None:
    w, lo = pair
    merge_id = intake.merge_enterprises(w, lo)
    intake.undo_merge(merge_id)
    winner, loser = enterprises.get_enterprise(w), enterprises.get_enterprise(lo)
    assert (winner.uscc, winner.registration_date, winner.former_names) == (None, None, [])
    assert loser.uscc == uscc("91310110MA1G8XKX0")
    assert {f.year for f in enterprises.list_children("fiscalyear", lo)} == {2022, 2023}
    [fy] = enterprises.list_children("fiscalyear", w)
    assert (fy.sales_revenue, fy.staff_total) == (Decimal("1000000.00"), None)
    assert (
        len(enterprises.list_children("contact", lo)) == 1 and enterprises.list_children("contact", w) == []
    )
    assert intake.merges()[0].undone_at is not None


def test_whole_database_scan_lists_the_pair(pair: tuple[int, int]) -> None:
    w, lo = pair
    [found] = intake.find_duplicates()
    assert {found.a_id, found.b_id} == {w, lo} and found.reason == "name"


def test_export_has_chinese_headers_and_officer_units() -> None:
    e = enterprises.create_enterprise(
        {
            "name": "上海力动体育有限公司",
            "registered_capital": "500万元",
            "sports_division": "03",
            "street": "五角场",
        }
    )
    enterprises.add_child("fiscalyear", e.id, {"year": date.today().year - 1, "sales_revenue": "1280.5万元"})
    enterprises.create_enterprise({"name": "上海远航文化传媒有限公司", "street": "殷行"})
    ws = load_workbook(io.BytesIO(intake.export_enterprises(EnterpriseQuery(streets=("五角场",))))).active
    header, *rows = list(ws.iter_rows(values_only=True))
    assert header[:3] == ("编号", "企业名称", "统一社会信用代码")
    row = dict(zip(header, rows[0], strict=True))
    assert len(rows) == 1 and row["注册资本(万元)"] == 500 and row["体育产业类别"] == "体育健身休闲活动"
    assert row[f"{date.today().year - 1}年销售收入(万元)"] == 1280.5


def test_template_has_an_example_row_that_imports_cleanly() -> None:
    data = intake.import_template(2023)
    ws = load_workbook(io.BytesIO(data)).active
    header, example = list(ws.iter_rows(values_only=True))
    assert header[0] == "企业名称" and "2023年销售收入(万元)" in header and example[0]
    table = intake.read_file(data, "模板.xlsx")
    preview = intake.preview_import(table, intake.suggest_mapping(table))
    assert preview.errors == [] and all(intake.suggest_mapping(table).values())


def test_match_results_export_names_policy_and_outcome_in_chinese() -> None:
    from crm.domain import OUTCOMES
    from crm.services import matching

    e = enterprises.create_enterprise({"name": "上海力动体育有限公司", "registration_date": "2019-03-05"})
    matching.match(e.id)
    ws = load_workbook(io.BytesIO(intake.export_match_results())).active
    header, *rows = list(ws.iter_rows(values_only=True))
    assert header[:6] == ("编号", "企业名称", "统一社会信用代码", "政策", "匹配结果", "预计价值")
    assert rows and {r[1] for r in rows} == {"上海力动体育有限公司"}
    assert {r[4] for r in rows} <= {zh for zh, _ in OUTCOMES.values()}
    fund = next(r for r in rows if r[3] == "上海市文化创意产业发展财政扶持资金")
    assert fund[5] == "最高 300.00 万元（一次性）"  # the estimated value in 万元, never a bare number
