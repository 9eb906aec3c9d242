"""In-memory search over enterprises: names, pinyin (全拼 and initials), USCC, former names, contacts.

Exact and substring hits come from one joined string per field (``str.find`` runs in C); typos are
caught by a character-bigram prefilter that picks a few hundred candidates for rapidfuzz. Scores are
0-100; an enterprise keeps its best hit and says which field matched.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from crm.intake.pinyin import to_pinyin

MAX_SUBSTRING_HITS = 3000
FUZZY_CANDIDATES = 150
SEP = "\x00"

# field -> (Chinese label shown as "matched on", score of a prefix hit, score of an inner hit)
FIELDS: dict[str, tuple[str, float, float]] = {
    "name": ("企业名称", 96.0, 90.0),
    "former": ("曾用名", 88.0, 84.0),
    "initials": ("拼音首字母", 92.0, 80.0),
    "pinyin": ("全拼", 92.0, 82.0),
    "uscc": ("统一社会信用代码", 97.0, 0.0),
    "contact": ("联系人", 90.0, 78.0),
    "phone": ("联系电话", 95.0, 88.0),
}


@dataclass(frozen=True)
class Record:
    """What the index needs of one enterprise."""

    id: int
    name: str
    uscc: str | None = None
    former_names: tuple[str, ...] = ()
    contact_names: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    """One ranked result."""

    enterprise_id: int
    name: str
    matched_on: str
    score: float


def fold(text: str) -> str:
    """Query/key folding: NFKC (full-width to half-width), lower case, no spaces or brackets."""
    text = unicodedata.normalize("NFKC", text).lower()
    # control characters go too: SEP (NUL) inside a query or key would break the joined-key index
    return re.sub(r"[\s()（）\[\]【】\-\x00-\x1f\x7f]", "", text)


class _Field:
    """All keys of one field joined into one string, with the owning record of each key."""

    def __init__(self, keys: list[str], owners: list[int]):
        self.keys = keys
        self.owners = owners
        # every key without its first character: a hit in here is an inner (not prefix) hit
        self.tails = SEP + SEP.join(k[1:] for k in keys) + SEP
        starts, pos = [], 1
        for k in keys:
            starts.append(pos)
            pos += len(k)
        self.tail_starts = starts
        self.order = np.array(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.int64)
        self.sorted_keys = [keys[k] for k in self.order]
        self.sorted_lengths = np.array([len(k) for k in self.sorted_keys], dtype=np.int32)

    def prefixed(self, q: str, keep: int) -> list[int]:
        """Keys starting with ``q``: a range of the sorted keys; of a big range only the ``keep`` shortest."""
        lo = bisect.bisect_left(self.sorted_keys, q)
        hi = bisect.bisect_left(self.sorted_keys, q + "\uffff")
        if hi - lo > keep:
            picked = lo + np.argpartition(self.sorted_lengths[lo:hi], keep)[:keep]
            return [int(k) for k in self.order[picked]]
        return [int(k) for k in self.order[lo:hi]]

    def inside(self, q: str, limit: int) -> Iterable[int]:
        """Keys containing ``q`` after their first character, at most ``limit`` (C-speed ``str.find``)."""
        blob, starts, start, n = self.tails, self.tail_starts, 0, 0
        while n < limit:
            pos = blob.find(q, start)
            if pos < 0:
                return
            k = bisect.bisect_right(starts, pos) - 1
            start = starts[k + 1] if k + 1 < len(starts) else len(blob)  # one hit per key is enough
            yield k
            n += 1


class _Bigrams:
    """Character-bigram postings: candidates for fuzzy scoring."""

    def __init__(self, keys: list[str]):
        postings: dict[str, list[int]] = {}
        for i, key in enumerate(keys):
            for g in {key[j : j + 2] for j in range(len(key) - 1)}:
                postings.setdefault(g, []).append(i)
        self.size = len(keys)
        self.postings = {g: np.asarray(ids, dtype=np.int32) for g, ids in postings.items()}

    def candidates(self, q: str, k: int) -> np.ndarray:
        grams = {q[j : j + 2] for j in range(len(q) - 1)}
        lists = [self.postings[g] for g in grams if g in self.postings]
        rare = [p for p in lists if len(p) <= self.size // 5] or sorted(lists, key=len)[:1]
        if not rare:
            return np.empty(0, dtype=np.int32)
        counts = np.bincount(np.concatenate(rare), minlength=self.size)
        need = max(1, (len(grams) + 2) // 3) if len(rare) > 1 else 1
        hits = np.nonzero(counts >= need)[0]
        if len(hits) > k:
            hits = hits[np.argpartition(-counts[hits], k)[:k]]
        return hits


class SearchIndex:
    """The searchable form of all live enterprises."""

    def __init__(self, records: Iterable[Record]):
        self.records = list(records)
        self.ids = [r.id for r in self.records]
        self.fields: dict[str, _Field] = {}
        per_field: dict[str, tuple[list[str], list[int]]] = {f: ([], []) for f in FIELDS}
        for i, r in enumerate(self.records):
            name = fold(r.name)
            full, initials = to_pinyin(name)
            self._add(
                per_field,
                i,
                name=[name],
                pinyin=[full],
                initials=[initials],
                former=[fold(n) for n in r.former_names],
                uscc=[(r.uscc or "").lower()],
                contact=[fold(n) for n in r.contact_names],
                phone=[re.sub(r"\D", "", p) for p in r.phones],
            )
        for f, (keys, owners) in per_field.items():
            self.fields[f] = _Field(keys, owners)
        self.name_grams = _Bigrams(self.fields["name"].keys)
        self.pinyin_grams = _Bigrams(self.fields["pinyin"].keys)

    @staticmethod
    def _add(per_field: dict[str, tuple[list[str], list[int]]], i: int, **values: list[str]) -> None:
        for f, keys in values.items():
            for key in keys:
                if key:
                    per_field[f][0].append(key)
                    per_field[f][1].append(i)

    def __len__(self) -> int:
        return len(self.records)

    def search(self, text: str, limit: int = 10) -> list[Hit]:
        """The best ``limit`` enterprises for what was typed, best first."""
        q = fold(text)
        if not q:
            return []
        best: dict[int, tuple[float, str]] = {}
        for field in self._fields_for(q):
            self._substring(field, q, best, limit)
        if _is_latin(q) and len(q) >= 4:
            self._fuzzy("pinyin", q, best, weight=0.8)
        elif not _is_code(q) and len(q) >= 2:
            self._fuzzy("name", q, best, weight=0.85)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], len(self.records[kv[0]].name), kv[0]))
        return [
            Hit(self.ids[i], self.records[i].name, FIELDS[f][0], round(s, 1)) for i, (s, f) in ranked[:limit]
        ]

    def _fields_for(self, q: str) -> list[str]:
        if q.isdigit():
            return ["uscc", "phone", "name"]
        if _is_code(q):
            return ["uscc", "name", "initials", "pinyin"]
        if _is_latin(q):
            return ["initials", "pinyin", "name", "contact"]
        return ["name", "former", "contact"]

    def _substring(self, field: str, q: str, best: dict[int, tuple[float, str]], limit: int) -> None:
        index = self.fields[field]
        _, prefix_score, inner_score = FIELDS[field]
        keep = max(limit * 5, 50)
        prefixed = index.prefixed(q, keep)
        hits = [(k, prefix_score) for k in prefixed]
        if inner_score:
            # inner hits rank below prefix hits: when there are plenty of those, a few inner ones suffice
            cap = keep if len(prefixed) >= keep else MAX_SUBSTRING_HITS
            hits += [(k, inner_score) for k in index.inside(q, cap)]
        for k, score in hits:
            key = index.keys[k]
            if key == q:
                score = 100.0 if field != "contact" else 94.0
            score -= min(6.0, (len(key) - len(q)) * 0.2)  # the closer the length, the better
            _keep(best, index.owners[k], score, field)

    def _fuzzy(self, field: str, q: str, best: dict[int, tuple[float, str]], weight: float) -> None:
        grams = self.name_grams if field == "name" else self.pinyin_grams
        index = self.fields[field]
        candidates = grams.candidates(q, FUZZY_CANDIDATES)
        if len(candidates) == 0:
            return
        choices = [index.keys[int(k)] for k in candidates]
        for _, score, pos in process.extract(q, choices, scorer=fuzz.WRatio, limit=20, score_cutoff=70):
            _keep(best, index.owners[int(candidates[pos])], score * weight, field)


def _keep(best: dict[int, tuple[float, str]], owner: int, score: float, field: str) -> None:
    if owner not in best or best[owner][0] < score:
        best[owner] = (score, field)


def _is_latin(q: str) -> bool:
    return q.isascii() and q.isalpha()


def _is_code(q: str) -> bool:
    return q.isascii() and q.isalnum() and any(c.isdigit() for c in q)
