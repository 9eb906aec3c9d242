"""Import, export, duplicates and merge: the use-cases behind the 导入导出 and 疑似重复 pages and the CLI."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from crm import domain, store
from crm.auth import current_principal, require
from crm.config import get_settings
from crm.db import session_scope
from crm.errors import HuiqiError
from crm.intake import dedupe, export, mapping
from crm.intake import merge as merging
from crm.intake.commit import commit_import
from crm.intake.importer import ImportResult, Mode, Preview, RowIssue, RowPlan, plan_import
from crm.intake.limits import Limits, check_size
from crm.intake.readers import Table, UnreadableFile, read_table
from crm.models import FiscalYear, MergeRecord
from crm.rules.explain import value_range_text
from crm.services import search as search_service
from crm.store import EnterpriseQuery, tx
from crm.store import enterprises as enterprise_store
from crm.store import matches as match_store
from crm.store import merges as merge_store

__all__ = ["ImportResult", "Mode", "Preview", "RowIssue", "RowPlan", "Table", "UnreadableFile"]


def _actor(actor: str | None) -> str:
    return actor or current_principal().username


# --- import ---------------------------------------------------------------------------------------


def read_file(data: bytes, filename: str) -> Table:
    """Read an uploaded .xlsx/.csv (header row found, encoding detected); UnreadableFile says why not.

    Bounded (size, rows x columns, unpacked size): a hostile file is refused, never read into memory whole.
    Slow on a big file: the UI calls it off the event loop.
    """
    return read_table(data, filename, is_header=mapping.is_known_header)


def read_path(path: Path) -> Table:
    """``read_file`` for a file on disk, refused by its size before a byte of it is read."""
    check_upload_size(path.stat().st_size)
    return read_file(path.read_bytes(), path.name)


def max_upload_bytes() -> int:
    """The largest spreadsheet accepted for import (HUIQI_MAX_UPLOAD_MB)."""
    return Limits.configured().max_bytes


def check_upload_size(size: int) -> None:
    """Refuse an upload of ``size`` bytes over the limit, with a message naming the limit."""
    check_size(size, Limits.configured())


def suggest_mapping(table: Table, mapping_name: str | None = None) -> dict[str, str]:
    """Header -> target for the file: a saved mapping by name, completed by guessing."""
    if mapping_name:
        saved = mapping.load_mappings(get_settings().data_dir)
        if mapping_name not in saved:
            raise HuiqiError(f"没有名为“{mapping_name}”的已保存映射")
        return mapping.apply_saved(table.headers, saved[mapping_name])
    return mapping.guess_mapping(table.headers)


def mapping_choices() -> dict[str, str]:
    """Every target a column may be mapped to, with its Chinese label ('' = do not import)."""
    return mapping.choices()


def target_label(target: str) -> str:
    """The Chinese column label of a target text ('fy2023.sales_revenue@万元' -> '2023年销售收入(万元)')."""
    parsed = mapping.Target.parse(target)
    if parsed is None:
        return "（不导入）"
    try:
        return parsed.label()
    except StopIteration:
        return target


def saved_mappings() -> dict[str, dict[str, str]]:
    """The named mappings saved so far."""
    return mapping.load_mappings(get_settings().data_dir)


def save_mapping(name: str, columns: dict[str, str]) -> None:
    """Save a column mapping under a name for the next file of the same kind."""
    require("write")
    mapping.save_mapping(get_settings().data_dir, name.strip(), columns)


def preview_import(table: Table, columns: dict[str, str]) -> Preview:
    """Validate every row and find matches and suspected duplicates; writes nothing."""
    with session_scope() as session:
        return plan_import(table, columns, session=session)


@tx.retrying
def run_import(
    table: Table,
    columns: dict[str, str],
    *,
    mode: Mode = "all-or-nothing",
    decisions: dict[int, str] | None = None,
    dry_run: bool = False,
    actor: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Preview, ImportResult | None]:
    """Plan and (unless ``dry_run``) write the import in ONE transaction: interrupted, nothing is kept."""
    require("write")
    with session_scope() as session:
        preview = plan_import(table, columns, session=session)
        if dry_run:
            return preview, None
        with store.provenance(f"import:{table.source or '表格'}"):
            result = commit_import(
                preview,
                session=session,
                actor=_actor(actor),
                mode=mode,
                decisions=decisions,
                progress=progress,
            )
    search_service.invalidate()
    return preview, result


def rejected_rows_xlsx(table: Table, rows: list[RowPlan]) -> bytes:
    """The rows that were not imported, as in the file, with a 错误原因 column."""
    return export.rejected_xlsx(
        table.headers,
        [(r.cells, "；".join(f"{e.column}：{e.message}" for e in r.errors), r.row) for r in rows],
    )


def import_template(year: int | None = None) -> bytes:
    """A blank import template (.xlsx) with the expected columns and an example row."""
    return export.template_xlsx(year or date.today().year - 1)


# --- export ---------------------------------------------------------------------------------------


def export_enterprises(query: EnterpriseQuery | None = None, *, years: int = 3) -> bytes:
    """The filtered enterprise list (all pages) as .xlsx with Chinese headers and recent fiscal years."""
    query = query or EnterpriseQuery()
    last = date.today().year - 1
    year_list = list(range(last, last - years, -1))
    with session_scope() as session:
        page = store.list_enterprises(session=session, query=_all_pages(query))
        ids = [e.id or 0 for e in page.rows]
        fiscal: dict[int, dict[int, FiscalYear]] = {}
        for fy in enterprise_store.fiscal_years_of(session=session, enterprise_ids=ids):
            fiscal.setdefault(fy.enterprise_id, {})[fy.year] = fy
        rows = [export.enterprise_row(e, fiscal.get(e.id or 0, {}), year_list) for e in page.rows]
    return export.write_xlsx(export.enterprise_headers(year_list), rows, sheet="企业名单")


def _all_pages(query: EnterpriseQuery) -> EnterpriseQuery:
    from dataclasses import replace

    return replace(query, page=1, page_size=10_000_000)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def export_matches(rows: list[dict[str, Any]], headers: dict[str, str]) -> bytes:
    """Match results (or any table of plain values) as .xlsx: ``headers`` maps keys to Chinese headers."""
    keys = list(headers)
    return export.write_xlsx(
        [headers[k] for k in keys], ([r.get(k) for k in keys] for r in rows), sheet="匹配结果"
    )


def export_match_results(query: EnterpriseQuery | None = None) -> bytes:
    """The stored policy-match verdicts of the filtered enterprises as .xlsx with Chinese headers."""
    from crm.services.matching import policies

    titles = {p.id: p.title for p in policies()}
    per = {p.id: p.value.per for p in policies() if p.value is not None}
    with session_scope() as session:
        ids = [
            e.id or 0
            for e in store.list_enterprises(
                session=session, query=_all_pages(query or EnterpriseQuery())
            ).rows
        ]
        rows = match_store.results_with_names(session=session, enterprise_ids=ids)
    headers = {
        "id": "编号",
        "name": "企业名称",
        "uscc": "统一社会信用代码",
        "policy": "政策",
        "outcome": "匹配结果",
        "value": "预计价值",
        "to_collect": "待补充信息",
        "as_of": "评估日期",
        "rules_hash": "规则版本",
    }
    return export_matches(
        [
            {
                "id": i,
                "name": n,
                "uscc": u,
                "policy": titles.get(m.policy_id, m.policy_id),
                "outcome": domain.outcome_label(m.outcome),
                "value": value_range_text(
                    _float(m.value_low), _float(m.value_high), per.get(m.policy_id, "year")
                )
                if m.policy_id in per
                else "",
                "to_collect": m.to_collect,
                "as_of": m.as_of,
                "rules_hash": m.rules_hash[:12],
            }
            for i, n, u, m in rows
        ],
        headers,
    )


# --- duplicates and merge ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicatePair:
    """Two live enterprises that look like one: ids, names, USCCs, score and reason (uscc | name)."""

    a_id: int
    a_name: str
    a_uscc: str | None
    b_id: int
    b_name: str
    b_uscc: str | None
    score: float
    reason: str


def find_duplicates(*, threshold: float = dedupe.DEFAULT_THRESHOLD, limit: int = 500) -> list[DuplicatePair]:
    """Suspected duplicate pairs across the whole database, best first."""
    with session_scope() as session:
        rows = enterprise_store.identities(session=session)
    pairs = dedupe.scan([r[1] for r in rows], [r[2] for r in rows], threshold=threshold)
    return [
        DuplicatePair(
            rows[p.a][0] or 0,
            rows[p.a][1],
            rows[p.a][2],
            rows[p.b][0] or 0,
            rows[p.b][1],
            rows[p.b][2],
            p.score,
            p.reason,
        )
        for p in pairs[:limit]
    ]


@tx.retrying
def merge_enterprises(winner_id: int, loser_id: int, *, actor: str | None = None) -> int:
    """Merge ``loser_id`` into ``winner_id`` keeping all history; returns the merge id for undo."""
    require("write")
    with session_scope() as session, store.provenance("merge"):
        record = merging.merge(session=session, winner_id=winner_id, loser_id=loser_id, actor=_actor(actor))
    search_service.invalidate()
    return record.id or 0


@tx.retrying
def undo_merge(merge_id: int, *, actor: str | None = None) -> None:
    """Undo a merge: the duplicate and its records come back as they were."""
    require("write")
    with session_scope() as session, store.provenance("merge"):
        merging.undo(session=session, merge_id=merge_id, actor=_actor(actor))
    search_service.invalidate()


def merges(enterprise_id: int | None = None) -> list[MergeRecord]:
    """Merges, newest first (of one enterprise when given)."""
    with session_scope() as session:
        return merge_store.merges(session=session, enterprise_id=enterprise_id)
