"""Importing officers' files: report, modes, matching existing enterprises, one transaction."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from crm import store
from crm.db import session_scope
from crm.models import AuditEntry, Contact, Enterprise, FiscalYear
from crm.services import enterprises, intake
from crm.services.search import search
from tests.intake.conftest import officer_xlsx, uscc

pytestmark = pytest.mark.usefixtures("any_db")  # SQLite, and PostgreSQL when configured

HEADERS = [
    "序号",
    "企业名称",
    "统一社会信用代码",
    "成立日期",
    "注册资本（万元）",
    "所属街道",
    "2023年营业收入(万元)",
    "2023年从业人员",
    "联系人",
    "联系电话",
]
GOOD = [
    [
        1,
        "上海跃动体育科技有限公司",
        uscc("91310110MA1G8XKX0"),
        "2019/3/5",
        500,
        "五角场",
        "1,280.5",
        35,
        "张伟",
        "13812345678",
    ],
    [2, "上海奔腾健身管理有限公司", None, "2020年7月1日", "300万元", None, 96.3, None, None, None],
]
BROKEN = [
    [3, "上海坏数据体育有限公司", None, "2019-02-30", 100, "五角场", "很多", 5, None, None],
    [4, None, None, "2018-01-01", 100, "五角场", 10, 5, None, None],
]


def _import(data: bytes, name: str = "名单.xlsx", **kw: object):
    table = intake.read_file(data, name)
    return table, *intake.run_import(table, intake.suggest_mapping(table), **kw)  # type: ignore[arg-type]


def _count(model: type) -> int:
    with session_scope() as session:
        return len(session.exec(select(model)).all())


def test_officers_xlsx_with_merged_title_imports_every_value() -> None:
    data = officer_xlsx(HEADERS, GOOD, title="2024年杨浦区体育企业名单")
    table, preview, result = _import(data)
    assert table.header_row == 3
    assert preview.errors == [] and result.written
    assert len(result.created) == 2
    e = enterprises.get_enterprise(result.created[0])
    assert (e.name, str(e.registration_date), e.registered_capital, e.street) == (
        "上海跃动体育科技有限公司",
        "2019-03-05",
        Decimal("5000000.00"),
        "五角场",
    )
    fy = enterprises.list_children("fiscalyear", e.id)
    assert [(f.year, f.sales_revenue, f.staff_total) for f in fy] == [(2023, Decimal("12805000.00"), 35)]
    assert [(c.name, c.phone) for c in enterprises.list_children("contact", e.id)] == [
        ("张伟", "13812345678")
    ]
    assert enterprises.get_enterprise(result.created[1]).registered_capital == Decimal("3000000.00")
    created = {(a.entity, a.field, a.new) for a in enterprises.history(e.id) if a.action == "create"}
    assert {
        ("enterprise", "name", "上海跃动体育科技有限公司"),
        ("enterprise", "registered_capital", "5000000.00"),
        ("fiscalyear", "sales_revenue", "12805000.00"),
        ("contact", "phone", "13812345678"),
    } <= created
    assert {a.actor for a in enterprises.history(e.id)} == {"tester"}
    assert [h.enterprise_id for h in search("shydty")] == [e.id]  # the search box sees imported firms


def test_broken_rows_are_reported_by_row_and_field_and_nothing_is_written() -> None:
    data = officer_xlsx(HEADERS, GOOD + BROKEN, title="名单")
    _, preview, result = _import(data, mode="all-or-nothing")
    lines = preview.report().splitlines()
    assert "第 6 行 · 成立日期：成立日期不是有效日期：“2019-02-30”（请用 2026-03-05 格式）" in lines
    assert any(line.startswith("第 6 行 · 2023年营业收入(万元)：销售收入应为金额") for line in lines)
    assert any(line.startswith("第 7 行 · 企业名称") for line in lines)
    assert not result.written and {r.row for r in result.rejected} == {6, 7}
    assert _count(Enterprise) == 0 and _count(FiscalYear) == 0 and _count(AuditEntry) == 0


def test_valid_only_imports_good_rows_and_returns_rejected_rows_with_reasons() -> None:
    table, preview, result = _import(officer_xlsx(HEADERS, GOOD + BROKEN), mode="valid-only")
    assert result.written and len(result.created) == 2 and _count(Enterprise) == 2
    wb = load_workbook(io.BytesIO(intake.rejected_rows_xlsx(table, result.rejected)))
    ws = wb.active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "原行号" and rows[0][-1] == "错误原因"
    assert rows[1][0] == 4 and rows[1][2] == "上海坏数据体育有限公司"
    assert "成立日期不是有效日期" in rows[1][-1]


def test_gbk_csv_from_chinese_excel_imports() -> None:
    text = "企业名称,统一社会信用代码,成立日期,注册资本(万元)\r\n上海跃动体育科技有限公司,{},2019/3/5,500\r\n"
    data = text.format(uscc("91310110MA1G8XKX0")).encode("gbk")
    table, preview, result = _import(data, "名单.csv")
    assert table.encoding == "gb18030"
    assert result.written and enterprises.get_enterprise(result.created[0]).name == "上海跃动体育科技有限公司"


def test_fiscal_figures_update_existing_enterprises_by_uscc_or_name_through_the_store() -> None:
    by_code = enterprises.create_enterprise(
        {"name": "上海跃动体育科技有限公司", "uscc": uscc("91310110MA1G8XKX0")}
    )
    by_name = enterprises.create_enterprise({"name": "上海奔腾健身管理有限公司"})
    enterprises.add_child("fiscalyear", by_name.id, {"year": 2023, "sales_revenue": "10万元"})
    data = officer_xlsx(
        ["统一社会信用代码", "企业名称", "2023年营业收入（万元）", "2024年营业收入（万元）"],
        [
            [uscc("91310110MA1G8XKX0"), "跃动（旧称）", 100, 120],
            [None, "上海奔腾健身管理有限公司", 50, None],
        ],
    )
    _, preview, result = _import(data, actor="importer")
    assert [p.match_by for p in preview.rows] == ["uscc", "name"]
    assert sorted(result.updated) == sorted([by_code.id, by_name.id]) and result.created == []
    assert enterprises.get_enterprise(by_code.id).name == "上海跃动体育科技有限公司"
    years = {f.year: f.sales_revenue for f in enterprises.list_children("fiscalyear", by_code.id)}
    assert years == {2023: Decimal("1000000.00"), 2024: Decimal("1200000.00")}
    [fy] = enterprises.list_children("fiscalyear", by_name.id)
    assert (fy.sales_revenue, fy.version) == (Decimal("500000.00"), 2)
    audit = [
        (a.actor, a.field, a.old, a.new) for a in enterprises.history(by_name.id) if a.entity == "fiscalyear"
    ]
    assert ("importer", "sales_revenue", "100000.00", "500000.00") in audit


def test_suspected_duplicate_is_flagged_and_the_officers_choice_is_applied() -> None:
    old = enterprises.create_enterprise({"name": "上海跃动体育科技有限公司"})
    data = officer_xlsx(
        ["企业名称", "2023年营业收入"],
        [["跃动体育科技（上海）有限公司", "100万元"], ["上海全新赛艇俱乐部有限公司", None]],
    )
    table = intake.read_file(data, "x.xlsx")
    preview = intake.preview_import(table, intake.suggest_mapping(table))
    assert [s[0] for s in preview.rows[0].suspects] == [old.id] and preview.rows[1].suspects == []
    assert "疑似重复" in preview.report()
    _, result = intake.run_import(table, intake.suggest_mapping(table), decisions={2: f"update:{old.id}"})
    assert result is not None and result.updated == [old.id] and len(result.created) == 1
    assert enterprises.list_children("fiscalyear", old.id)[0].sales_revenue == Decimal("1000000.00")


def test_an_interrupted_import_leaves_nothing_half_written() -> None:
    rows = [[f"上海第{i}体育有限公司", 2019] for i in range(450)]
    table = intake.read_file(officer_xlsx(["企业名称", "2023年从业人员"], rows), "x.xlsx")

    def stop(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        intake.run_import(table, intake.suggest_mapping(table), progress=stop)
    assert _count(Enterprise) == 0 and _count(FiscalYear) == 0 and _count(Contact) == 0


def test_dry_run_reports_but_writes_nothing() -> None:
    table, preview, result = _import(officer_xlsx(HEADERS, GOOD), dry_run=True)
    assert result is None and preview.counts()["create"] == 2 and _count(Enterprise) == 0


def test_duplicate_uscc_inside_the_file_is_an_error_on_the_second_row() -> None:
    code = uscc("91310110MA1G8XKX0")
    _, preview, _ = _import(
        officer_xlsx(["企业名称", "统一社会信用代码"], [["甲公司", code], ["乙公司", code]]), dry_run=True
    )
    assert [str(e) for e in preview.errors] == [
        "第 3 行 · 统一社会信用代码：与第 2 行重复（同一文件中同一企业只能出现一次）"
    ]


def test_saved_mapping_is_used_by_name() -> None:
    table = intake.read_file(
        officer_xlsx(["单位", "代码X"], [["上海甲体育有限公司", uscc("91310110MA1G8XKX0")]]), "x.xlsx"
    )
    assert intake.suggest_mapping(table) == {"单位": "", "代码X": ""}
    intake.save_mapping("区市场局名单", {"单位": "name", "代码X": "uscc"})
    assert intake.suggest_mapping(table, "区市场局名单") == {"单位": "name", "代码X": "uscc"}
    with session_scope() as session:
        assert store.list_enterprises(session=session, query=store.EnterpriseQuery()).total == 0


def test_two_rows_for_one_existing_enterprise_are_refused() -> None:
    known = enterprises.create_enterprise(
        {"name": "上海跃动体育科技有限公司", "uscc": uscc("91310110MA1G8XKX0")}
    )
    data = officer_xlsx(
        ["企业名称", "统一社会信用代码", "2023年营业收入"],
        [["跃动（按代码匹配）", uscc("91310110MA1G8XKX0"), 1], ["上海跃动体育科技有限公司", None, 2]],
    )
    _, preview, result = _import(data)
    assert [str(e) for e in preview.errors] == [
        f"第 3 行 · 企业名称：与第 2 行对应同一家已有企业（#{known.id}），请合并为一行"
    ]
    assert not result.written and enterprises.list_children("fiscalyear", known.id) == []
