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
from crm.packs.sample import sample_context

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


def test_pack_shows_enterprise_policies_gaps_and_deadlines_as_text(sample_pdf: bytes) -> None:
    text = text_of(sample_pdf)
    assert "上海堃喆体育科技有限公司" in text
    for title in (
        "高新技术企业认定",
        "科技型中小企业评价",
        "上海市文化创意产业发展财政扶持资金",
        "上海市专精特新中小企业",
        "上海市体育产业示范单位",
    ):
        assert title in text
    assert "还差0.88个百分点" in text  # R&D ratio 4.12% against 5%
    assert "还差14.80万元" in text  # tax 45.2 against 60 万元
    assert "2026-09-30" in text and "剩余11天" in text  # deadlines, days left from 2026-05-18
    assert "国科发火〔2016〕32号" in text
    assert "请核对" in text and "上年度高新技术产品（服务）收入" in text  # appendix: data used, to collect


def test_ineligible_policies_are_not_recommended(sample_pdf: bytes) -> None:
    assert "、国家体育产业示范单位" not in text_of(sample_pdf)  # no numbered section or TOC entry
    assert "、上海市体育产业示范单位" in text_of(sample_pdf)


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
        for font in reader.pages[2]["/Resources"]["/Font"].values()
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
    line = next(i for i, text in enumerate(lines, 1) if "可享受的支持" in text)
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
        (Decimal("1234567"), '<span class="num">123.46\u00a0万元</span>'),
        (Decimal("148000"), '<span class="num">14.80\u00a0万元</span>'),
        (0, '<span class="num">0.00\u00a0万元</span>'),
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


def test_the_table_of_contents_gives_each_section_its_page(sample_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(sample_pdf))
    pages = [re.sub(r"\s+", "", p.extract_text()) for p in reader.pages]
    lines = re.findall(
        r"^\s*([一二三四五六七八九十]+、\S+)\s+(\d+)\s*$",
        reader.pages[1].extract_text(extraction_mode="layout"),
        re.MULTILINE,
    )
    assert len(lines) >= 3
    for title, page in lines:
        assert title in pages[int(page) - 1] and title not in "".join(pages[2 : int(page) - 1])
    assert len(sample_pdf) < 1024 * 1024
