"""Suspected duplicates: the same USCC, or names that are the same once the legal boilerplate is gone.

Names are normalised (full/half width, brackets, 上海/（上海）/有限公司/股份/集团/分公司 dropped) and then
compared with rapidfuzz. A whole-table scan does not compare every pair: it sorts the names several ways
(as written, reversed, by pinyin initials) and compares each name with its neighbours in each order
(sorted-neighbourhood blocking), scoring the pairs in bulk with ``process.cpdist``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Prefix

from crm.intake.pinyin import to_pinyin

# longest first, so 有限责任公司 goes before 有限公司 and 公司
_BOILERPLATE = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "分公司",
    "集团",
    "股份",
    "总公司",
    "公司",
    "中国",
    "上海市",
    "上海",
    "杨浦区",
    "杨浦",
)
_BOILER_RE = re.compile("|".join(map(re.escape, _BOILERPLATE)))
_BRACKETS = re.compile(r"[()\[\]{}<>（）【】〔〕《》「」『』\"'“”‘’·・.,，。、\s\-—_]")
# words that say what a firm does, not who it is; longest first
_TRADE = sorted(
    (
        "体育",
        "发展",
        "科技",
        "文化",
        "传媒",
        "健身",
        "管理",
        "运动",
        "赛事",
        "运营",
        "用品",
        "俱乐部",
        "篮球",
        "足球",
        "网球",
        "羽毛球",
        "乒乓球",
        "培训",
        "游泳",
        "电竞",
        "户外",
        "冰雪",
        "信息",
        "技术",
        "咨询",
        "服务",
        "贸易",
        "实业",
        "投资",
        "教育",
        "健康",
        "产业",
        "经纪",
        "会展",
        "广告",
        "设计",
        "场馆",
    ),
    key=len,
    reverse=True,
)
_TRADE_RE = re.compile("|".join(_TRADE))
DEFAULT_THRESHOLD = 88
WINDOW = 12
# an incoming name only needs its nearest existing neighbours, not every pair among the existing ones
IMPORT_WINDOW = 6


def normalize_name(name: str) -> str:
    """The comparable core of a company name: '上海力动体育（集团）有限公司' -> '力动体育'."""
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = _BRACKETS.sub("", text)
    core = _BOILER_RE.sub("", text)
    return core or text


def name_score(a: str, b: str) -> float:
    """Similarity (0-100) of two normalised names; a name that starts with the other scores high too."""
    if not a or not b:
        return 0.0
    score = fuzz.ratio(a, b)
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 3 and long_.startswith(short):
        score = max(score, 90.0)
    return float(score)


@dataclass(frozen=True)
class Pair:
    """Two records that look like one enterprise: indices into the scanned lists, score and reason."""

    a: int
    b: int
    score: float
    reason: str  # uscc | name


def scan(
    names: Sequence[str],
    usccs: Sequence[str | None] = (),
    *,
    threshold: float = DEFAULT_THRESHOLD,
    window: int = WINDOW,
    workers: int = -1,
) -> list[Pair]:
    """Suspected duplicate pairs among ``names`` (same USCC, or similar normalised names), best first."""
    norm = [normalize_name(n) for n in names]
    pairs: dict[tuple[int, int], Pair] = {}
    for a, b in _same_value_pairs(usccs):
        pairs[(a, b)] = Pair(a, b, 100.0, "uscc")
    for a, b, score in _neighbour_pairs(norm, threshold, window, workers):
        pairs.setdefault((a, b), Pair(a, b, score, "name"))
    return sorted(pairs.values(), key=lambda p: (-p.score, p.a, p.b))


def cross_scan(
    new_names: Sequence[str],
    old_names: Sequence[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    window: int = IMPORT_WINDOW,
    workers: int = -1,
) -> dict[int, list[tuple[int, float]]]:
    """For each new name (by index), the old names (by index, with score) it probably duplicates."""
    names = list(new_names) + list(old_names)
    n_new = len(new_names)
    norm = [normalize_name(n) for n in names]
    found: dict[int, list[tuple[int, float]]] = {}
    for a, b, score in _neighbour_pairs(norm, threshold, window, workers):
        if a < n_new <= b:
            found.setdefault(a, []).append((b - n_new, score))
    for hits in found.values():
        hits.sort(key=lambda h: -h[1])
    return found


def _same_value_pairs(values: Sequence[str | None]) -> list[tuple[int, int]]:
    groups: dict[str, list[int]] = {}
    for i, v in enumerate(values):
        if v:
            groups.setdefault(v, []).append(i)
    return [(g[i], g[j]) for g in groups.values() for i in range(len(g)) for j in range(i + 1, len(g))]


def _neighbour_pairs(
    norm: list[str], threshold: float, window: int, workers: int
) -> list[tuple[int, int, float]]:
    n = len(norm)
    if n < 2:
        return []
    arr = np.array(norm, dtype=object)
    # sorted by pinyin, homophone typos (力动/立动) become neighbours; equal pinyin scores 90
    sound = np.array([to_pinyin(s)[0] for s in norm], dtype=object)
    orders = [
        np.argsort(arr, kind="stable"),
        np.argsort(np.array([s[::-1] for s in norm], dtype=object)),
        np.argsort(sound, kind="stable"),
    ]
    seen: dict[tuple[int, int], float] = {}
    lengths = np.fromiter((len(s) for s in norm), dtype=np.int32, count=n)
    for pass_no, order in enumerate(orders):
        ordered = [norm[i] for i in order]  # sliced per offset below: cheaper than fancy indexing each time
        sounds = sound[order] if pass_no == 2 else None
        for d in range(1, min(window, n - 1) + 1):
            left, right = order[:-d], order[d:]
            scores = process.cpdist(ordered[:-d], ordered[d:], scorer=fuzz.ratio, workers=workers)
            scores = _with_prefix_rule(scores, arr, left, right, lengths, threshold, workers)
            if sounds is not None:  # equal pinyin only meet as neighbours in the pinyin order
                homophones = (sounds[:-d] == sounds[d:]) & (lengths[left] >= 2)
                scores[homophones] = np.maximum(scores[homophones], 90.0)
            for k in np.nonzero(scores >= threshold)[0]:
                a, b = sorted((int(left[k]), int(right[k])))
                if (a, b) not in seen:
                    seen[(a, b)] = float(scores[k]) if same_brand(norm[a], norm[b]) else 0.0
    return [(a, b, s) for (a, b), s in seen.items() if s]


def brand(core: str) -> str:
    """The distinctive part of a normalised name: trade words dropped ('佳越文化传媒' -> '佳越')."""
    return _TRADE_RE.sub("", core) or core


def same_brand(a: str, b: str) -> bool:
    """Do two names share their brand? '佳越文化传媒' and '源越文化传媒' differ only where it matters;
    '力动体育' and '立动体育' sound the same (pinyin), which is how such typos arise."""
    x, y = brand(a), brand(b)
    if (
        x == y
        or fuzz.ratio(x, y) >= 75
        or (min(len(x), len(y)) >= 3 and (x.startswith(y) or y.startswith(x)))
    ):
        return True
    return _sound(x) == _sound(y)


@lru_cache(maxsize=262144)
def _sound(text: str) -> str:
    return to_pinyin(text)[0]


def _with_prefix_rule(
    scores: np.ndarray,
    arr: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    lengths: np.ndarray,
    threshold: float,
    workers: int,
) -> np.ndarray:
    """``name_score`` in bulk: ratio alone misses '力动体育' vs '力动体育科技'; a name that starts with
    the other (3+ characters) scores 90."""
    scores = np.array(scores, dtype=np.float64)
    band = np.nonzero((scores >= 50) & (scores < threshold))[0]
    if len(band) == 0:
        return scores
    common = process.cpdist(
        arr[left[band]].tolist(), arr[right[band]].tolist(), scorer=Prefix.similarity, workers=workers
    )
    shorter = np.minimum(lengths[left[band]], lengths[right[band]])
    hit = band[(common == shorter) & (shorter >= 3)]
    scores[hit] = np.maximum(scores[hit], 90.0)
    return scores
