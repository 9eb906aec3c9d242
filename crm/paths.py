"""Paths built from user data (usernames, enterprise names): resolved and checked to stay in their folder.

Imports nothing from crm.
"""

from __future__ import annotations

import re
from pathlib import Path

_UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


def safe_name(text: str, fallback: str = "file") -> str:
    """``text`` as one file-name component: separators and odd characters become '_', no leading dots."""
    name = _UNSAFE.sub("_", text).strip("._")
    return name[:120] or fallback


def inside(root: Path, *parts: str) -> Path:
    """``root / parts`` with each part made a safe name, resolved, and refused if it leaves ``root``."""
    base = root.resolve()
    path = base.joinpath(*(safe_name(p) for p in parts)).resolve()
    if path != base and base not in path.parents:
        raise ValueError(f"{path} is outside {base}")
    return path
