"""Returned data requests: read one file, many, or a zip; match each to its request; show a per-enterprise
diff (field, old -> new, source); apply what the officer accepts, one transaction per enterprise; re-match.

``review_returns(files)`` reads and validates and writes nothing. Each ``FileReview`` says what it would
change, which cells are wrong (with the importer's messages), and whether it is blocked (unknown request,
another enterprise's id, a changed USCC) or tampered (its signature fails: nothing from it is applied
unless the officer confirms). ``accept(review, ...)`` applies all, some enterprises, or some fields, each
enterprise all-or-nothing, recording ``return:<request id>`` as the values' provenance, then re-matches
those enterprises and says which verdicts changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from crm import store
from crm.auth import current_principal, require
from crm.config import request_key
from crm.db import session_scope
from crm.domain import OUTCOMES
from crm.errors import HuiqiError
from crm.intake import request_return
from crm.intake.limits import UnreadableFile
from crm.intake.request_return import Answer, Returned, expand, parse_answer, read_return
from crm.models import DataRequest, Enterprise, FiscalYear
from crm.records import validation
from crm.records.fields import SPECS
from crm.services.data_request import in_unit
from crm.store import matches as match_store
from crm.store import requests as request_store

Progress = Callable[[int, int, str], None]


@dataclass
class Change:
    """One value a returned file would change: field key, label, old -> new (as shown) and the new value."""

    key: str
    field: str
    year: int | None
    label: str
    old: str
    new: str
    value: Any  # the value to store (money in CNY)
    where: str  # the cell it came from, e.g. 请填写!E5
    correction: bool = False


@dataclass
class CellProblem:
    """A cell that could not be used, with the reason in Chinese."""

    where: str
    label: str
    message: str


@dataclass
class FileReview:
    """What one returned file would do."""

    filename: str
    request_id: int | None = None
    enterprise_id: int | None = None
    name: str = ""
    matched_by: str | None = None  # request | uscc
    changes: list[Change] = field(default_factory=list)
    errors: list[CellProblem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    blocked: bool = False  # cannot be applied at all
    tampered: bool = False  # signature fails: applied only when the officer confirms

    @property
    def applicable(self) -> bool:
        return not self.blocked and bool(self.changes)


@dataclass
class Review:
    """Every file of one import: reviews in file order, and the files that could not be read at all."""

    files: list[FileReview] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Applied:
    """The outcome of an acceptance: values written and verdicts changed per enterprise, failures."""

    written: dict[int, int] = field(default_factory=dict)  # enterprise id -> values written
    verdicts: dict[int, list[tuple[str, str, str]]] = field(default_factory=dict)  # (policy, before, after)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    skipped: list[tuple[str, str]] = field(default_factory=list)


# --- reading ------------------------------------------------------------------------------------------


def read_folder(path: Path) -> list[tuple[str, bytes]]:
    """The .xlsx and .zip files of a folder (or one file) as (name, bytes), within the upload limits."""
    return request_return.read_folder(path)


def review_returns(files: Sequence[tuple[str, bytes]], *, progress: Progress | None = None) -> Review:
    """Read, match and validate returned workbooks; writes nothing (run it off the event loop)."""
    key, review = request_key(), Review()
    files = expand(files)
    returned: list[Returned] = []
    for done, (name, data) in enumerate(files, 1):
        try:
            returned.append(read_return(data, name, key))
        except UnreadableFile as exc:
            review.unreadable.append((name, exc.message()))
        if progress:
            progress(done, len(files), name)
    with session_scope() as session:
        requests = request_store.by_tokens(session=session, tokens=[r.token for r in returned if r.token])
        by_uscc = request_store.latest_by_uscc(
            session=session, codes=[r.uscc for r in returned if r.uscc and r.token not in requests]
        )
        for r in returned:
            review.files.append(_review(session, r, requests.get(r.token or ""), by_uscc.get(r.uscc or "")))
    return review


def _review(
    session: Any, r: Returned, by_token: DataRequest | None, by_uscc: DataRequest | None
) -> FileReview:
    out = FileReview(r.filename, problems=list(r.problems))
    request = by_token or by_uscc
    if request is None:
        out.blocked = True
        out.problems.append("找不到对应的补充表记录（不是本系统发出的表格，或记录已删除）")
        return out
    out.request_id, out.enterprise_id = request.id, request.enterprise_id
    out.matched_by = "request" if by_token is not None else "uscc"
    enterprise = store.get_record(
        session=session, model=Enterprise, record_id=request.enterprise_id, include_deleted=True
    )
    out.name = enterprise.name
    if enterprise.deleted_at is not None:
        out.blocked = True
        out.problems.append("该企业已删除")
        return out
    if by_token is not None and r.enterprise_id != request.enterprise_id:
        out.blocked = True
        out.problems.append("表格中的企业与发出时不同")
    if r.uscc and request.uscc and r.uscc != request.uscc:
        out.blocked = True
        out.problems.append(f"表格中的统一社会信用代码（{r.uscc}）与发出时（{request.uscc}）不同")
    if by_token is not None and not r.checksum_ok:
        out.tampered = True
        out.problems.append("表格的校验码不符：隐藏的识别信息或所问项目被改动，需确认后才能导入")
    if out.matched_by == "uscc":
        out.problems.append("按统一社会信用代码匹配到最近一次补充表（表格的识别信息缺失或不符）")
    if request.status == "returned":
        out.problems.append("该补充表此前已导入过一次，本次只列出仍有不同的数值")
    _diff(session, out, r.answers, request, enterprise)
    return out


def _diff(
    session: Any, out: FileReview, answers: list[Answer], request: DataRequest, ent: Enterprise
) -> None:
    asked = {i["key"]: i for i in request.items}
    checked = {i["key"]: i for i in request.checks}
    years = {
        fy.year: fy for fy in store.children(session=session, model=FiscalYear, enterprise_id=ent.id or 0)
    }
    seen: dict[str, Change] = {}
    for a in answers:
        item = (checked if a.correction else asked).get(a.key)
        if item is None:
            out.errors.append(CellProblem(a.where, a.key, "该项目不在发出的补充表中，未读取"))
            continue
        fname, year = _split(a.key)
        try:
            value = parse_answer(fname, a.raw)
        except validation.ValidationFailed as exc:
            out.errors.append(CellProblem(a.where, item["label"], exc.message("zh")))
            continue
        if value is None:
            continue
        old = getattr(years.get(year), fname, None) if year else getattr(ent, fname, None)
        if _same(old, value):
            continue
        seen[a.key] = Change(
            a.key,
            fname,
            year,
            item["label"],
            _show(fname, old),
            _show(fname, value),
            value,
            a.where,
            a.correction,
        )
    out.changes = list(seen.values())
    _cross_check(out, years)


def _cross_check(out: FileReview, years: dict[int, FiscalYear]) -> None:
    """Whole fiscal years must stay valid (科技人员数 ≤ 职工总数 ...): offending changes become errors."""
    by_year: dict[int, list[Change]] = {}
    for c in out.changes:
        if c.year is not None:
            by_year.setdefault(c.year, []).append(c)
    for year, changes in by_year.items():
        held = years.get(year)
        merged = {
            **(store.fields_of(held) if held else {}),
            "year": year,
            **{c.field: c.value for c in changes},
        }
        try:
            validation.clean("fiscalyear", merged)
        except validation.ValidationFailed as exc:
            bad = {e.field for e in exc.errors}
            for c in [c for c in changes if c.field in bad or not bad & {c.field for c in changes}]:
                out.errors.append(CellProblem(c.where, c.label, exc.message("zh")))
                out.changes.remove(c)


# --- accepting ----------------------------------------------------------------------------------------


def accept(
    review: Review,
    *,
    enterprises: set[int] | None = None,
    fields: dict[int, set[str]] | None = None,
    confirmed: set[int] | frozenset[int] = frozenset(),
    on: date | None = None,
) -> Applied:
    """Apply the accepted changes: all (default), only ``enterprises``, or only ``fields`` (enterprise id ->
    field keys). One transaction per enterprise: it is written whole or not at all. A tampered file is
    applied only when its enterprise is in ``confirmed``. The enterprises written are re-matched."""
    require("write")
    actor, result = current_principal().username, Applied()
    for f in review.files:
        eid = f.enterprise_id
        if not f.applicable or eid is None or (enterprises is not None and eid not in enterprises):
            continue
        if f.tampered and eid not in confirmed:
            result.skipped.append((f.filename, "校验码不符，未确认，未导入"))
            continue
        chosen = [c for c in f.changes if fields is None or c.key in fields.get(eid, set())]
        if not chosen:
            continue
        before = _outcomes(eid)
        try:
            result.written[eid] = _apply(f, chosen, actor)
        except HuiqiError as exc:
            result.failed.append((f.filename, exc.message()))
            continue
        result.verdicts[eid] = _rematch(eid, before, on)
    return result


def _apply(f: FileReview, changes: list[Change], actor: str) -> int:
    assert f.enterprise_id is not None and f.request_id is not None
    with session_scope() as session, store.provenance(f"return:{f.request_id}"):
        ent = store.get_record(session=session, model=Enterprise, record_id=f.enterprise_id)
        own = {c.field: c.value for c in changes if c.year is None}
        if own:
            store.update_enterprise(
                session=session,
                enterprise_id=f.enterprise_id,
                expected_version=ent.version,
                data=own,
                actor=actor,
            )
        years = {
            fy.year: fy
            for fy in store.children(session=session, model=FiscalYear, enterprise_id=f.enterprise_id)
        }
        for year in sorted({c.year for c in changes if c.year is not None}):
            data = {c.field: c.value for c in changes if c.year == year}
            held = years.get(year)
            if held is None:
                store.create_child(
                    session=session,
                    model=FiscalYear,
                    enterprise_id=f.enterprise_id,
                    data={"year": year, **data},
                    actor=actor,
                )
            else:
                store.update_child(
                    session=session,
                    model=FiscalYear,
                    record_id=held.id or 0,
                    expected_version=held.version,
                    data=data,
                    actor=actor,
                )
        request_store.set_status(
            session=session,
            request_id=f.request_id,
            status="returned",
            actor=actor,
            applied=len(changes),
            returned_file=f.filename,
        )
    return len(changes)


def _outcomes(enterprise_id: int) -> dict[str, tuple[str, str]]:
    with session_scope() as session:
        return {
            r.policy_id: (r.outcome, "")
            for r in match_store.results_of(session=session, enterprise_id=enterprise_id)
        }


def _rematch(
    enterprise_id: int, before: dict[str, tuple[str, str]], on: date | None
) -> list[tuple[str, str, str]]:
    """Re-match one enterprise (stored) and list the verdicts that changed: (policy title, before, after)."""
    from crm.services import matching

    report = matching.match(enterprise_id, on=on)
    changed = []
    for v in report.verdicts:
        old = before.get(v.policy_id, ("", ""))[0]
        if old != v.outcome:
            changed.append(
                (v.policy.title, OUTCOMES.get(old, ("—",))[0] if old else "—", OUTCOMES[v.outcome][0])
            )
    return changed


# --- helpers --------------------------------------------------------------------------------------------


def _split(key: str) -> tuple[str, int | None]:
    name, _, year = key.partition("@")
    return name, int(year) if year else None


def _same(old: Any, new: Any) -> bool:
    if old is None:
        return False
    if isinstance(new, Decimal) or isinstance(old, Decimal):
        return Decimal(str(old)).quantize(Decimal("0.01")) == Decimal(str(new)).quantize(Decimal("0.01"))
    return bool(old == new)


def _show(field_name: str, value: Any) -> str:
    """A value as an officer reads it: money in 万元 with two decimals, 是/否, vocabulary labels."""
    if value is None:
        return "（空）"
    spec = next(s for s in (*SPECS["enterprise"], *SPECS["fiscalyear"]) if s.name == field_name)
    if spec.kind == "money":
        return f"{in_unit(field_name, value):,.2f} 万元"
    if spec.kind == "bool":
        return "是" if value else "否"
    if spec.kind == "choice" and spec.choices and value in spec.choices:
        return str(spec.choices[value][0])
    if field_name in ("staff_total", "tech_staff"):
        return f"{value} 人"
    if field_name == "niche_market_years":
        return f"{value} 年"
    return str(value)
