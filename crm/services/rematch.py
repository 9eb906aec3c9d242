"""Re-match every live enterprise: facts as columns, one batch evaluation, and only the changed verdicts
written back.

1. read: every fact as numpy columns (``crm.store.fact_inputs`` + ``crm.facts.table``), the officers'
   settlements, and the stored fingerprints summed per enterprise;
2. evaluate: ``crm.rules.evaluate_batch`` once, and each verdict's fingerprint (``crm.rules.digest``);
3. compare: an enterprise whose sum of fingerprints equals the stored one is unchanged (nothing read, nothing
   written); for the others the stored rows are read and compared one by one;
4. write: the changed verdicts in one upsert, the obsolete ones deleted, the differences (newly eligible, no
   longer eligible, pack out of date) in the same transaction. A verdict an officer stored after step 1 began
   is left alone (``crm.store.rematch``).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from crm import facts as facts_mod
from crm.auth import require
from crm.db import session_scope
from crm.facts import table
from crm.rules import OUTCOMES, BatchVerdicts, evaluate_batch, loader
from crm.rules.digest import digests
from crm.rules.model import MET, NOT_MET, UNKNOWN, Policy
from crm.store import Session, matches
from crm.store import rematch as store
from crm.store.fact_inputs import load_fact_inputs

Progress = Callable[[str, float], None]
STEPS = {
    "read": "读取企业数据 (reading)",
    "evaluate": "按政策评估 (evaluating)",
    "compare": "比对已存结果 (comparing)",
    "write": "写入变化 (writing changes)",
    "done": "完成 (done)",
}
KIND_ZH = {"newly_eligible": "新符合", "no_longer_eligible": "不再符合", "pack_out_of_date": "服务包需更新"}


@dataclass
class RematchSummary:
    """What a re-match did: enterprises, verdicts by outcome, rows written, the differences, and its times."""

    run_id: str
    on: date
    rules_hash: str
    enterprises: int
    by_outcome: dict[str, int]
    diffs: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    written: int = 0
    deleted: int = 0
    unchanged: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # read, evaluate (the engine), compare, write


def run(*, on: date, progress: Progress | None = None) -> RematchSummary:
    """Re-match every live enterprise as of ``on``."""
    require("write")
    report = progress or (lambda step, share: None)
    ruleset = loader.current()
    policies = ruleset.in_force(on)
    clock = _Clock()
    started = datetime.now(UTC)
    report("read", 0.0)
    with session_scope() as session:
        ids, cols = fact_table(session, on)
        settled = settled_columns(session, ids, policies)
        stored = store.digest_sums(session=session)
        packs = store.enterprises_with_packs(session=session)
    clock.lap("read")
    report("evaluate", 0.3)
    batch = evaluate_batch(policies, cols, on, settled=settled)
    clock.lap("evaluate")
    report("compare", 0.5)
    registered = _registered_years(cols, len(ids))
    fingerprints = (
        np.column_stack([digests(v, on.year, registered) for v in batch.values()]) if batch else None
    )
    differ = _differing(ids, fingerprints, stored, len(batch))
    summary = RematchSummary(uuid.uuid4().hex[:12], on, ruleset.hash, len(ids), _by_outcome(batch))
    summary.unchanged = len(ids) - len(differ)
    clock.lap("compare")
    if len(differ):
        report("write", 0.6)
        with session_scope() as session:
            changes = _Changes(summary, batch, ids, differ, fingerprints, registered, packs)
            changes.collect(store.stored_rows(session=session, enterprise_ids=ids[differ].tolist()), started)
            store.write_changes(
                session=session,
                upserts=changes.upserts,
                deletes=changes.deletes,
                diffs=summary.diffs,
                read_at=started,
            )
        summary.written, summary.deleted = len(changes.upserts), len(changes.deletes)
    clock.lap("write")
    report("done", 1.0)
    summary.timings, summary.seconds = clock.laps, clock.total()
    return summary


def summary_text(s: RematchSummary) -> str:
    """The summary an officer reads after a re-match (CLI; the UI shows the same figures)."""
    kinds = {k: sum(d["kind"] == k for d in s.diffs) for k in KIND_ZH}
    changes = "，".join(f"{KIND_ZH[k]} {n} 项" for k, n in kinds.items() if n) or "无资格变化"
    times = "，".join(f"{STEPS[k].split(' ')[0]} {v:.2f} 秒" for k, v in s.timings.items() if k in STEPS)
    return (
        f"{s.on} 重新匹配 {s.enterprises} 家企业，用时 {s.seconds:.2f} 秒（{times}）；\n"
        f"写入 {s.written} 条变化的结果，删除 {s.deleted} 条，{s.unchanged} 家企业结果未变；{changes}。"
    )


def fact_table(session: Session, on: date) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Every live enterprise's facts as of ``on`` as columns, read with a few set-based queries."""
    raw = load_fact_inputs(
        session=session,
        enterprise_fields=table.ENTERPRISE_FIELDS,
        code_fields=table.CODE_FIELDS,
        fiscal=table.fiscal_fields(on),
    )
    return table.derive_table(raw, on)


def settled_columns(
    session: Session, ids: np.ndarray, policies: tuple[Policy, ...]
) -> dict[str, dict[str, np.ndarray]]:
    """The officers' standing settlements as MET/NOT_MET/UNKNOWN codes per enterprise (newest wins)."""
    position = {int(e): i for i, e in enumerate(ids)}
    out: dict[str, dict[str, np.ndarray]] = {}
    for r in matches.settlements(session=session):
        if r.enterprise_id not in position:
            continue
        column = out.setdefault(r.policy_id, {}).setdefault(
            r.condition_id, np.full(len(ids), UNKNOWN, np.int8)
        )
        column[position[r.enterprise_id]] = UNKNOWN if r.met is None else MET if r.met else NOT_MET
    return out


def _registered_years(cols: dict[str, np.ndarray], n: int) -> np.ndarray:
    reg = cols.get("registration_date")
    if reg is None:
        return np.full(n, np.nan)
    return np.array([np.nan if d != d else float(date.fromordinal(int(d)).year) for d in reg.tolist()])


def _differing(
    ids: np.ndarray, fingerprints: np.ndarray | None, stored: tuple[np.ndarray, ...], policies: int
) -> np.ndarray:
    """Positions of the enterprises whose stored verdicts may differ from the new ones."""
    stored_ids, sums, with_digest, rows = stored
    if fingerprints is None or not len(stored_ids):
        return np.arange(len(ids)) if policies or len(stored_ids) else np.zeros(0, np.int64)
    at = np.minimum(np.searchsorted(stored_ids, ids), len(stored_ids) - 1)
    found = stored_ids[at] == ids
    same = (
        found
        & (sums[at] == fingerprints.sum(axis=1))
        & (with_digest[at] == policies)
        & (rows[at] == policies)
    )
    return np.flatnonzero(~same)


def _by_outcome(batch: dict[str, BatchVerdicts]) -> dict[str, int]:
    counts = np.zeros(len(OUTCOMES), np.int64)
    for verdicts in batch.values():
        counts += np.bincount(verdicts.outcome, minlength=len(OUTCOMES))
    return {o: int(c) for o, c in zip(OUTCOMES, counts.tolist(), strict=True) if c}


class _Changes:
    """The rows to upsert and delete, and the differences, for the enterprises whose fingerprints differ."""

    def __init__(
        self,
        summary: RematchSummary,
        batch: dict[str, BatchVerdicts],
        ids: np.ndarray,
        differ: np.ndarray,
        fingerprints: np.ndarray | None,
        registered: np.ndarray,
        packs: set[int],
    ) -> None:
        self.summary, self.batch, self.ids, self.differ = summary, batch, ids, differ
        self.fingerprints, self.registered, self.packs = fingerprints, registered, packs
        self.upserts: list[dict[str, Any]] = []
        self.deletes: list[tuple[int, str]] = []
        self._collect_text: dict[tuple[tuple[str, ...], float], str | None] = {}

    def collect(self, old: dict[tuple[int, str], tuple[int | None, str]], started: datetime) -> None:
        changed_outcome: set[int] = set()
        in_force = set(self.batch)
        for (eid, pid), _ in old.items():
            if pid not in in_force:
                self.deletes.append((eid, pid))
        for k, (pid, verdicts) in enumerate(self.batch.items()):
            assert self.fingerprints is not None
            rows = [
                i
                for i in self.differ.tolist()
                if old.get((int(self.ids[i]), pid), (None, ""))[0] != int(self.fingerprints[i, k])
            ]
            for row in self._rows(pid, verdicts, rows, k, started):
                self.upserts.append(row)
                before = old.get((row["enterprise_id"], pid), (None, None))[1]
                if before != row["outcome"]:
                    changed_outcome.add(row["enterprise_id"])
                kind = matches.diff_kind(before, row["outcome"])
                if kind:
                    self._diff(row["enterprise_id"], pid, kind, before, row["outcome"])
        for eid in sorted(changed_outcome & self.packs):
            self._diff(eid, None, "pack_out_of_date", None, None)

    def _diff(self, eid: int, pid: str | None, kind: str, old: str | None, new: str | None) -> None:
        self.summary.diffs.append(
            {
                "run_id": self.summary.run_id,
                "enterprise_id": eid,
                "policy_id": pid,
                "kind": kind,
                "old_outcome": old,
                "new_outcome": new,
                "rules_hash": self.summary.rules_hash,
            }
        )

    def _rows(
        self, pid: str, v: BatchVerdicts, rows: list[int], k: int, started: datetime
    ) -> list[dict[str, Any]]:
        idx = np.array(rows, dtype=np.int64)
        names = v.outcome_names()[idx].tolist()
        gaps = _gap_lists(v, idx)
        pending = _names(v.pending, idx, sorted(v.pending))
        collect = _names(v.to_collect, idx, list(v.to_collect))  # the order the conditions ask for them
        low = [None] * len(rows) if v.value_low is None else v.value_low[idx].tolist()
        high = [None] * len(rows) if v.value_high is None else v.value_high[idx].tolist()
        years = self.registered[idx].tolist()
        assert self.fingerprints is not None
        digest = self.fingerprints[idx, k].tolist()
        on, rules_hash, now = self.summary.on, self.summary.rules_hash, datetime.now(UTC)
        return [
            {
                "enterprise_id": int(self.ids[i]),
                "policy_id": pid,
                "outcome": names[j],
                "rank": 0,
                "as_of": on,
                "rules_hash": rules_hash,
                "read_at": started,
                "computed_at": now,
                "gaps": gaps[j],
                "to_collect": self._text(collect[j], years[j]),
                "pending": list(pending[j]),
                **matches.value_columns(_number(low[j]), _number(high[j])),
                "digest": digest[j],
            }
            for j, i in enumerate(rows)
        ]

    def _text(self, facts: tuple[str, ...], year: float) -> str | None:
        key = (facts, year)
        if key not in self._collect_text:
            registered = None if year != year else date(int(year), 1, 1)
            items = facts_mod.collect_items(list(facts), self.summary.on, registered=registered)
            self._collect_text[key] = "、".join(items) or None
        return self._collect_text[key]


def _names(flags: dict[str, np.ndarray], idx: np.ndarray, ordered: list[str]) -> list[tuple[str, ...]]:
    """Per row, the names whose flag is set, in ``ordered`` order (many rows at once)."""
    codes = np.zeros(len(idx), dtype=object if len(ordered) > 62 else np.int64)
    for bit, name in enumerate(ordered):
        codes = codes + np.where(flags[name][idx], 1 << bit, 0)
    uniq, inverse = np.unique(codes, return_inverse=True)
    decoded = [
        tuple(name for bit, name in enumerate(ordered) if int(code) >> bit & 1) for code in uniq.tolist()
    ]
    return [decoded[k] for k in inverse.reshape(-1).tolist()]


def _gap_lists(v: BatchVerdicts, idx: np.ndarray) -> list[list[dict[str, Any]]]:
    out: list[list[dict[str, Any]]] = [[] for _ in range(len(idx))]
    for c, shortfall in v.gaps.items():
        values, near = shortfall[idx].tolist(), v.near[c][idx].tolist()
        for j, s in enumerate(values):
            if s == s:
                out[j].append({"condition": c, "shortfall": s, "near": bool(near[j])})
    return out


def _number(x: float | None) -> float | None:
    return None if x is None or x != x else x


class _Clock:
    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name], self.last = now - self.last, now

    def total(self) -> float:
        return time.perf_counter() - self.start
