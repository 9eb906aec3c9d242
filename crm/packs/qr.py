"""QR codes for the 'where to apply' blocks: a policy's URL as a small SVG, drawn by segno (pure Python)."""

from __future__ import annotations

import io
import re
from functools import lru_cache

_NAME = re.compile(r"([0-9a-f]{2})+\.svg")


def qr_name(url: str) -> str:
    """The file name the pack template asks the fetcher for: ``<hex of the URL>.svg``."""
    return url.encode().hex() + ".svg"


@lru_cache(maxsize=64)
def qr_svg(name: str) -> bytes:
    """The SVG of ``<hex of an http(s) URL>.svg``; ValueError for any other name (the fetcher refuses it)."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"不是二维码文件名: {name}")
    url = bytes.fromhex(name[: -len(".svg")]).decode("utf-8", errors="strict")
    if not re.match(r"https?://", url):
        raise ValueError(f"二维码只用于网址: {url}")
    import segno

    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        out, kind="svg", border=1, xmldecl=False, svgclass=None, lineclass=None
    )
    return out.getvalue()
