"""PDF policy service packs (惠企政策服务包): plain context -> Jinja2 -> WeasyPrint -> PDF bytes.

context (verdicts and records already turned into primitives -> the template's context) ; filters (money,
dates, percentages for the templates) ; fonts (CJK faces cut to each document's characters) ; render (one
sandboxed Jinja2 environment, one WeasyPrint call with a fetcher restricted to templates/) ; sample.
May import crm.domain, crm.errors and crm.i18n only: never the database, the store or the rules engine.
"""

from crm.packs.context import build_context
from crm.packs.render import PackRenderError, Renderer, get_renderer, render_pack, render_pdf

__all__ = ["PackRenderError", "Renderer", "build_context", "get_renderer", "render_pack", "render_pdf"]
