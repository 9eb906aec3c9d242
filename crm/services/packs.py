"""Service packs (惠企政策服务包): make one, make many on both cores, list and reopen, flag out-of-date ones."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from crm import __version__, store
from crm.auth import Principal, acting_as, current_principal, require
from crm.config import Settings, get_settings
from crm.db import session_scope
from crm.domain import ACTIONABLE_OUTCOMES
from crm.errors import HuiqiError
from crm.models import Officer, PackRecord
from crm.packs import build_context, render_pack
from crm.services import pack_asks, pack_input, pack_pool
from crm.store import enterprises as enterprise_store
from crm.store import officers as officer_store
from crm.store import packs as pack_store

Progress = Callable[[int, int, str], None]  # (done, total, enterprise name)
shutdown_workers = pack_pool.shutdown_workers  # callers stop the render workers through this module


@dataclass
class PackResult:
    """A generated pack: its bytes and the history record written for it."""

    pdf: bytes
    record: PackRecord
    path: Path


@dataclass
class PackView:
    """A past pack as the enterprise page lists it."""

    record: PackRecord
    out_of_date: bool
    reasons: list[str]
    download_name: str


@dataclass
class BatchResult:
    """What a batch produced: the folder, the zip, the packs made and the failures (id, name, reason)."""

    folder: Path
    zip_path: Path | None
    made: list[PackRecord] = field(default_factory=list)
    failed: list[tuple[int, str, str]] = field(default_factory=list)


def make_pack(enterprise_id: int, *, officer: str | None = None, on: date | None = None) -> PackResult:
    """Generate one enterprise's pack, save it under the packs dir and record it in its history."""
    require("write")
    settings = get_settings()
    rendered = _render(enterprise_id, officer or current_principal().username, on or date.today())
    path = settings.packs_dir / rendered["file_path"]
    _write(path, rendered["pdf"])
    record = _record(rendered)
    return PackResult(rendered["pdf"], record, path)


def preview_pack(enterprise_id: int, *, officer: str | None = None, on: date | None = None) -> bytes:
    """The pack as it would be generated now, without saving or recording it."""
    return _render(enterprise_id, officer or current_principal().username, on or date.today())["pdf"]


def list_packs(enterprise_id: int) -> list[PackView]:
    """An enterprise's past packs, newest first, each flagged when rules or data changed since."""
    with session_scope() as session:
        records = pack_store.pack_records(session=session, enterprise_id=enterprise_id)
        if not records:
            return []
        aggregate = store.load_aggregate(session=session, enterprise_id=enterprise_id)
    data_hash = pack_input.fingerprint(aggregate, pack_input.settlements(enterprise_id))
    rules_hash = _rules_hash()
    return [
        PackView(r, *_staleness(r, rules_hash, data_hash), _download_name(aggregate.enterprise.name, r.as_of))
        for r in records
    ]


def open_pack(record_id: int) -> bytes:
    """The stored PDF of a past pack (checked against the sha256 recorded when it was made)."""
    with session_scope() as session:
        record = pack_store.pack_record(session=session, record_id=record_id)
    if record is None:
        raise HuiqiError(f"没有这个服务包记录：{record_id}")
    data = (get_settings().packs_dir / record.file_path).read_bytes()
    if hashlib.sha256(data).hexdigest() != record.sha256:
        raise HuiqiError(f"服务包文件已被改动或损坏：{record.file_path}")
    return data


def first_page_png(pdf: bytes, *, dpi: int = 80) -> bytes:
    """The first page as a PNG (for previews); needs ``pdftoppm`` (Debian package poppler-utils)."""
    if shutil.which("pdftoppm") is None:
        raise HuiqiError("预览需要 pdftoppm：请安装 poppler-utils")
    # An output root of "-" is not stdout for pdftoppm 22 with -singlefile: it writes "-.png" into the
    # current directory. Write into a private folder instead and read the page back.
    with tempfile.TemporaryDirectory(prefix="huiqi-preview-") as folder:
        root = Path(folder) / "page"
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", "-", str(root)],
            input=pdf,
            capture_output=True,
            check=True,
            timeout=60,
        )
        return root.with_suffix(".png").read_bytes()


def select_enterprises(
    *,
    streets: Sequence[str] = (),
    divisions: Sequence[str] = (),
    policy: str | None = None,
    outcomes: Sequence[str] | None = None,
    ids: Sequence[int] | None = None,
    on: date | None = None,
) -> list[int]:
    """Ids of live enterprises matching the filters; with ``policy``, only those whose outcome is in ``outcomes``
    (default: the actionable ones)."""
    outcomes = outcomes or ACTIONABLE_OUTCOMES
    query = store.EnterpriseQuery(
        streets=tuple(streets),
        divisions=tuple(divisions),
        ids=tuple(ids) if ids is not None else None,
        sort="id",
        page_size=10**9,
    )
    with session_scope() as session:
        candidates = [
            e.id for e in store.list_enterprises(session=session, query=query).rows if e.id is not None
        ]
    if policy is None:
        return candidates
    on = on or date.today()
    chosen = []
    for enterprise_id in candidates:
        verdicts = pack_input.evaluate(enterprise_id, on).verdicts
        if any(v.policy_id == policy and v.outcome in outcomes for v in verdicts):
            chosen.append(enterprise_id)
    return chosen


def make_packs(
    enterprise_ids: Sequence[int],
    out_dir: Path,
    *,
    officer: str | None = None,
    on: date | None = None,
    workers: int = 2,
    progress: Progress | None = None,
    make_zip: bool = True,
) -> BatchResult:
    """Packs for many enterprises on ``workers`` processes into ``out_dir`` (+ a zip); failures are listed."""
    require("write")
    settings = get_settings()
    officer, on = officer or current_principal().username, on or date.today()
    batch_id = f"{on.isoformat()}-{hashlib.sha256(repr(sorted(enterprise_ids)).encode()).hexdigest()[:8]}"
    out_dir.mkdir(parents=True, exist_ok=True)
    result = BatchResult(out_dir, None)
    total = len(enterprise_ids)
    for done, (enterprise_id, outcome) in enumerate(_run(enterprise_ids, officer, on, workers, settings), 1):
        if isinstance(outcome, str):
            result.failed.append((enterprise_id, _name_of(enterprise_id), outcome))
            name = result.failed[-1][1]
        else:
            name = outcome["enterprise_name"]
            _write(settings.packs_dir / outcome["file_path"], outcome["pdf"])
            (out_dir / f"{enterprise_id:05d}-{_safe(name)}.pdf").write_bytes(outcome["pdf"])
            result.made.append(_record(outcome, batch_id=batch_id))
        if progress:
            progress(done, total, name)
    if make_zip:
        result.zip_path = _zip(out_dir)
    return result


# --- rendering one pack (runs in worker processes too: module-level, simple arguments) ----------


def _render(enterprise_id: int, officer: str, on: date) -> dict[str, Any]:
    report = pack_input.evaluate(enterprise_id, on)  # the matching service's verdicts, settlements included
    aggregate, verdicts, rules_hash = report.aggregate, report.verdicts, report.rules_hash
    with session_scope() as session:
        officer_row = officer_store.officer_by_username(session=session, username=officer)
    # provenance from exactly what the verdicts used: a settlement saved meanwhile makes the pack out of date
    data_hash = pack_input.fingerprint(aggregate, report.settled)
    context = build_context(
        enterprise=pack_input.enterprise_block(aggregate),
        officer=_officer_block(officer_row),
        verdicts=[pack_input.verdict_input(v, aggregate) for v in verdicts],
        data_request_rows=pack_asks.data_request_rows(verdicts, aggregate),
        on=on,
        rules_hash=rules_hash,
        data_hash=data_hash,
        generator=f"Huiqi {__version__}",
    )
    pdf, pages = render_pack(context)
    digest = hashlib.sha256(pdf).hexdigest()
    return {
        "enterprise_id": enterprise_id,
        "enterprise_name": aggregate.enterprise.name,
        "officer": officer,
        "officer_name": context["officer"]["name"] or officer,
        "as_of": on,
        "rules_hash": rules_hash,
        "data_hash": data_hash,
        "pdf": pdf,
        "sha256": digest,
        "pages": pages,
        "verdicts": [
            {"policy": v.policy_id, "title": v.policy.title, "outcome": v.outcome, "rank": v.rank}
            for v in verdicts
        ],
        "file_path": f"{enterprise_id}/{on.isoformat()}-{digest[:12]}.pdf",
    }


def _officer_block(row: Officer | None) -> dict[str, Any]:
    """The officer as the pack prints them, from their profile; without one, nobody is named (never the
    sign-in or OS user name: desktop mode asks for the profile once, in 设置)."""
    if row is None:
        return {"name": "", "office": "", "phone": "", "email": ""}
    return {
        "name": row.display_name,
        "office": row.office or "",
        "phone": row.phone or "",
        "email": row.email or "",
    }


def _run(ids: Sequence[int], officer: str, on: date, workers: int, settings: Settings) -> Any:
    """(enterprise id, rendered dict or error text) as each pack finishes."""
    if workers <= 1 or len(ids) <= 1:
        for enterprise_id in ids:
            yield enterprise_id, _render_safely(enterprise_id, officer, on)
        return
    principal = current_principal()  # a worker process has no session: it acts as the one who asked
    args = (principal, officer, on, _rules_hash())
    yield from pack_pool.run_each(_render_in_worker, ids, args, workers=workers, settings=settings)


_reloaded_for: set[str] = set()  # in a worker: the batch rule hashes it already re-read the rules for


def _render_in_worker(
    enterprise_id: int, principal: Principal, officer: str, on: date, rules_hash: str
) -> dict[str, Any] | str:
    from crm.rules import loader

    if loader.current().hash != rules_hash and rules_hash not in _reloaded_for:
        loader.reload()  # the rules changed since this worker loaded them (once per batch hash)
        _reloaded_for.add(rules_hash)
    with acting_as(principal):
        return _render_safely(enterprise_id, officer, on)


def _render_safely(enterprise_id: int, officer: str, on: date) -> dict[str, Any] | str:
    try:
        return _render(enterprise_id, officer, on)
    except Exception as exc:  # noqa: BLE001 - one failure must not stop the batch; it is listed instead
        return f"{type(exc).__name__}: {exc}"


# --- records, files, staleness ------------------------------------------------------------------


def _record(rendered: dict[str, Any], batch_id: str | None = None) -> PackRecord:
    fields = (
        "enterprise_id",
        "officer",
        "officer_name",
        "as_of",
        "rules_hash",
        "data_hash",
        "verdicts",
        "file_path",
        "sha256",
        "pages",
    )
    with session_scope() as session:
        return pack_store.record_pack(
            session=session, **{k: rendered[k] for k in fields}, size=len(rendered["pdf"]), batch_id=batch_id
        )


def _staleness(record: PackRecord, rules_hash: str, data_hash: str) -> tuple[bool, list[str]]:
    reasons = []
    if record.rules_hash != rules_hash:
        reasons.append("政策规则已更新")
    if record.data_hash != data_hash:
        reasons.append("企业数据或人工核定已变更")
    return bool(reasons), reasons


def _rules_hash() -> str:
    from crm.rules import loader

    return loader.current().hash


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as tmp:
        tmp.write(data)
    Path(tmp.name).replace(path)


def _zip(folder: Path) -> Path:
    target = folder.with_name(folder.name + ".zip")
    with zipfile.ZipFile(
        target, "w", compression=zipfile.ZIP_STORED
    ) as archive:  # PDFs are compressed already
        for pdf in sorted(folder.glob("*.pdf")):
            archive.write(pdf, pdf.name)
    return target


def _name_of(enterprise_id: int) -> str:
    try:
        with session_scope() as session:
            name = enterprise_store.name_of(session=session, enterprise_id=enterprise_id)
            return name if name is not None else f"#{enterprise_id}"
    except Exception:  # noqa: BLE001 - the name is only for the failure list
        return f"#{enterprise_id}"


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name)[:60] or "enterprise"


def _download_name(name: str, on: date) -> str:
    return f"惠企政策服务包-{_safe(name)}-{on.isoformat()}.pdf"
