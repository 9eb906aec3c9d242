"""CJK fonts for packs: Noto Sans/Serif SC from the ``pylopdf-fonts-zh-cn`` wheel, cut per document.

A full CJK font has ~30,000 glyphs. WeasyPrint subsets every face it embeds, and on a machine without
HarfBuzz-Subset it does so with fontTools, which costs seconds per face per document. We therefore hand
WeasyPrint a font already cut to exactly the characters of the document: HarfBuzz-Subset does that in
~20 ms; the fontTools fallback is slower, so its results are cached on disk by character set.
"""

from __future__ import annotations

import ctypes.util
import hashlib
import io
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

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
        "subsetter": "harfbuzz" if _hb() is not None else "fonttools (slow; install libharfbuzz-subset0)",
    }


def missing_characters(text: str, face_name: str = "NotoSansSC-Regular.otf") -> set[str]:
    """Characters of ``text`` the face cannot draw (would print as tofu or fall back)."""
    cmap = _cmap(face_name)
    return {ch for ch in set(text) if ord(ch) not in cmap and not ch.isspace()}


@cache
def _cmap(face_name: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(FACES[face_name].path, lazy=True) as font:
        return frozenset(font.getBestCmap())


class SubsetCache:
    """Subset font bytes per (face, character set); in memory (LRU) and, for fontTools, on disk."""

    def __init__(self, disk_dir: Path | None = None, size: int = 32) -> None:
        self.disk_dir = disk_dir
        self.size = size
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, face_name: str, text: str) -> bytes:
        """The face cut to the characters of ``text`` plus ``ALWAYS``."""
        chars = "".join(sorted(set(text) | set(ALWAYS)))
        key = hashlib.sha256(f"{face_name}\0{chars}".encode()).hexdigest()[:32]
        with self._lock:
            if key in self._memory:
                self._memory.move_to_end(key)
                return self._memory[key]
        data = self._load_or_make(face_name, chars, key)
        with self._lock:
            self._memory[key] = data
            while len(self._memory) > self.size:
                self._memory.popitem(last=False)
        return data

    def _load_or_make(self, face_name: str, chars: str, key: str) -> bytes:
        if _hb() is not None:
            return _hb_subset(FACES[face_name].path, chars)
        disk = self.disk_dir / f"{key}.otf" if self.disk_dir else None
        if disk is not None and disk.is_file():
            return disk.read_bytes()
        data = _fonttools_subset(FACES[face_name].path, chars)
        if disk is not None:
            disk.parent.mkdir(parents=True, exist_ok=True)
            tmp = disk.with_suffix(".tmp")
            tmp.write_bytes(data)
            tmp.replace(disk)
        return data


def _fonttools_subset(path: Path, chars: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options(layout_features=["*"], name_IDs=["*"], notdef_outline=True, hinting=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    with TTFont(path, lazy=True) as font:
        subsetter.subset(font)
        out = io.BytesIO()
        font.save(out)
    return out.getvalue()


# --- HarfBuzz-Subset through cffi (the library WeasyPrint itself uses when present) -------------

_HB_CDEF = """
typedef struct hb_blob_t hb_blob_t; typedef struct hb_face_t hb_face_t; typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
hb_blob_t *hb_blob_create_from_file_or_fail(const char *file_name);
hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
hb_blob_t *hb_face_reference_blob(hb_face_t *face);
const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
void hb_blob_destroy(hb_blob_t *blob);
void hb_face_destroy(hb_face_t *face);
void hb_set_add(hb_set_t *set, unsigned int codepoint);
hb_subset_input_t *hb_subset_input_create_or_fail(void);
hb_set_t *hb_subset_input_unicode_set(hb_subset_input_t *input);
void hb_subset_input_destroy(hb_subset_input_t *input);
hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
"""


@cache
def _hb() -> Any | None:
    """(ffi, libharfbuzz, libharfbuzz-subset), or None when HarfBuzz-Subset is not installed."""
    from cffi import FFI

    ffi = FFI()
    ffi.cdef(_HB_CDEF)
    try:
        hb = ffi.dlopen(ctypes.util.find_library("harfbuzz") or "libharfbuzz.so.0")
        hbs = ffi.dlopen(ctypes.util.find_library("harfbuzz-subset") or "libharfbuzz-subset.so.0")
    except OSError:
        return None
    return ffi, hb, hbs


def _hb_loaded() -> Any:
    libs = _hb()
    if libs is None:
        raise RuntimeError("HarfBuzz-Subset is not installed (Debian: libharfbuzz-subset0)")
    return libs


_faces: dict[Path, Any] = {}
_faces_lock = threading.Lock()


def _hb_face(path: Path) -> Any:
    ffi, hb, _ = _hb_loaded()
    with _faces_lock:
        if path not in _faces:
            blob = hb.hb_blob_create_from_file_or_fail(str(path).encode())
            if blob == ffi.NULL:
                raise OSError(f"cannot read font file {path}")
            _faces[path] = hb.hb_face_create(blob, 0)  # lives as long as the process
        return _faces[path]


def _hb_subset(path: Path, chars: str) -> bytes:
    ffi, hb, hbs = _hb_loaded()
    face = _hb_face(path)
    subset_input = hbs.hb_subset_input_create_or_fail()
    try:
        unicodes = hbs.hb_subset_input_unicode_set(subset_input)
        for ch in chars:
            hb.hb_set_add(unicodes, ord(ch))
        subset_face = hbs.hb_subset_or_fail(face, subset_input)
    finally:
        hbs.hb_subset_input_destroy(subset_input)
    if subset_face == ffi.NULL:
        return _fonttools_subset(path, chars)
    blob = hb.hb_face_reference_blob(subset_face)
    try:
        length = ffi.new("unsigned int *")
        data = hb.hb_blob_get_data(blob, length)
        return bytes(ffi.buffer(data, length[0]))
    finally:
        hb.hb_blob_destroy(blob)
        hb.hb_face_destroy(subset_face)
