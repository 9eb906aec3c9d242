"""The store on a real database: SQLite and PostgreSQL (see the any_db fixture)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from stdnum.cn import uscc

from crm import store
from crm.db import session_scope
from crm.models import Enterprise, FiscalYear
from crm.records.validation import ValidationFailed

pytestmark = pytest.mark.usefixtures("any_db")


def valid_uscc(body: str = "91310110MA1G8XKX0") -> str:
    return body + uscc.calc_check_digit(body)


def make(name: str = "上海杨浦体育科技有限公司", **data: object) -> Enterprise:
    with session_scope() as s:
        return store.create_enterprise(session=s, data={"name": name, **data}, actor="alice")


def test_create_keeps_unknowns_as_null_and_money_exact() -> None:
    e = make(uscc=valid_uscc(), registered_capital="1,234.56万元")
    with session_scope() as s:
        fy = store.create_child(
            session=s,
            model=FiscalYear,
            enterprise_id=e.id,
            actor="alice",
            data={"year": 2024, "sales_revenue": "12345678.91", "staff_total": "35"},
        )
    with session_scope() as s:
        loaded = store.load_aggregate(session=s, enterprise_id=e.id)
    assert loaded.enterprise.registered_capital == Decimal("12345600.00")
    assert loaded.enterprise.registration_date is None
    assert loaded.fiscal_years[0].sales_revenue == Decimal("12345678.91")
    assert loaded.fiscal_years[0].rd_expense is None  # unknown, never 0
    assert fy.version == 1


def test_stale_edit_is_refused_and_overwrites_nothing() -> None:
    e = make()
    with session_scope() as s:
        store.update_enterprise(
            session=s, enterprise_id=e.id, expected_version=1, data={"address": "国定路 1 号"}, actor="alice"
        )
    with pytest.raises(store.ConflictError) as err, session_scope() as s:
        store.update_enterprise(
            session=s, enterprise_id=e.id, expected_version=1, data={"address": "政立路 2 号"}, actor="bob"
        )
    assert "alice" in err.value.message("zh") and "未写入" in err.value.message("zh")
    with session_scope() as s:
        now = store.get_record(session=s, model=Enterprise, record_id=e.id)
    assert (now.address, now.version) == ("国定路 1 号", 2)


def test_every_change_is_audited_with_old_and_new() -> None:
    e = make(street="五角场")
    with session_scope() as s:
        store.update_enterprise(
            session=s,
            enterprise_id=e.id,
            expected_version=1,
            data={"street": "殷行", "registered_capital": "200万元"},
            actor="bob",
        )
    with session_scope() as s:
        trail = store.history(session=s, enterprise_id=e.id)
    changes = {(a.action, a.field): (a.old, a.new, a.actor) for a in trail}
    assert changes[("update", "street")] == ("五角场", "殷行", "bob")
    assert changes[("update", "registered_capital")] == (None, "2000000.00", "bob")
    assert changes[("create", "name")][2] == "alice"


def test_soft_delete_hides_and_restore_brings_back() -> None:
    e = make()
    with session_scope() as s:
        store.delete(session=s, model=Enterprise, record_id=e.id, expected_version=1, actor="alice")
    with session_scope() as s:
        page = store.list_enterprises(session=s, query=store.EnterpriseQuery())
        assert page.total == 0
        with pytest.raises(store.NotFoundError):
            store.get_record(session=s, model=Enterprise, record_id=e.id)
        assert store.list_enterprises(session=s, query=store.EnterpriseQuery(deleted=True)).total == 1
    with session_scope() as s:
        store.restore(session=s, model=Enterprise, record_id=e.id, actor="alice")
    with session_scope() as s:
        assert store.list_enterprises(session=s, query=store.EnterpriseQuery()).total == 1
        actions = [a.action for a in store.history(session=s, enterprise_id=e.id)]
    assert actions[:2] == ["restore", "delete"]


def test_bad_uscc_is_rejected_unless_overridden_with_a_reason() -> None:
    bad = valid_uscc()[:-1] + ("0" if valid_uscc()[-1] != "0" else "1")
    with pytest.raises(ValidationFailed) as err:
        make(uscc=bad)
    assert "统一社会信用代码校验位错误" in err.value.by_field()["uscc"]
    e = make(uscc=bad, uscc_override_reason="营业执照原件核对无误")
    assert e.uscc == bad


def test_duplicate_uscc_names_the_other_enterprise() -> None:
    code = valid_uscc()
    make("甲体育有限公司", uscc=code)
    with pytest.raises(ValidationFailed) as err:
        make("乙体育有限公司", uscc=code)
    assert "甲体育有限公司" in err.value.by_field()["uscc"]


def test_second_fiscal_year_row_for_same_year_is_refused() -> None:
    e = make()
    with session_scope() as s:
        store.create_child(session=s, model=FiscalYear, enterprise_id=e.id, data={"year": 2023}, actor="a")
    with pytest.raises(ValidationFailed), session_scope() as s:
        store.create_child(session=s, model=FiscalYear, enterprise_id=e.id, data={"year": 2023}, actor="a")


def test_list_filters_sorts_and_pages() -> None:
    for i, street in enumerate(["五角场", "殷行", "五角场", "大桥"]):
        make(f"体育公司{i}", street=street, sports_division="03", tags=["重点"] if i % 2 else [])
    with session_scope() as s:
        page = store.list_enterprises(
            session=s,
            query=store.EnterpriseQuery(streets=("五角场",), sort="name", descending=True, page_size=1),
        )
        tagged = store.list_enterprises(session=s, query=store.EnterpriseQuery(tags=("重点",)))
        found = store.list_enterprises(session=s, query=store.EnterpriseQuery(search="公司3"))
    assert page.total == 2 and [e.name for e in page.rows] == ["体育公司2"]
    assert tagged.total == 2
    assert [e.name for e in found.rows] == ["体育公司3"]


def test_sqlite_gets_planner_statistics_at_start_up() -> None:
    from sqlalchemy import text

    from crm.db import dispose_engines, get_engine

    make("任一体育有限公司")
    dispose_engines()
    with get_engine().connect() as conn:
        if conn.dialect.name != "sqlite":
            pytest.skip("PostgreSQL keeps its own statistics (autovacuum)")
        stats = conn.execute(text("SELECT count(*) FROM sqlite_stat1")).scalar_one()
    assert stats > 0


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("健身", ["上海悦动健身有限公司"]),  # two characters: the bigram path on PostgreSQL
        ("悦动健身", ["上海悦动健身有限公司"]),
        ("旧名", ["上海跃马体育有限公司"]),  # a former name
        ("身", ["上海悦动健身有限公司"]),  # one character: plain LIKE everywhere
        ("%", []),  # LIKE wildcards are literal
    ],
)
def test_quick_search_finds_names_and_former_names(term: str, found: list[str]) -> None:
    make("上海悦动健身有限公司")
    make("上海跃马体育有限公司", former_names=["上海旧名体育有限公司"])
    with session_scope() as s:
        page = store.list_enterprises(session=s, query=store.EnterpriseQuery(search=term))
    assert [e.name for e in page.rows] == found


def test_the_tag_filter_offers_every_live_tag_once() -> None:
    from crm.services.enterprises import facets

    make("甲体育有限公司", tags=["重点企业", "电竞"])
    make("乙体育有限公司", tags=["电竞"])
    gone = make("丙体育有限公司", tags=["已迁出"])
    with session_scope() as s:
        store.delete(session=s, model=Enterprise, record_id=gone.id, expected_version=1, actor="alice")
    assert facets().tags == sorted(["重点企业", "电竞"])


def test_an_in_memory_sqlite_url_creates_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from crm.db import make_engine

    monkeypatch.chdir(tmp_path)
    make_engine("sqlite://").dispose()  # "sqlite://" once became a file named "sqlite:" in the working dir
    assert list(tmp_path.iterdir()) == []
