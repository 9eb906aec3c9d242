"""PDF policy service packs (惠企政策服务包): plain context -> Jinja2 -> WeasyPrint -> PDF bytes."""

from crm.packs.context import build_context
from crm.packs.render import PackRenderError, Renderer, get_renderer, render_pack, render_pdf

__all__ = ["PackRenderError", "Renderer", "build_context", "get_renderer", "render_pack", "render_pdf"]
