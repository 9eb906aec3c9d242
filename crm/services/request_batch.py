"""Making many request workbooks: verdicts evaluated from aggregates loaded in bulk, then the workbooks.

Loading one enterprise at a time costs ~10 ms of queries each; ``verdicts_of`` loads a chunk of enterprises
in one query per table and evaluates them with the officers' settlements, exactly as
``crm.services.matching.match`` does for one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from crm import facts as facts_mod
from crm.db import session_scope
from crm.intake.request_book import Book, write_book
from crm.rules import Settlement, Verdict, evaluate_all, loader
from crm.store import matches as match_store
from crm.store.facts import load_aggregates

CHUNK = 200  # enterprises loaded per round of queries


def verdicts_of(ids: Sequence[int], on: date) -> Iterator[tuple[int, Any, list[Verdict]]]:
    """(enterprise id, aggregate, verdicts) for each live enterprise of ``ids``, in id order; nothing stored."""
    policies = loader.current().in_force(on)
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        with session_scope() as session:
            aggregates = load_aggregates(session, ids=chunk)
            settled = _settlements(match_store.settlements(session=session), set(chunk))
            session.expunge_all()
        for agg in aggregates:
            eid = agg.enterprise.id
            facts = facts_mod.derive(agg, on)
            yield eid, agg, evaluate_all(policies, facts, on, settled=settled.get(eid, {}))


def _settlements(rows: Sequence[Any], ids: set[int]) -> dict[int, dict[str, dict[str, Settlement]]]:
    """Standing settlements by enterprise, policy and condition (rows oldest first: the newest wins)."""
    latest = {(r.enterprise_id, r.policy_id, r.condition_id): r for r in rows if r.enterprise_id in ids}
    out: dict[int, dict[str, dict[str, Settlement]]] = {}
    for (eid, policy_id, cid), r in latest.items():
        if r.met is not None:
            out.setdefault(eid, {}).setdefault(policy_id, {})[cid] = Settlement(
                r.met, r.officer, r.at, r.note
            )
    return out


def write_books(
    jobs: Sequence[tuple[Book, Path]], key: bytes, *, progress: Callable[[int], None] | None = None
) -> None:
    """Write each ``Book`` to its path, signed with ``key``; a file that exists is whole (written aside, renamed).

    In-process on purpose: a workbook costs ~20 ms of CPU, and two spawned writer processes measured slower
    than one on a busy two-core machine (their imports cost more than they saved).
    """
    for book, path in jobs:
        part = path.with_name(path.name + ".part")
        part.write_bytes(write_book(book, key))
        part.replace(path)
        if progress:
            progress(1)
