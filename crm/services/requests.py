"""Data requests (企业信息补充表): choose enterprises, make one signed workbook each (and a zip), record a
DataRequest per enterprise, list them (sent / returned / overdue / closed). Returns: ``crm.services.returns``.

What a workbook asks comes from ``crm.services.data_request.facts_to_request`` over the enterprise's fresh
verdicts; the workbook itself is written by ``crm.intake.request_book``.
"""

from __future__ import annotations

import re
import secrets
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from crm.auth import current_principal, require
from crm.config import get_settings, request_key
from crm.db import session_scope
from crm.errors import HuiqiError
from crm.intake.request_book import Book, Row
from crm.models import DataRequest
from crm.packs.context import OFFICE
from crm.paths import inside
from crm.services.data_request import OPEN_OUTCOMES, RequestItem, facts_to_request, fields_to_check, in_unit
from crm.services.request_batch import verdicts_of, write_books
from crm.store import EnterpriseQuery, list_enterprises
from crm.store import officers as officer_store
from crm.store import requests as request_store
from crm.store.match_source import matched

Progress = Callable[[int, int, str], None]  # (done, total, enterprise name)
DEFAULT_DUE_DAYS = 14
STATUS_ZH = {"sent": "待交回", "returned": "已交回", "overdue": "已逾期", "closed": "已完成"}
STATUSES = tuple(STATUS_ZH)


@dataclass
class MadeRequest:
    """One workbook made: its request, the enterprise, the file and how many facts it asks."""

    request_id: int
    enterprise_id: int
    name: str
    path: Path
    asked: int


@dataclass
class MakeResult:
    """A batch of requests: the folder, the zip, what was made, and who was skipped (id, name, reason)."""

    folder: Path
    zip_path: Path | None
    made: list[MadeRequest] = field(default_factory=list)
    skipped: list[tuple[int, str, str]] = field(default_factory=list)


def select_enterprises(
    *,
    streets: Sequence[str] = (),
    divisions: Sequence[str] = (),
    policy: str | None = None,
    outcomes: Sequence[str] = OPEN_OUTCOMES,
    ids: Sequence[int] | None = None,
) -> list[int]:
    """Live enterprises matching the filters with a stored verdict in ``outcomes`` (of ``policy`` when given)."""
    query = EnterpriseQuery(
        streets=tuple(streets),
        divisions=tuple(divisions),
        ids=tuple(ids) if ids is not None else None,
        sort="id",
        page_size=10**9,
    )
    with session_scope() as session:
        candidates = [e.id for e in list_enterprises(session=session, query=query).rows if e.id is not None]
        hits = {
            eid for eid, pid, _ in matched(session=session, outcomes=tuple(outcomes)) if policy in (None, pid)
        }
    return [e for e in candidates if e in hits]


def make_requests(
    enterprise_ids: Sequence[int],
    out_dir: Path,
    *,
    due: date | None = None,
    on: date | None = None,
    officer: str | None = None,
    make_zip: bool = True,
    progress: Progress | None = None,
) -> MakeResult:
    """One request workbook per enterprise into ``out_dir`` (+ a zip), and a DataRequest for each (one
    transaction); enterprises with nothing to ask are skipped with the reason."""
    require("write")
    on = on or date.today()
    due = due or on + timedelta(days=DEFAULT_DUE_DAYS)
    if due < on:
        raise HuiqiError("交回期限不能早于今天")
    officer = officer or current_principal().username
    contact = _officer_contact(officer)
    out_dir.mkdir(parents=True, exist_ok=True)
    result, jobs, names = MakeResult(out_dir, None), [], {}
    total, done = len(enterprise_ids), 0
    for enterprise_id, agg, verdicts in verdicts_of(enterprise_ids, on):
        book = _book(enterprise_id, agg, verdicts, on, due, contact)
        names[enterprise_id] = agg.enterprise.name
        if book is None:
            result.skipped.append((enterprise_id, agg.enterprise.name, "没有需要企业补充的信息"))
            done += 1
            if progress:
                progress(done, total, agg.enterprise.name)
        else:
            jobs.append(
                (book, out_dir / f"{enterprise_id:05d}-{_safe(book.enterprise_name)}-企业信息补充表.xlsx")
            )
    result.skipped += [(i, f"#{i}", "企业不存在或已删除") for i in enterprise_ids if i not in names]

    def written(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total, "")

    write_books(jobs, request_key(), progress=written)
    rows = [_request_row(book) for book, _ in jobs]
    paths = [(path, book.enterprise_name, len(book.asks)) for book, path in jobs]
    with session_scope() as session:
        records = request_store.create_requests(session=session, rows=rows, actor=officer)
        for record, (path, name, asked) in zip(records, paths, strict=True):
            result.made.append(MadeRequest(record.id or 0, record.enterprise_id, name, path, asked))
    if make_zip and result.made:
        result.zip_path = _zip(out_dir)
    return result


def make_batch(
    enterprise_ids: Sequence[int], *, due: date | None = None, progress: Progress | None = None
) -> MakeResult:
    """``make_requests`` into a new folder under the data dir (the 资料补充 page's batch), with its zip."""
    root = get_settings().data_dir / "requests"
    folder = inside(root, f"{datetime.now():%Y%m%d-%H%M%S}-{current_principal().username}")
    return make_requests(enterprise_ids, folder, due=due, progress=progress)


def request_workbook(
    enterprise_id: int, *, due: date | None = None, on: date | None = None
) -> tuple[str, bytes]:
    """Make and record one enterprise's request; (download file name, .xlsx bytes)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        result = make_requests([enterprise_id], Path(tmp), due=due, on=on, make_zip=False)
        if not result.made:
            raise HuiqiError("该企业目前没有需要补充的信息")
        made = result.made[0]
        return f"企业信息补充表-{_safe(made.name)}.xlsx", made.path.read_bytes()


def list_requests(
    *, status: str | None = None, enterprise_id: int | None = None, today: date | None = None
) -> list[dict[str, Any]]:
    """Requests as plain rows for screens and the CLI, newest first; ``status`` may be ``overdue``."""
    if status is not None and status not in STATUSES:
        raise HuiqiError(f"状态应为 {'、'.join(STATUSES)} 之一（{'、'.join(STATUS_ZH.values())}）")
    today = today or date.today()
    with session_scope() as session:
        rows = request_store.list_requests(
            session=session, status=status, enterprise_id=enterprise_id, today=today
        )
        return [_row(r, name, today) for r, name in rows]


def outstanding(
    *, officer_id: int | None = None, today: date | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """Sent requests not yet returned (of the officer's enterprises), earliest due first."""
    today = today or date.today()
    with session_scope() as session:
        _total, rows = request_store.outstanding(session=session, officer_id=officer_id, limit=limit)
        return [_row(r, name, today) for r, name in rows]


def close_request(request_id: int) -> None:
    """Mark a request closed (nothing more expected from it)."""
    require("write")
    with session_scope() as session:
        request_store.set_status(
            session=session, request_id=request_id, status="closed", actor=current_principal().username
        )


def status_of(record: DataRequest, today: date) -> str:
    """sent / returned / closed as stored, or overdue for a sent request past its due date."""
    return "overdue" if record.status == "sent" and record.due_date < today else record.status


# --- helpers --------------------------------------------------------------------------------------------


def _book(
    enterprise_id: int, agg: Any, verdicts: list[Any], on: date, due: date, contact: dict[str, str]
) -> Book | None:
    asks = facts_to_request(verdicts, agg)
    if not asks:
        return None
    return Book(
        token=secrets.token_hex(12),
        enterprise_id=enterprise_id,
        uscc=agg.enterprise.uscc or "",
        enterprise_name=agg.enterprise.name,
        officer_name=contact["name"],
        officer_contact=contact["contact"],
        office=" ".join(x for x in (OFFICE["name"], contact.get("office")) if x),
        made=on,
        due=due,
        asks=[_sheet_row(i) for i in asks],
        checks=[_sheet_row(i) for i in fields_to_check(verdicts, agg)],
    )


def _sheet_row(item: RequestItem) -> Row:
    spec = item.spec
    labels = tuple(v[0] for v in spec.choices.values()) if spec.choices else ()
    return Row(
        key=item.key,
        label=item.label,
        year=item.year,
        unit=item.unit,
        kind=spec.kind,
        choices=labels,
        held=_shown(item),
        policies="、".join(item.policy_titles),
    )


def _shown(item: RequestItem) -> Any:
    value = in_unit(item.field, item.held)
    if value is None:
        return None
    spec = item.spec
    if spec.kind == "choice" and spec.choices and value in spec.choices:
        return spec.choices[value][0]
    if spec.kind == "money":
        return round(float(value), 2)
    return value


def _request_row(book: Book) -> dict[str, Any]:
    def plain(rows: Sequence[Row]) -> list[dict[str, Any]]:
        return [
            {"key": r.key, "label": r.label, "year": r.year, "unit": r.unit, "kind": r.kind} for r in rows
        ]

    return {
        "token": book.token,
        "enterprise_id": book.enterprise_id,
        "uscc": book.uscc or None,
        "due_date": book.due,
        "items": plain(book.asks),
        "checks": plain(book.checks),
    }


def _row(record: DataRequest, name: str, today: date) -> dict[str, Any]:
    status = status_of(record, today)
    return {
        "id": record.id,
        "enterprise_id": record.enterprise_id,
        "name": name,
        "officer": record.officer,
        "created": record.created_at.date(),
        "due": record.due_date,
        "status": status,
        "status_zh": STATUS_ZH[status],
        "asked": len(record.items),
        "labels": [i["label"] for i in record.items],
        "applied": record.applied,
        "returned_file": record.returned_file,
    }


def _officer_contact(username: str) -> dict[str, str]:
    with session_scope() as session:
        row = officer_store.officer_by_username(session=session, username=username)
    if row is None:
        return {"name": username, "contact": "", "office": ""}
    contact = "，".join(x for x in (row.phone, row.email) if x)
    return {"name": row.display_name, "contact": contact, "office": row.office or ""}


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name)[:60] or "enterprise"


def _zip(folder: Path) -> Path:
    target = folder.with_name(folder.name + ".zip")
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:  # .xlsx is a zip already
        for path in sorted(folder.glob("*.xlsx")):
            archive.write(path, path.name)
    return target
