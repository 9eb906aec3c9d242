"""CJK fonts for packs: Noto Sans/Serif SC from the ``pylopdf-fonts-zh-cn`` wheel, cut per document.

A full CJK font has ~30,000 glyphs. WeasyPrint subsets every face it embeds: with HarfBuzz-Subset
(``libharfbuzz-subset0``) when the system has it, otherwise with fontTools, which costs ~2 s per face
per document. We therefore hand WeasyPrint a font already cut to exactly the characters of the
document, cut by HarfBuzz through ``uharfbuzz`` (a PyPI wheel, so no system package is needed) in
~10 ms. When WeasyPrint has no HarfBuzz-Subset of its own, ``embed_as_cut()`` tells the renderer to
embed our cut fonts as they are instead of letting fontTools cut them a second time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import uharfbuzz as hb

# Characters every pack may need that need not appear in its HTML source: CSS generated content
# (page counters, leaders), typographic substitutes, and the ASCII range for numbers and codes.
ALWAYS = "".join(chr(c) for c in range(0x20, 0x7F)) + "\u00a0…—–·•“”‘’、。，：；？！（）《》〔〕【】□■✓％"


@dataclass(frozen=True)
class Face:
    """One font face a template may ask for by its URL under ``fonts/``."""

    family: str
    file_name: str

    @property
    def path(self) -> Path:
        return font_dir() / self.file_name


FACES: dict[str, Face] = {
    "NotoSansSC-Regular.otf": Face("Noto Sans SC", "NotoSansSC-Regular.otf"),
    "NotoSerifSC-Regular.otf": Face("Noto Serif SC", "NotoSerifSC-Regular.otf"),
}


@cache
def font_dir() -> Path:
    """Folder of the shipped Noto SC font files (inside the ``pylopdf_fonts_zh_cn`` package)."""
    import pylopdf_fonts_zh_cn

    return Path(pylopdf_fonts_zh_cn.__file__).parent


def fonts_status() -> dict[str, Any]:
    """What ``huiqi doctor`` reports about pack fonts: files present, subsetter in use."""
    return {
        "font_dir": str(font_dir()),
        "faces": {name: face.path.is_file() for name, face in FACES.items()},
        "subsetter": f"uharfbuzz {hb.__version__}",
        "weasyprint_subsetter": "harfbuzz"
        if not embed_as_cut()
        else "none (fonts embedded as cut; files ~2x larger)",
    }


def embed_as_cut() -> bool:
    """True when WeasyPrint lacks HarfBuzz-Subset: embed our cut fonts whole rather than let fontTools re-cut them."""
    from weasyprint.pdf import fonts as weasy_fonts

    # The same test WeasyPrint makes before it falls back to fontTools (weasyprint/pdf/fonts.py).
    return not (weasy_fonts.harfbuzz_subset and weasy_fonts.harfbuzz.hb_version_atleast(4, 1, 0))


def missing_characters(text: str, face_name: str = "NotoSansSC-Regular.otf") -> set[str]:
    """Characters of ``text`` the face cannot draw (would print as tofu or fall back)."""
    cmap = _cmap(face_name)
    return {ch for ch in set(text) if ord(ch) not in cmap and not ch.isspace()}


@cache
def _cmap(face_name: str) -> frozenset[int]:
    return frozenset(_hb_face(FACES[face_name].path).unicodes)


class SubsetCache:
    """Subset font bytes per (face, character set), in memory (LRU): re-rendering a pack reuses its cut."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._memory: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, face_name: str, text: str) -> bytes:
        """The face cut to the characters of ``text`` plus ``ALWAYS``."""
        chars = "".join(sorted(set(text) | set(ALWAYS)))
        key = (face_name, chars)
        with self._lock:
            if key in self._memory:
                self._memory.move_to_end(key)
                return self._memory[key]
        data = subset(FACES[face_name].path, chars)
        with self._lock:
            self._memory[key] = data
            while len(self._memory) > self.size:
                self._memory.popitem(last=False)
        return data


_faces: dict[Path, Any] = {}
_faces_lock = threading.Lock()


def _hb_face(path: Path) -> Any:
    """The HarfBuzz face of a font file, loaded once per process."""
    with _faces_lock:
        if path not in _faces:
            _faces[path] = hb.Face(hb.Blob.from_file_path(str(path)))
        return _faces[path]


def subset(path: Path, chars: str) -> bytes:
    """The font at ``path`` cut to ``chars``, without hinting, with a visible .notdef box for anything missing."""
    subset_input = hb.SubsetInput()
    for ch in chars:
        subset_input.unicode_set.add(ord(ch))
    subset_input.flags = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NOTDEF_OUTLINE
    face = hb.subset(_hb_face(path), subset_input)
    if face is None:
        raise RuntimeError(f"HarfBuzz could not subset {path.name}")
    return bytes(face.blob.data)
