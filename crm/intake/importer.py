"""Import rows into enterprises: plan (parse, validate, match, flag duplicates), then write in one transaction.

``plan_import`` writes nothing: it returns a ``Preview`` with, per row, the cleaned values, the errors
(row, column, field, message in Chinese), the existing enterprise it updates (same USCC or same name)
and the suspected duplicates. ``commit_import`` writes through ``crm.store`` (validated, versioned,
audited) inside the caller's session; the caller's ``session_scope`` makes it all-or-nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from sqlmodel import Session

from crm import parsing, store
from crm.intake.dedupe import cross_scan, normalize_name
from crm.intake.export import EXAMPLE_NAME, EXAMPLE_USCC
from crm.intake.mapping import Target
from crm.intake.readers import Table
from crm.intake.search import fold
from crm.records.validation import ValidationFailed, clean

Mode = Literal["all-or-nothing", "valid-only"]
Action = str  # "create" | "skip" | "update:<enterprise id>"


@dataclass(frozen=True)
class RowIssue:
    """One problem of one row: the spreadsheet row, the column header, the field label and why."""

    row: int
    column: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行 · {self.column}：{self.message}"


@dataclass
class RowPlan:
    """What importing one row would do."""

    row: int
    cells: list[Any]
    enterprise: dict[str, Any] = field(default_factory=dict)
    fiscal_years: dict[int, dict[str, Any]] = field(default_factory=dict)
    contact: dict[str, Any] = field(default_factory=dict)
    errors: list[RowIssue] = field(default_factory=list)
    match_id: int | None = None
    match_by: str | None = None  # uscc | name
    suspects: list[tuple[int, str, float]] = field(default_factory=list)
    action: Action = "create"

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def name(self) -> str:
        return str(self.enterprise.get("name") or "")


@dataclass
class Preview:
    """The whole plan: rows, column targets and file-level notes."""

    table: Table
    mapping: dict[str, str]
    rows: list[RowPlan]
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[RowIssue]:
        return [e for r in self.rows for e in r.errors]

    def counts(self) -> dict[str, int]:
        """Rows by outcome: valid, invalid, to create, to update, suspected duplicates, skipped."""
        ok = [r for r in self.rows if r.ok]
        return {
            "total": len(self.rows),
            "valid": len(ok),
            "invalid": len(self.rows) - len(ok),
            "create": sum(r.action == "create" for r in ok),
            "update": sum(r.action.startswith("update") for r in ok),
            "skip": sum(r.action == "skip" for r in ok),
            "suspected": sum(bool(r.suspects) for r in self.rows),
        }

    def report(self) -> str:
        """The validation report as text, one line per problem (row and field named)."""
        c = self.counts()
        lines = [
            f"共 {c['total']} 行：有效 {c['valid']} 行（新建 {c['create']}，更新 {c['update']}，"
            f"跳过 {c['skip']}），有错误 {c['invalid']} 行，疑似重复 {c['suspected']} 行。"
        ]
        lines += self.notes
        lines += [str(e) for e in self.errors]
        for r in self.rows:
            for sid, sname, score in r.suspects[:3]:
                lines.append(
                    f"第 {r.row} 行 · 疑似重复：“{r.name}” 与已有企业“{sname}”（#{sid}，相似度 {score:.0f}）"
                )
        return "\n".join(lines)


@dataclass
class ImportResult:
    """What was written, and the rows that were not."""

    written: bool
    created: list[int]
    updated: list[int]
    skipped: int
    rejected: list[RowPlan]

    def summary(self) -> str:
        """One line for people."""
        if not self.written:
            return f"未导入任何数据：{len(self.rejected)} 行有错误（整体导入模式下须全部通过校验）。"
        return (
            f"已导入：新建 {len(self.created)} 家，更新 {len(self.updated)} 家，跳过 {self.skipped} 行，"
            f"拒绝 {len(self.rejected)} 行。"
        )


# --- planning -------------------------------------------------------------------------------------


def plan_import(table: Table, mapping: dict[str, str], *, session: Session) -> Preview:
    """Parse and validate every row, match existing enterprises and flag suspected duplicates."""
    parsed = {j: Target.parse(mapping.get(h, "")) for j, h in enumerate(table.headers)}
    targets = {j: t for j, t in parsed.items() if t is not None}
    preview = Preview(
        table, mapping, [RowPlan(n, cells) for n, cells in zip(table.row_numbers, table.rows, strict=True)]
    )
    preview.notes += _mapping_notes(table, targets)
    for plan in preview.rows:
        _parse_row(plan, table.headers, targets)
    _match_existing(preview, session)
    _skip_template_example(preview)
    _check_within_file(preview, table.headers, targets)
    check_one_row_per_target(preview)
    return preview


def _skip_template_example(preview: Preview) -> None:
    """The blank template's example row, left in by mistake, is not an enterprise: skipped and said so."""
    for plan in preview.rows:
        if (plan.enterprise.get("name"), plan.enterprise.get("uscc")) == (EXAMPLE_NAME, EXAMPLE_USCC):
            plan.action, plan.suspects = "skip", []
            preview.notes.append(f"第 {plan.row} 行是导入模板的示例行，未导入")


def check_one_row_per_target(preview: Preview) -> None:
    """Two rows of one file must not update the same existing enterprise (which one would be right?)."""
    first: dict[str, int] = {}
    for plan in preview.rows:
        if not plan.action.startswith("update:"):
            continue
        if plan.action in first and first[plan.action] != plan.row:
            issue = RowIssue(
                plan.row,
                "企业名称",
                "企业名称",
                f"与第 {first[plan.action]} 行对应同一家已有企业（#{target_of(plan)}），请合并为一行",
            )
            if issue not in plan.errors:
                plan.errors.append(issue)
        else:
            first.setdefault(plan.action, plan.row)


def _mapping_notes(table: Table, targets: dict[int, Target]) -> list[str]:
    notes = []
    ignored = [h for j, h in enumerate(table.headers) if j not in targets]
    if ignored:
        notes.append("以下列未对应到字段，不会导入：" + "、".join(ignored))
    if not any(t.entity == "enterprise" and t.field in ("name", "uscc") for t in targets.values()):
        notes.append("缺少“企业名称”或“统一社会信用代码”列，无法识别企业。")
    return notes


def _parse_row(plan: RowPlan, headers: list[str], targets: dict[int, Target]) -> None:
    raw: dict[str, dict[Any, dict[str, Any]]] = {
        "enterprise": {None: {}},
        "fiscalyear": {},
        "contact": {None: {}},
    }
    columns: dict[tuple[str, Any, str], str] = {}
    year_col = next((j for j, t in targets.items() if t.entity == "fiscalyear" and t.field == "year"), None)
    for j, t in targets.items():
        if j == year_col:
            continue
        value = _in_unit(plan.cells[j], t)
        if parsing.is_blank(value):
            continue
        year = t.year if t.entity == "fiscalyear" else None
        if t.entity == "fiscalyear" and year is None:
            year = _row_year(plan, headers, year_col)
            if year is None:
                continue
        raw[t.entity].setdefault(year, {})[t.field] = value
        columns[(t.entity, year, t.field)] = headers[j]
    plan.enterprise = _clean_part(plan, "enterprise", raw["enterprise"][None], columns, None, partial=True)
    contact = raw["contact"][None]
    if contact:
        contact.setdefault("name", "（未填姓名）")  # a phone number without a name is still worth keeping
        plan.contact = _clean_part(plan, "contact", contact, columns, None, partial=False)
    for year, values in raw["fiscalyear"].items():
        cleaned = _clean_part(plan, "fiscalyear", {"year": year, **values}, columns, year, partial=False)
        if cleaned:
            plan.fiscal_years[year] = {k: v for k, v in cleaned.items() if k == "year" or k in values}


def _row_year(plan: RowPlan, headers: list[str], year_col: int | None) -> int | None:
    value = plan.cells[year_col] if year_col is not None else None
    try:
        year = (
            parsing.parse_int(str(value).removesuffix("年度").removesuffix("年"))
            if value is not None
            else None
        )
    except ValueError:
        year = None
    if year is None:
        column = headers[year_col] if year_col is not None else "年度"
        issue = RowIssue(
            plan.row, column, "年度", "财务数据缺少年度：请在表头写明年份（如“2023年营业收入”）或增加“年度”列"
        )
        if issue not in plan.errors:
            plan.errors.append(issue)
    return year


def _in_unit(value: Any, target: Target) -> Any:
    """A money cell in the column's unit (万元, 亿元) becomes yuan; anything unparsable is left for clean()."""
    if target.unit is None or parsing.is_blank(value):
        return value
    try:
        return parsing.parse_money(value, default_unit=target.unit)
    except (ValueError, KeyError):
        return value


def _clean_part(
    plan: RowPlan,
    entity: str,
    data: dict[str, Any],
    columns: dict[tuple[str, Any, str], str],
    year: int | None,
    *,
    partial: bool,
) -> dict[str, Any]:
    try:
        cleaned = clean(entity, data, partial=partial)
    except ValidationFailed as failed:
        for e in failed.errors:
            column = columns.get((entity, year, e.field), e.label_zh)
            plan.errors.append(RowIssue(plan.row, column, e.label_zh, e.message("zh")))
        return {}
    return {k: v for k, v in cleaned.items() if k in data}


def _match_existing(preview: Preview, session: Session) -> None:
    rows = store.enterprise_keys(session=session)
    by_uscc = {u: i or 0 for i, _, u in rows if u}
    by_name = {fold(n): i or 0 for i, n, _ in rows}
    names = {i or 0: n for i, n, _ in rows}
    unmatched: list[RowPlan] = []
    for plan in preview.rows:
        uscc, name = plan.enterprise.get("uscc"), plan.enterprise.get("name")
        if uscc and uscc in by_uscc:
            plan.match_id, plan.match_by = by_uscc[uscc], "uscc"
        elif name and fold(name) in by_name:
            plan.match_id, plan.match_by = by_name[fold(name)], "name"
        if plan.match_id is not None:
            plan.action = f"update:{plan.match_id}"
        elif name:
            unmatched.append(plan)
        elif plan.ok:
            plan.errors.append(
                RowIssue(plan.row, "企业名称", "企业名称", "企业名称为必填项（信用代码未匹配到已有企业）")
            )
    ids = list(names)
    found = cross_scan([p.name for p in unmatched], [names[i] for i in ids])
    for k, hits in found.items():
        unmatched[k].suspects = [(ids[j], names[ids[j]], s) for j, s in hits[:5]]
        # the safe default: neither a second record nor an overwrite until the officer chooses
        unmatched[k].action = "skip"


def _check_within_file(preview: Preview, headers: list[str], targets: dict[int, Target]) -> None:
    uscc_col = next(
        (headers[j] for j, t in targets.items() if t.entity == "enterprise" and t.field == "uscc"),
        "统一社会信用代码",
    )
    first: dict[str, int] = {}
    for plan in preview.rows:
        key = plan.enterprise.get("uscc") or ("name:" + normalize_name(plan.name) if plan.name else None)
        if not key:
            continue
        if key in first:
            what = "统一社会信用代码" if plan.enterprise.get("uscc") else "企业名称"
            plan.errors.append(
                RowIssue(
                    plan.row,
                    uscc_col if what != "企业名称" else "企业名称",
                    what,
                    f"与第 {first[key]} 行重复（同一文件中同一企业只能出现一次）",
                )
            )
        else:
            first[key] = plan.row


def target_of(plan: RowPlan) -> int:
    """The id of the existing enterprise an ``update:<id>`` row writes to."""
    return int(plan.action.split(":", 1)[1])
