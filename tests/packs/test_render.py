"""Rendering packs: real Chinese text in the PDF, no injection, clear template errors, same bytes twice."""

from __future__ import annotations

import io
import re
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from crm.config import get_settings
from crm.packs import PackRenderError, Renderer, build_context
from crm.packs.filters import pct, qty, wan, ymd
from crm.packs.fonts import SubsetCache, missing_characters
from crm.packs.render import TemplateFetcher
from crm.packs.sample import SAMPLE_DAY, sample_context, sample_enterprise
from crm.packs.sample_verdicts import sample_verdicts

RARE_NAME = "上海喆堃珺昇旻玥翀镕彧体育发展有限公司"


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(get_settings().templates_dir, SubsetCache())


@pytest.fixture(scope="module")
def sample_pdf(renderer: Renderer) -> bytes:
    return renderer.render_pdf(sample_context())


def text_of(pdf: bytes) -> str:
    """All page text with whitespace removed (line breaks inside a title must not hide it)."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def font_names(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }


def page_texts(pdf: bytes) -> list[str]:
    return [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_page_one_is_the_decision_page(sample_pdf: bytes) -> None:
    first = page_texts(sample_pdf)[0]
    assert "上海堃喆体育科技有限公司" in first and "2026-05-18" in first
    assert "王珺" in first and "021-65432100" in first and "wangjun@example.gov.cn" in first
    # the top three by rank, each with outcome, value, deadline and days left, and the next thing to do
    top = first.split("建议优先办理")[1].split("评估的全部政策")[0]
    assert [top.index(t) for t in ("高新技术企业认定", "科技型中小企业评价", "上海市文化创意产业")] == sorted(
        top.index(t) for t in ("高新技术企业认定", "科技型中小企业评价", "上海市文化创意产业")
    )
    assert "上海市专精特新中小企业" not in top  # fourth: not a priority
    assert "36.50万元/年" in top and "2026-09-30剩135天" in top and "还差0.88个百分点" in top
    # every policy considered, the ineligible one with its one decisive reason
    summary = first.split("评估的全部政策")[1]
    for title in ("上海市专精特新中小企业", "上海市体育产业示范单位", "创新型中小企业评价"):
        assert title in summary
    assert (
        "国家体育产业示范单位" in summary
        and "近三年未发生重大安全、质量事故（目前：发生过重大事故）" in summary
    )


def test_sections_only_for_policies_worth_acting_on(sample_pdf: bytes) -> None:
    text = "".join(page_texts(sample_pdf))
    headings = re.findall(
        r"[一二三四五六七八九十]+、([^一二三四五六七八九十]{4,16}?)(?:基本符合|差距较小|符合)", text
    )
    assert "国家体育产业示范单位" not in "".join(headings)  # ineligible: the summary only
    assert not re.search(r"[一二三四五六七八九十]、创新型中小企业评价", text)  # needs data: the shared table
    assert "还差0.88个百分点" in text and "还差14.80万元" in text  # gaps in the policy's unit
    assert "2026-03-01至2026-09-30（剩135天）" in text and "国科发火〔2016〕32号" in text
    shared = text.split("补充资料后可评估的政策")[1]
    assert "创新型中小企业评价" in shared and "2025年负债总额" in shared


def test_the_last_page_asks_for_the_facts_that_settle_open_verdicts(sample_pdf: bytes) -> None:
    pages = page_texts(sample_pdf)
    last = pages[-1]
    assert last.startswith("请贵单位补充/核对以下信息") or "请贵单位补充/核对以下信息" in last[:80]
    assert "上年度高新技术产品（服务）收入" in last and "负债总额2025万元请补充" in last
    assert "资产总额2025万元2,780.00万元" in last  # a value we hold, for checking
    assert last.index("负债总额") < last.index("资产总额")  # what is missing first
    assert "填表人" in last


def test_provenance_only_in_metadata_and_the_last_footer(sample_pdf: bytes) -> None:
    pages = page_texts(sample_pdf)
    assert "规则版本3f9a1c0b7d2e" in pages[-1]
    assert not any("3f9a1c0b7d2e" in page for page in pages[:-1])
    assert not any(re.search(r"eligible|near_miss|needs_data|likely|hnte|policy_id", page) for page in pages)
    info = PdfReader(io.BytesIO(sample_pdf)).metadata
    assert info is not None and "3f9a1c0b7d2e" in str(info.get("/Subject")) + str(info.get("/Keywords"))


def test_a_short_pack_has_no_table_of_contents(sample_pdf: bytes) -> None:
    pages = page_texts(sample_pdf)
    assert len(pages) < 8 and "目录一、" not in "".join(pages)


def test_rare_name_characters_print_in_the_pack_font(renderer: Renderer) -> None:
    assert not missing_characters(RARE_NAME)
    pdf = renderer.render_pdf(sample_context(name=RARE_NAME))
    assert RARE_NAME in text_of(pdf)
    fonts = font_names(pdf)
    assert {name.split("+", 1)[1] for name in fonts} == {"Huiqi-Sans", "Huiqi-Serif"}, (
        fonts
    )  # no fallback face
    assert all(re.fullmatch(r"/[A-Z]{6}\+.*", name) for name in fonts)  # subset fonts


def test_without_harfbuzz_subset_the_cut_fonts_are_embedded_not_cut_again(
    renderer: Renderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A machine without libharfbuzz-subset0: WeasyPrint would re-cut our fonts with fontTools (~0.8 s)."""
    import weasyprint.pdf.fonts as weasy_fonts

    def refuse(*_args: object) -> None:
        raise AssertionError("fontTools subsetting ran on fonts that were already cut")

    monkeypatch.setattr(weasy_fonts, "harfbuzz_subset", None)
    monkeypatch.setattr(weasy_fonts.Font, "_fonttools_subset", refuse)
    pdf = renderer.render_pdf(sample_context(name=RARE_NAME))
    assert RARE_NAME in text_of(pdf) and "还差0.88个百分点" in text_of(pdf)
    assert len(pdf) < 1_000_000


def test_pack_is_small_with_fonts_embedded(sample_pdf: bytes) -> None:
    assert len(sample_pdf) < 1_000_000
    reader = PdfReader(io.BytesIO(sample_pdf))
    descriptors = [
        font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        for font in reader.pages[1]["/Resources"]["/Font"].values()
    ]
    assert all("/FontFile3" in d or "/FontFile2" in d for d in descriptors)


def test_markup_in_data_prints_as_text_and_fetches_nothing(renderer: Renderer) -> None:
    evil = '<img src="file:///etc/passwd">'
    context = sample_context(name=evil)
    html = renderer.render_html(context)
    assert "<img" not in html and "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    pdf = renderer.render_pdf(context)
    assert re.sub(r"\s+", "", evil) in text_of(pdf)
    assert renderer.last_refused == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/x.png",
        "data:text/plain,hello",
    ],
)
def test_fetcher_refuses_anything_outside_templates(url: str) -> None:
    templates = get_settings().templates_dir.resolve()
    fetcher = TemplateFetcher(templates, SubsetCache(), text="")
    with pytest.raises(ValueError):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_refuses_paths_escaping_templates() -> None:
    templates = get_settings().templates_dir.resolve()
    fetcher = TemplateFetcher(templates, SubsetCache(), text="")
    with pytest.raises(ValueError):
        fetcher.fetch(templates.as_uri() + "/../pyproject.toml")
    assert fetcher.fetch(templates.as_uri() + "/pack.css").read().startswith(b"/*")


def test_same_inputs_give_identical_bytes(sample_pdf: bytes) -> None:
    fresh = Renderer(get_settings().templates_dir, SubsetCache())  # no shared font cache
    assert fresh.render_pdf(sample_context()) == sample_pdf


@pytest.fixture
def broken_templates(tmp_path: Path) -> Path:
    shutil.copytree(get_settings().templates_dir, tmp_path / "t", ignore=shutil.ignore_patterns("*.py"))
    return tmp_path / "t"


def test_undefined_name_error_names_template_and_line(broken_templates: Path) -> None:
    macros = broken_templates / "_macros.html"
    lines = macros.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "可享受：" in text)
    lines[line - 1] += "{{ p.no_such_field }}"
    macros.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(PackRenderError, match=rf"_macros\.html 第 {line} 行: .*no_such_field"):
        Renderer(broken_templates).render_html(sample_context())


def test_syntax_error_names_template_and_line(broken_templates: Path) -> None:
    page = broken_templates / "pack.html"
    page.write_text(
        page.read_text(encoding="utf-8").replace("{% endfor %}", "{% endfro %}", 1), encoding="utf-8"
    )
    line = next(
        i for i, text in enumerate(page.read_text(encoding="utf-8").splitlines(), 1) if "endfro" in text
    )
    with pytest.raises(PackRenderError, match=rf"pack\.html 第 {line} 行"):
        Renderer(broken_templates).render_html(sample_context())


def test_context_refuses_objects_that_are_not_plain_data() -> None:
    class Record:
        name = "x"

    with pytest.raises(TypeError, match="plain data"):
        build_context(
            enterprise={"id": 1, "name": Record()},
            officer={"name": "王"},
            verdicts=[],
            data_used=[],
            on=date(2026, 1, 5),
        )


# --- filters: how figures read in the pack -------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234567"), "123.46\u00a0万元"),  # a no-break space: never split from its unit
        (Decimal("148000"), "14.80\u00a0万元"),
        (0, "0.00\u00a0万元"),
        (None, "待补充"),
    ],
)
def test_wan(value: object, expected: str) -> None:
    assert str(wan(value)) == expected


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (Decimal("0.0412"), "ratio", "4.1%"),
        (86, "people", "86\u00a0人"),
        (7.2, "years", "7.2\u00a0年"),
        (True, None, "是"),
        (date(2026, 3, 5), None, "2026-03-05"),
        ("<b>", None, "&lt;b&gt;"),
        ("未列入经营异常名录", None, "未列入经营异常名录"),  # a yes/no fact in words, never 是/否
        ("1,200.00 万元以上", "CNY", "1,200.00 万元以上"),  # a partly known figure, already in words
    ],
)
def test_qty(value: object, unit: str | None, expected: str) -> None:
    assert re.sub(r"<[^>]+>", "", str(qty(value, unit))) == expected


def test_dates_and_percentages() -> None:
    assert ymd(date(2026, 3, 5)) == "2026-03-05" and ymd(None) == "待补充"
    assert "12.5%" in str(pct(Decimal("0.125")))


def test_a_long_pack_gets_a_table_of_contents_with_each_sections_page(renderer: Renderer) -> None:
    verdicts = [
        v | {"policy_id": f"{v['policy_id']}-{n}", "title": f"{v['title']}（第{n}批）"}
        for n in range(1, 5)
        for v in sample_verdicts()
    ]
    context = build_context(
        enterprise=sample_enterprise("上海堃喆体育科技有限公司"), officer={}, verdicts=verdicts, on=SAMPLE_DAY
    )
    pdf, count = renderer.render_pack(context)
    assert count >= 8
    reader = PdfReader(io.BytesIO(pdf))
    pages = [re.sub(r"\s+", "", p.extract_text()) for p in reader.pages]
    toc_page = next(i for i, page in enumerate(pages) if "目录一、" in page)
    lines = re.findall(
        r"^\s*([一二三四五六七八九十]+、\S+)\s+(\d+)\s*$",
        reader.pages[toc_page].extract_text(extraction_mode="layout"),
        re.MULTILINE,
    )
    assert len(lines) >= 5  # long titles wrap in the layout text; those on one line are checked
    for title, page in lines:
        assert title in pages[int(page) - 1] and title not in "".join(pages[toc_page + 1 : int(page) - 1])


# --- sections by weight: related policies grouped, where to apply with a QR code -------------------


def _demo_variant(policy_id: str, title: str, outcome: str, years: float) -> dict:
    status = "met" if years >= 3 else "not_met"
    return {
        "policy_id": policy_id,
        "title": title,
        "outcome": outcome,
        "rank": 1 if outcome == "likely" else 2,
        "group": "体育产业示范单位和示范项目",
        "apply": {"office": "区体育局受理推荐", "url": "https://example.gov.cn/apply?id=1"},
        "basis": [{"doc": "上海市体育产业基地管理办法"}],
        "materials": ["申报书", "营业执照"],
        "conditions": [
            {
                "id": "legal",
                "fact": "independent_legal_person",
                "label": "具有独立法人资格",
                "status": "met",
                "value": "独立法人",
                "threshold": "独立法人",
            },
            {
                "id": "age",
                "fact": "years_since_registration",
                "label": f"{title}：经营满3年",
                "status": status,
                "value": years,
                "threshold": 3,
                "gap": None if years >= 3 else 3 - years,
                "unit": "years",
                "op": "ge",
            },
            {"id": "brand", "label": "社会效益显著", "status": "manual"},
        ],
    }


def test_related_policies_share_one_section_with_common_conditions_once(renderer: Renderer) -> None:
    verdicts = [
        _demo_variant("demo_unit_municipal", "上海市体育产业示范单位", "likely", 4.0),
        _demo_variant("demo_project_municipal", "上海市体育产业示范项目", "near_miss", 2.5),
    ]
    context = build_context(
        enterprise={"name": "上海测试体育有限公司"}, officer={}, verdicts=verdicts, on=SAMPLE_DAY
    )
    [section] = context["sections"]
    assert section["grouped"] and section["title"] == "体育产业示范单位和示范项目"
    text = "".join(page_texts(renderer.render_pdf(context))).split("一、体育产业示范单位和示范项目")[1]
    assert text.count("具有独立法人资格") == 1 and text.count("社会效益显著") == 1  # shared: printed once
    assert "还差0.5年" in text and "（上海市体育产业示范项目）" in text  # the difference names its policy
    assert text.count("区体育局受理推荐") == 1


def test_a_policy_url_prints_with_a_qr_code_drawn_inside_the_fetcher(renderer: Renderer) -> None:
    verdict = _demo_variant("demo_unit_municipal", "上海市体育产业示范单位", "likely", 4.0)
    context = build_context(
        enterprise={"name": "上海测试体育有限公司"}, officer={}, verdicts=[verdict], on=SAMPLE_DAY
    )
    html = renderer.render_html(context)
    name = re.search(r'src="qr/([0-9a-f]+\.svg)"', html)
    assert (
        name is not None and bytes.fromhex(name.group(1)[:-4]).decode() == "https://example.gov.cn/apply?id=1"
    )
    pdf = renderer.render_pdf(context)
    assert renderer.last_refused == [] and "https://example.gov.cn/apply?id=1" in "".join(page_texts(pdf))
    templates = get_settings().templates_dir.resolve()
    fetcher = TemplateFetcher(templates, SubsetCache(), text="")
    assert fetcher.fetch(f"{templates.as_uri()}/qr/{name.group(1)}").read().startswith(b"<svg")
    for bad in (b"file:///etc/passwd".hex() + ".svg", "zz.svg"):
        with pytest.raises(ValueError):
            fetcher.fetch(f"{templates.as_uri()}/qr/{bad}")


def test_the_data_request_asks_for_each_field_and_year_once_naming_every_policy() -> None:
    ask = {"fact": "rd_ratio_3y", "field": "rd_expense", "year": 2025, "label": "研发费用", "unit": "CNY"}
    verdicts = [
        {"policy_id": p, "title": t, "outcome": o, "rank": i, "to_collect": [ask]}
        for i, (p, t, o) in enumerate(
            (
                ("hnte", "高新技术企业认定", "likely"),
                ("tech_sme", "科技型中小企业评价", "needs_data"),
                ("x", "不符合的政策", "ineligible"),
            )
        )
    ]
    context = build_context(
        enterprise={"name": "上海测试体育有限公司"}, officer={}, verdicts=verdicts, on=SAMPLE_DAY
    )
    [row] = context["data_request"]
    assert (row["label"], row["year"], row["unit"], row["missing"]) == ("研发费用", 2025, "CNY", True)
    assert row["policies"] == ["高新技术企业认定", "科技型中小企业评价"]  # not the ineligible one
