"""The one place that renders packs: sandboxed Jinja2 -> HTML -> WeasyPrint -> PDF bytes.

Templates receive plain data only (see ``crm.packs.context``). WeasyPrint fetches through
``TemplateFetcher``, which serves files under the templates folder and nothing else, and the font
faces under ``fonts/`` cut to the characters of the document (``crm.packs.fonts``).
"""

from __future__ import annotations

import hashlib
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from crm.errors import HuiqiError
from crm.packs import filters
from crm.packs.fonts import FACES, SubsetCache, embed_as_cut
from crm.packs.qr import qr_svg

MAIN_TEMPLATE = "pack.html"
STYLESHEET = "pack.css"
FONT_PREFIX = "fonts/"
QR_PREFIX = "qr/"  # qr/<hex of the URL>.svg: a QR code drawn on the fly (crm.packs.qr)
TOC_FROM_PAGES = 8  # shorter packs have no table of contents


class PackRenderError(HuiqiError):
    """A pack could not be rendered; the message names the template and line when one is at fault."""


@dataclass
class Renderer:
    """Templates folder + font cache; one per process (``get_renderer``), safe to share across threads."""

    templates_dir: Path
    font_cache: SubsetCache = field(default_factory=SubsetCache)

    def __post_init__(self) -> None:
        self.templates_dir = self.templates_dir.resolve()
        self.env = make_environment(self.templates_dir)
        self.last_refused: list[str] = []  # URLs the fetcher refused in the last render (tests, logs)

    def render_html(self, context: Mapping[str, Any], template: str = MAIN_TEMPLATE) -> str:
        """The pack as HTML (what WeasyPrint lays out)."""
        try:
            return self.env.get_template(template).render(context)
        except jinja2.TemplateSyntaxError as exc:
            raise PackRenderError(
                f"模板错误 {exc.name or template} 第 {exc.lineno} 行: {exc.message}"
            ) from exc
        except jinja2.TemplateError as exc:
            name, line = _template_frame(exc, self.templates_dir)
            raise PackRenderError(f"模板错误 {name or template} 第 {line} 行: {exc}") from exc

    def render_pdf(self, context: Mapping[str, Any], template: str = MAIN_TEMPLATE) -> bytes:
        """The pack as PDF bytes; identical inputs give identical bytes."""
        return self.render_pack(context, template)[0]

    def render_pack(self, context: Mapping[str, Any], template: str = MAIN_TEMPLATE) -> tuple[bytes, int]:
        """The pack as (PDF bytes, page count); a pack of ``TOC_FROM_PAGES`` pages or more gets a contents list."""
        identifier = str(context.get("document_id", "huiqi-pack"))
        pdf, pages = self.write_pdf(self.render_html(context, template), identifier=identifier)
        if pages >= TOC_FROM_PAGES and context.get("toc") is False:
            with_toc = {**context, "toc": True}
            pdf, pages = self.write_pdf(self.render_html(with_toc, template), identifier=identifier)
        return pdf, pages

    def write_pdf(self, html_text: str, *, identifier: str = "huiqi-pack") -> tuple[bytes, int]:
        """Lay out ``html_text`` (relative URLs resolve under the templates folder): (PDF bytes, pages)."""
        from weasyprint import HTML

        fetcher = TemplateFetcher(self.templates_dir, self.font_cache, text=html_text)
        html = HTML(string=html_text, base_url=self.templates_dir.as_uri() + "/", url_fetcher=fetcher)
        document = html.render()
        # A fixed identifier and no dates but the document's own: same inputs, same bytes.
        # Our fonts are already cut to the document; without HarfBuzz-Subset WeasyPrint would cut them
        # again with fontTools (~0.8 s per pack), so then they are embedded as they are.
        pdf = document.write_pdf(
            pdf_identifier=hashlib.md5(identifier.encode(), usedforsecurity=False).hexdigest().encode(),
            full_fonts=embed_as_cut(),
        )
        assert isinstance(pdf, bytes)
        self.last_refused = fetcher.refused
        return pdf, len(document.pages)


def make_environment(templates_dir: Path) -> ImmutableSandboxedEnvironment:
    """The Jinja2 environment for packs: sandboxed, autoescaping, strict about undefined names."""
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    filters.register(env)
    return env


def _template_frame(exc: BaseException, templates_dir: Path) -> tuple[str | None, int | None]:
    """Innermost traceback frame that belongs to a template file: (relative name, line)."""
    found: tuple[str | None, int | None] = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename)
        if path.suffix == ".html" and path.is_relative_to(templates_dir):
            found = (path.relative_to(templates_dir).as_posix(), frame.lineno)
    return found


class TemplateFetcher:
    """WeasyPrint URL fetcher: files under the templates folder, subset fonts; refuses anything else."""

    def __init__(self, templates_dir: Path, font_cache: SubsetCache, *, text: str) -> None:
        self.templates_dir = templates_dir
        self.font_cache = font_cache
        self.text = text
        self.refused: list[str] = []

    def __call__(self, url: str) -> Any:
        return self.fetch(url)

    def fetch(self, url: str, headers: Any = None) -> Any:
        from weasyprint.urls import URLFetcherResponse

        path = self._local_path(url)
        if path is None:
            self.refused.append(url)
            raise ValueError(f"服务包模板只能引用模板目录内的文件: {url}")
        relative = path.relative_to(self.templates_dir).as_posix()
        if relative.startswith(FONT_PREFIX) and relative[len(FONT_PREFIX) :] in FACES:
            body = self.font_cache.get(
                relative[len(FONT_PREFIX) :], self.text + _css_text(self.templates_dir)
            )
            return URLFetcherResponse(url, body, {"Content-Type": "font/otf"})
        if relative.startswith(QR_PREFIX):
            return URLFetcherResponse(
                url, qr_svg(relative[len(QR_PREFIX) :]), {"Content-Type": "image/svg+xml"}
            )
        if not path.is_file():
            self.refused.append(url)
            raise ValueError(f"模板目录中没有这个文件: {relative}")
        mime = "text/css" if path.suffix == ".css" else "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    def _local_path(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(unquote(parts.path)).resolve()
        return path if path.is_relative_to(self.templates_dir) else None


def _css_text(templates_dir: Path) -> str:
    """Text of every stylesheet (generated content such as page labels uses their characters)."""
    return "".join(_read_css(p) for p in sorted(templates_dir.glob("*.css")))


def _read_css(path: Path) -> str:
    stat = path.stat()
    return _read_css_cached(path, stat.st_mtime_ns, stat.st_size)


@cache
def _read_css_cached(path: Path, _mtime: int, _size: int) -> str:
    return path.read_text(encoding="utf-8")


_renderers: dict[Path, Renderer] = {}


def get_renderer(templates_dir: Path | None = None) -> Renderer:
    """The process-wide renderer for ``templates_dir`` (default: the configured templates folder)."""
    if templates_dir is None:
        from crm.config import get_settings

        templates_dir = get_settings().templates_dir
    key = templates_dir.resolve()
    if key not in _renderers:
        _renderers[key] = Renderer(key, SubsetCache())
    return _renderers[key]


def render_pdf(context: Mapping[str, Any], *, templates_dir: Path | None = None) -> bytes:
    """Render a pack context (from ``build_context``) into PDF bytes."""
    return get_renderer(templates_dir).render_pdf(context)


def render_pack(context: Mapping[str, Any], *, templates_dir: Path | None = None) -> tuple[bytes, int]:
    """Render a pack context into (PDF bytes, page count)."""
    return get_renderer(templates_dir).render_pack(context)
