"""Duplicate detection and the search box."""

from __future__ import annotations

import pytest

from crm.intake.dedupe import normalize_name, scan
from crm.intake.mapping import guess
from crm.intake.search import Record, SearchIndex
from crm.services import enterprises
from crm.services.search import search
from tests.intake.conftest import uscc


@pytest.mark.parametrize(
    ("name", "core"),
    [
        # legal boilerplate and the city drop out
        ("上海力动体育有限公司", "力动体育"),
        ("上海力动体育有限责任公司", "力动体育"),
        ("上海力动体育股份有限公司", "力动体育"),
        ("力动体育（上海）有限公司", "力动体育"),
        ("力动体育(上海)有限公司", "力动体育"),
        ("上海力动体育集团有限公司", "力动体育"),
        ("上海力动体育有限公司杨浦分公司", "力动体育"),
        # full-width letters and spaces
        ("上海ＡＢＣ 体育有限公司", "abc体育"),
        # nothing left: keep the text
        ("上海有限公司", "上海有限公司"),
    ],
)
def test_name_normalisation(name: str, core: str) -> None:
    assert normalize_name(name) == core


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ("企业名称", "name"),
        ("公司名称", "name"),
        ("Enterprise name", "name"),
        ("统一社会信用代码", "uscc"),
        ("成立日期", "registration_date"),
        ("注册资本(万元)", "registered_capital@万元"),
        ("注册资本（亿元）", "registered_capital@亿元"),
        ("所属街道", "street"),
        ("2023年营业收入", "fy2023.sales_revenue"),
        ("2023年营业收入（万元）", "fy2023.sales_revenue@万元"),
        ("营业收入(2022年)", "fy2022.sales_revenue"),
        ("2024年度研发费用/万元", "fy2024.rd_expense@万元"),
        ("年度", "fy.year"),
        ("联系电话", "contact.phone"),
        ("序号", None),
    ],
)
def test_header_guessing(header: str, target: str | None) -> None:
    found = guess(header)
    assert (str(found) if found else None) == target


def test_scan_finds_same_uscc_and_name_variants_but_not_different_companies() -> None:
    names = [
        "上海力动体育有限公司",
        "力动体育（上海）有限公司",
        "上海飞跃赛艇俱乐部有限公司",
        "上海力动体育科技有限公司",
        "上海星辰篮球培训有限公司",
        "上海远航文化传媒有限公司",
    ]
    codes = [None, None, "X1", None, None, "X1"]
    pairs = {(p.a, p.b, p.reason) for p in scan(names, codes)}
    assert pairs == {(0, 1, "name"), (0, 3, "name"), (1, 3, "name"), (2, 5, "uscc")}


@pytest.mark.parametrize(
    ("a", "b", "suspected"),
    [
        # same brand, different boilerplate or an added trade word
        ("上海力动体育有限公司", "力动体育(上海)有限公司", True),
        ("上海力动体育有限公司", "上海力动体育科技有限公司", True),
        # a homophone typo in the brand (typed by pinyin input)
        ("上海力动体育有限公司", "上海立动体育有限公司", True),
        # one character apart, but it is the brand: two firms
        ("上海佳越文化传媒有限公司", "上海源越文化传媒有限公司", False),
        ("上海星辰篮球培训有限公司", "上海晨光篮球培训有限公司", False),
    ],
)
def test_suspected_pairs(a: str, b: str, suspected: bool) -> None:
    assert bool(scan([a, b])) is suspected


@pytest.fixture
def index() -> SearchIndex:
    return SearchIndex(
        [
            Record(1, "上海体育发展有限公司", uscc("91310110MA1G8XKX0")),
            Record(
                2, "上海力动体育科技有限公司", None, ("上海力动健身有限公司",), ("张伟",), ("021-65432100",)
            ),
            Record(3, "杨浦星辰篮球俱乐部有限公司"),
        ]
    )


@pytest.mark.parametrize(
    ("query", "first", "matched_on"),
    [
        ("shty", 1, "拼音首字母"),
        ("SHTY", 1, "拼音首字母"),
        ("shanghaitiyu", 1, "全拼"),
        ("xingchen", 3, "全拼"),
        ("上海体育", 1, "企业名称"),
        ("星辰篮球", 3, "企业名称"),
        ("91310110MA", 1, "统一社会信用代码"),
        ("力动健身", 2, "曾用名"),
        ("张伟", 2, "联系人"),
        ("65432100", 2, "联系电话"),
        ("上海体育发展有线公司", 1, "企业名称"),  # typo: 有线 for 有限
        ("杨浦星晨篮球", 3, "企业名称"),  # typo: 晨 for 辰
    ],
)
def test_search_box(index: SearchIndex, query: str, first: int, matched_on: str) -> None:
    hits = index.search(query)
    assert (hits[0].enterprise_id, hits[0].matched_on) == (first, matched_on)


def test_search_ranks_the_exact_name_first(index: SearchIndex) -> None:
    assert [h.enterprise_id for h in index.search("上海体育发展有限公司")][:1] == [1]
    assert index.search("") == [] and index.search("zzzzqqq") == []


def test_service_search_sees_records_as_they_change() -> None:
    assert search("shty") == []
    first = enterprises.create_enterprise({"name": "上海体育发展有限公司"})
    [hit] = search("shty")
    assert (hit.enterprise_id, hit.name, hit.matched_on) == (first.id, "上海体育发展有限公司", "拼音首字母")
    enterprises.add_child("contact", first.id, {"name": "李娜", "phone": "13900001111"})
    assert [h.matched_on for h in search("13900001111")] == ["联系电话"]
