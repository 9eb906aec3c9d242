"""Column mapping: guess the field of each header from Chinese/English labels, and keep named mappings.

A target is written as text so a mapping can be saved and edited:
``name`` (an enterprise field), ``fy2023.sales_revenue`` (a fiscal-year figure of 2023),
``fy.sales_revenue`` (the year comes from a 年度 column), ``contact.phone``; an ``@万元`` suffix
says in which unit a money column is written. An empty target ignores the column.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from crm.errors import HuiqiError
from crm.records.fields import CONTACT_FIELDS, ENTERPRISE_FIELDS, FISCAL_YEAR_FIELDS, FieldSpec

UNITS = ("元", "万元", "亿元")
CONTACT_TARGETS = ("name", "position", "phone", "email")

# what officers and other bureaus call the columns, beyond the labels in crm.records.fields
SYNONYMS: dict[str, str] = {
    "公司名称": "name",
    "单位名称": "name",
    "企业名": "name",
    "名称": "name",
    "企业": "name",
    "companyname": "name",
    "enterprise": "name",
    "enterprisename": "name",
    "信用代码": "uscc",
    "社会信用代码": "uscc",
    "统一信用代码": "uscc",
    "统一代码": "uscc",
    "税号": "uscc",
    "纳税人识别号": "uscc",
    "uscc": "uscc",
    "creditcode": "uscc",
    "曾用名称": "former_names",
    "原名": "former_names",
    "原名称": "former_names",
    "成立时间": "registration_date",
    "注册日期": "registration_date",
    "注册时间": "registration_date",
    "成立日": "registration_date",
    "establisheddate": "registration_date",
    "注册资金": "registered_capital",
    "registeredcapital": "registered_capital",
    "地址": "address",
    "注册地": "address",
    "住所": "address",
    "经营地址": "address",
    "街道": "street",
    "所在街道": "street",
    "街镇": "street",
    "体育产业分类": "sports_division",
    "产业类别": "sports_division",
    "行业代码": "industry_code",
    "标签": "tags",
    "营业收入": "fy.sales_revenue",
    "主营收入": "fy.main_business_revenue",
    "销售额": "fy.sales_revenue",
    "营收": "fy.sales_revenue",
    "revenue": "fy.sales_revenue",
    "sales": "fy.sales_revenue",
    "收入总额": "fy.total_income",
    "研发投入": "fy.rd_expense",
    "研发经费": "fy.rd_expense",
    "从业人员": "fy.staff_total",
    "从业人数": "fy.staff_total",
    "员工人数": "fy.staff_total",
    "职工人数": "fy.staff_total",
    "员工数": "fy.staff_total",
    "人数": "fy.staff_total",
    "staff": "fy.staff_total",
    "employees": "fy.staff_total",
    "研发人员": "fy.tech_staff",
    "纳税额": "fy.tax_paid",
    "税收": "fy.tax_paid",
    "纳税": "fy.tax_paid",
    "税收贡献": "fy.tax_paid",
    "年份": "fy.year",
    "年度": "fy.year",
    "year": "fy.year",
    "资产": "fy.total_assets",
    "联系人": "contact.name",
    "联系人姓名": "contact.name",
    "contact": "contact.name",
    "联系电话": "contact.phone",
    "电话": "contact.phone",
    "手机": "contact.phone",
    "手机号": "contact.phone",
    "联系方式": "contact.phone",
    "phone": "contact.phone",
    "职务": "contact.position",
    "联系人职务": "contact.position",
    "邮箱": "contact.email",
    "电子邮箱": "contact.email",
    "email": "contact.email",
}

_UNIT_RE = re.compile(r"[(\[【]?(?:单位[:：]?)?(人民币)?(元|万元|亿元|万)[)\]】]?$")
_YEAR_PREFIX = re.compile(r"^((?:19|20)\d{2})年?度?")
_YEAR_SUFFIX = re.compile(r"[(\[]?((?:19|20)\d{2})年?度?[)\]]?$")


@dataclass(frozen=True)
class Target:
    """Where a column goes: an enterprise field, a fiscal-year figure (of a year) or a contact field."""

    entity: str  # enterprise | fiscalyear | contact
    field: str
    year: int | None = None
    unit: str | None = None

    def __str__(self) -> str:
        base = {
            "enterprise": self.field,
            "contact": f"contact.{self.field}",
            "fiscalyear": f"fy{self.year or ''}.{self.field}",
        }[self.entity]
        return base + (f"@{self.unit}" if self.unit else "")

    @classmethod
    def parse(cls, text: str) -> Target | None:
        """Read a target written as text; None for an empty (ignored) column."""
        text = text.strip()
        if not text:
            return None
        text, _, unit_text = text.partition("@")
        unit = {"万": "万元"}.get(unit_text, unit_text) or None
        if text.startswith("contact."):
            return cls("contact", text.removeprefix("contact."), None, unit)
        m = re.fullmatch(r"fy(\d{4})?\.(\w+)", text)
        if m:
            return cls("fiscalyear", m[2], int(m[1]) if m[1] else None, unit)
        return cls("enterprise", text, None, unit)

    def spec(self) -> FieldSpec:
        """The field's spec (label, kind) in crm.records.fields."""
        specs = {"enterprise": ENTERPRISE_FIELDS, "fiscalyear": FISCAL_YEAR_FIELDS, "contact": CONTACT_FIELDS}
        return next(s for s in specs[self.entity] if s.name == self.field)

    def label(self) -> str:
        """Chinese label as a column header: 2023年销售收入(万元)."""
        prefix = {"fiscalyear": f"{self.year}年" if self.year else "", "contact": "联系人"}.get(
            self.entity, ""
        )
        zh = self.spec().zh
        if self.entity == "contact" and zh.startswith("联系人"):
            prefix = ""
        return prefix + zh + (f"({self.unit})" if self.unit else "")


def _aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for group, prefix in ((ENTERPRISE_FIELDS, ""), (FISCAL_YEAR_FIELDS, "fy."), (CONTACT_FIELDS, "contact.")):
        for s in group:
            for alias in (s.zh, s.en, s.name):
                table.setdefault(_key(alias), prefix + s.name)
    table[_key("姓名")] = "contact.name"
    table.update({_key(k): v for k, v in SYNONYMS.items()})
    return table


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\s_\-:：*/（）()\[\]【】]", "", text)


ALIASES = _aliases()


def guess(header: str) -> Target | None:
    """The most likely target of a header, e.g. '2023年营业收入（万元）' -> fy2023.sales_revenue@万元."""
    text = unicodedata.normalize("NFKC", header).strip().replace(" ", "")
    unit = None
    m = _UNIT_RE.search(text)
    if m and m.start() > 0:
        unit, text = {"万": "万元"}.get(m[2], m[2]), text[: m.start()]
        text = text.rstrip("/(（")
    year = None
    for pattern in (_YEAR_PREFIX, _YEAR_SUFFIX):
        ym = pattern.search(text)
        if ym and len(text) > len(ym[0]):
            year, text = int(ym[1]), (text[: ym.start()] + text[ym.end() :])
            break
    found = _lookup(_key(text))
    if found is None:
        return None
    target = Target.parse(found)
    assert target is not None
    if target.entity == "fiscalyear" and target.field != "year":
        target = Target("fiscalyear", target.field, year, None)
    elif year is not None:
        return None  # a year on an enterprise field makes no sense: leave it to the officer
    if target.spec().kind == "money":
        return Target(target.entity, target.field, target.year, unit)
    return target


def _lookup(key: str) -> str | None:
    if not key:
        return None
    if key in ALIASES:
        return ALIASES[key]
    best = process.extractOne(key, ALIASES.keys(), scorer=fuzz.ratio, score_cutoff=85)
    return ALIASES[best[0]] if best else None


def is_known_header(header: str) -> bool:
    """Does this text name a column we know (used to find the header row)?"""
    return guess(header) is not None


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Header -> target text for every header ('' when unknown); a target is used once at most."""
    used: set[str] = set()
    mapping: dict[str, str] = {}
    for h in headers:
        target = guess(h)
        text = str(target) if target else ""
        key = text.partition("@")[0]
        if key in used:
            text = ""
        used.add(key)
        mapping[h] = text
    return mapping


def choices() -> dict[str, str]:
    """Every target an officer may pick for a column (text -> Chinese label), years left to the file."""
    out = {"": "（不导入）"}
    out.update({s.name: s.zh for s in ENTERPRISE_FIELDS})
    out.update({f"fy.{s.name}": f"财务·{s.zh}" for s in FISCAL_YEAR_FIELDS})
    out.update({f"contact.{n}": f"联系人·{Target('contact', n).spec().zh}" for n in CONTACT_TARGETS})
    return out


# --- saved named mappings (JSON in the data dir) ---------------------------------------------------


def _mappings_file(data_dir: Path) -> Path:
    return data_dir / "import_mappings.json"


def load_mappings(data_dir: Path) -> dict[str, dict[str, str]]:
    """Every saved mapping by name."""
    path = _mappings_file(data_dir)
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def save_mapping(data_dir: Path, name: str, mapping: dict[str, str]) -> None:
    """Save (or replace) a named mapping; the targets are checked first."""
    for header, text in mapping.items():
        target = Target.parse(text)
        if target is not None:
            try:
                target.spec()
            except StopIteration:
                raise HuiqiError(f"列“{header}”的目标字段无效：{text}") from None
    data = load_mappings(data_dir) | {name: dict(mapping)}
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = _mappings_file(data_dir).with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(_mappings_file(data_dir))


def apply_saved(headers: list[str], saved: dict[str, str]) -> dict[str, str]:
    """The saved mapping for these headers, guessing headers the saved one does not know."""
    guessed = guess_mapping(headers)
    return {h: saved[h] if h in saved else guessed[h] for h in headers}
