"""Pinyin of names, character by character (cached), fast enough for 100,000 names.

Each character gets its most common reading; phrase-level readings (银行 hang) are not attempted
because a search key must be stable and cheap, and officers type the common reading.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=65536)
def _char(ch: str) -> tuple[str, str]:
    if not ("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"):
        return ch, ch
    full = lazy_pinyin(ch, style=Style.NORMAL, errors="ignore")
    text = full[0] if full else ""
    return text, text[:1]


def to_pinyin(text: str) -> tuple[str, str]:
    """(全拼, 首字母) of a name, lower case without separators: '上海体育' -> ('shanghaitiyu', 'shty')."""
    parts = [_char(ch) for ch in unicodedata.normalize("NFKC", text).lower() if not ch.isspace()]
    return "".join(p[0] for p in parts), "".join(p[1] for p in parts)
