"""Field specifications of every editable record: label, kind, constraints.

One table drives validation (crm.records.validation), the UI's forms and the import's column mapping.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from crm import domain

# officer: the id of an Officer account (a form offers the active officers; the store checks it exists)
Kind = Literal[
    "text", "longtext", "int", "money", "date", "bool", "choice", "tags", "names", "uscc", "year", "officer"
]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    zh: str
    en: str
    kind: Kind = "text"
    required: bool = False
    max_len: int | None = None
    min: float | None = None
    max: float | None = None
    choices: dict[str, tuple] | None = None
    hint: str | None = None

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


def _f(name: str, zh: str, en: str, kind: Kind = "text", **kw: object) -> FieldSpec:
    return FieldSpec(name, zh, en, kind, **kw)  # type: ignore[arg-type]


STREET_CHOICES = {s: (s + "街道", s) for s in domain.STREETS}

ENTERPRISE_FIELDS: tuple[FieldSpec, ...] = (
    _f("name", "企业名称", "Name", required=True, max_len=200),
    _f("uscc", "统一社会信用代码", "Unified social credit code", "uscc"),
    _f(
        "uscc_override_reason",
        "信用代码例外原因",
        "USCC override reason",
        max_len=500,
        hint="校验位不通过但确为真实代码时填写",
    ),
    _f("former_names", "曾用名", "Former names", "names"),
    _f("registration_date", "成立日期", "Registration date", "date"),
    _f("legal_form", "企业类型", "Legal form", "choice", choices=domain.LEGAL_FORMS),
    _f("registered_capital", "注册资本", "Registered capital", "money", min=0),
    _f("address", "注册地址", "Registered address", max_len=300),
    _f("street", "所属街道", "Street", "choice", choices=STREET_CHOICES),
    _f(
        "sports_division",
        "体育产业类别",
        "Sports-industry division",
        "choice",
        choices=domain.SPORTS_DIVISIONS,
    ),
    _f("industry_code", "国民经济行业代码", "GB/T 4754 industry code", max_len=8),
    _f(
        "wenchuang_sector",
        "文创产业领域",
        "Cultural & creative sector",
        "choice",
        choices=domain.WENCHUANG_SECTORS,
    ),
    _f("hnte_domain", "高新技术领域", "High-tech domain", "choice", choices=domain.HNTE_DOMAINS),
    _f(
        "strategic_emerging",
        "主导产品属于战略性新兴产业",
        "Main product in a strategic emerging industry",
        "bool",
        hint="主导产品是否属于《战略性新兴产业分类》",
    ),
    _f("niche_market_years", "深耕细分市场年数", "Years in niche market", "int", min=0, max=100),
    _f("resident_enterprise", "居民企业", "Resident enterprise", "bool"),
    _f("independent_legal_person", "独立法人", "Independent legal person", "bool"),
    _f("registered_in_shanghai", "在沪注册", "Registered in Shanghai", "bool"),
    _f("tax_in_shanghai", "在沪纳税", "Pays tax in Shanghai", "bool"),
    _f("key_institution", "人才引进重点机构", "Talent key institution", "bool"),
    _f("in_restricted_catalogue", "属于禁止/限制类行业", "In a prohibited/restricted catalogue", "bool"),
    _f("abnormal_operation_listed", "列入经营异常名录", "On the abnormal-operation list", "bool"),
    _f("serious_dishonesty_listed", "列入严重失信名单", "On the serious-dishonesty list", "bool"),
    _f("website", "网站", "Website", max_len=200),
    _f("tags", "标签", "Tags", "tags"),
    _f("notes", "备注", "Notes", "longtext", max_len=4000),
)

# Form-only: the officer who looks after the enterprise (radar per officer). Kept out of ENTERPRISE_FIELDS,
# which also drive import, export and the duplicate merge, where an account id means nothing.
ENTERPRISE_OWNER = _f("owner_officer_id", "负责专员", "Owner officer", "officer", min=1)

FISCAL_YEAR_FIELDS: tuple[FieldSpec, ...] = (
    _f("year", "年度", "Year", "year", required=True),
    _f("staff_total", "职工总数", "Total staff", "int", min=0, max=1_000_000),
    _f("tech_staff", "科技人员数", "Tech staff", "int", min=0, max=1_000_000),
    _f(
        "sales_revenue",
        "销售收入",
        "Sales revenue",
        "money",
        min=0,
        hint="营业收入（主营业务收入与其他业务收入之和）",
    ),
    _f("main_business_revenue", "主营业务收入", "Main-business revenue", "money", min=0),
    _f("total_income", "总收入", "Total income", "money", min=0),
    _f("hightech_income", "高新技术产品（服务）收入", "High-tech income", "money", min=0),
    _f("rd_expense", "研发费用", "R&D expense", "money", min=0),
    _f("rd_expense_domestic", "境内研发费用", "Domestic R&D expense", "money", min=0),
    _f("total_cost", "成本费用总额", "Total cost and expense", "money", min=0),
    _f("total_assets", "资产总额", "Total assets", "money", min=0),
    _f("total_liabilities", "负债总额", "Total liabilities", "money", min=0),
    _f("tax_paid", "纳税总额", "Tax paid", "money", min=0),
    _f("equity_financing", "股权融资额", "Equity financing", "money", min=0),
)

IP_FIELDS: tuple[FieldSpec, ...] = (
    _f("kind", "知识产权类型", "IP type", "choice", required=True, choices=domain.IP_KINDS),
    _f("title", "名称", "Title", required=True, max_len=300),
    _f("number", "证书/申请号", "Number", max_len=64),
    _f("status", "状态", "Status", "choice", choices=domain.IP_STATUSES),
    _f("grant_date", "授权日期", "Grant date", "date"),
    _f("acquisition", "获得方式", "Acquired by", "choice", choices=domain.IP_ACQUISITIONS),
    _f("core_to_main_product", "对主要产品起核心支持作用", "Core to the main product", "bool"),
    _f("used_in_hnte", "已用于高企认定", "Used in a prior HNTE application", "bool"),
    _f("high_value", "高价值发明专利", "High-value invention patent", "bool"),
)

CREDENTIAL_FIELDS: tuple[FieldSpec, ...] = (
    _f("kind", "资质类型", "Credential", "choice", required=True, choices=domain.CREDENTIAL_KINDS),
    _f("title", "名称", "Title", max_len=300),
    _f("level", "级别", "Level", "choice", choices=domain.CREDENTIAL_LEVELS),
    _f("number", "证书编号", "Certificate number", max_len=64),
    _f("issued_on", "发证日期", "Issued on", "date"),
    _f("expires_on", "有效期至", "Expires on", "date"),
    _f("year", "年度", "Year", "year"),
    _f(
        "rank",
        "获奖单位排名",
        "Rank among the award units",
        "int",
        min=1,
        max=100,
        hint="奖项的完成单位排名，第一完成单位填 1",
    ),
)

COMPLIANCE_FIELDS: tuple[FieldSpec, ...] = (
    _f("kind", "事件类型", "Event type", "choice", required=True, choices=domain.COMPLIANCE_KINDS),
    _f("severity", "严重程度", "Severity", "choice", required=True, choices=domain.SEVERITIES),
    _f("occurred_on", "发生日期", "Date", "date"),
    _f("description", "说明", "Description", "longtext", max_len=2000),
)

CONTACT_FIELDS: tuple[FieldSpec, ...] = (
    _f("name", "姓名", "Name", required=True, max_len=64),
    _f("position", "职务", "Position", max_len=64),
    _f("phone", "电话", "Phone", max_len=32),
    _f("email", "邮箱", "Email", max_len=128),
    _f("is_primary", "主要联系人", "Primary contact", "bool"),
    _f("notes", "备注", "Notes", "longtext", max_len=1000),
)

INTERACTION_FIELDS: tuple[FieldSpec, ...] = (
    _f("kind", "方式", "Kind", "choice", required=True, choices=domain.INTERACTION_KINDS),
    _f("occurred_on", "日期", "Date", "date", required=True),
    _f("summary", "纪要", "Summary", "longtext", required=True, max_len=4000),
    _f("follow_up", "后续跟进", "Follow-up", "longtext", max_len=2000),
)

TASK_FIELDS: tuple[FieldSpec, ...] = (
    _f("title", "事项", "Task", required=True, max_len=300),
    _f("due_date", "截止日期", "Due date", "date"),
    _f("status", "状态", "Status", "choice", required=True, choices=domain.TASK_STATUSES),
    _f("notes", "备注", "Notes", "longtext", max_len=2000),
)

OFFICER_FIELDS: tuple[FieldSpec, ...] = (
    _f("username", "登录名", "Username", required=True, max_len=64),
    _f("display_name", "姓名", "Name", required=True, max_len=64),
    _f("phone", "电话", "Phone", max_len=32),
    _f("email", "邮箱", "Email", max_len=128),
    _f("office", "科室", "Office", max_len=64),
    _f("role", "角色", "Role", "choice", required=True, choices=domain.OFFICER_ROLES),
)

# the application pipeline
APPLICATION_FIELDS: tuple[FieldSpec, ...] = (
    _f("cycle", "申报批次", "Cycle", required=True, max_len=32, hint="年度或批次，如 2026 或 2026-第二批"),
    _f("owner_officer_id", "负责专员", "Owner officer", "officer", min=1),
    _f("amount_applied", "申请金额", "Amount applied for", "money", min=0),
    _f("amount_secured", "获批金额", "Amount approved", "money", min=0),
    _f("amount_paid", "已拨付金额", "Amount paid", "money", min=0),
    _f("submitted_on", "提交日期", "Submitted on", "date"),
    _f("decided_on", "结果日期", "Decided on", "date"),
    _f("paid_on", "拨付日期", "Paid on", "date"),
    _f("files", "材料文件", "Files", "names", hint="文件名，用逗号或顿号分隔"),
    _f("result_note", "结果说明", "Result", max_len=1000),
    _f("notes", "备注", "Notes", "longtext", max_len=4000),
)
CYCLE_WINDOW_FIELDS: tuple[FieldSpec, ...] = (
    _f("policy_id", "政策", "Policy", required=True, max_len=64),
    _f("year", "年度", "Year", "year", required=True),
    _f("batch", "批次", "Batch", max_len=32, hint="如 第一批；一年一次可留空"),
    _f("opens", "开始受理", "Opens", "date", required=True),
    _f("closes", "申报截止", "Closes", "date", required=True),
    _f("lead_days", "材料提前工作日", "Lead working days", "int", min=0, max=60),
    _f("note", "说明", "Note", max_len=500),
)
STAGE_FIELDS: tuple[FieldSpec, ...] = (
    _f(
        "code",
        "代码",
        "Code",
        required=True,
        max_len=24,
        hint="小写字母、数字、下划线，如 site_visit；建后不改",
    ),
    _f("label_zh", "名称", "Name", required=True, max_len=32),
    _f("label_en", "英文名称", "English name", required=True, max_len=48),
    _f("outcome", "结果类型", "Outcome", "choice", required=True, choices=domain.STAGE_OUTCOMES),
    _f("active", "启用", "Active", "bool"),
    _f(
        "next_stages",
        "可转到的阶段",
        "May move to",
        "names",
        hint="留空：其后任一阶段、上一阶段或任一结束阶段",
    ),
)

SPECS: dict[str, tuple[FieldSpec, ...]] = {
    "enterprise": (*ENTERPRISE_FIELDS, ENTERPRISE_OWNER),
    "fiscalyear": FISCAL_YEAR_FIELDS,
    "ipasset": IP_FIELDS,
    "credential": CREDENTIAL_FIELDS,
    "complianceevent": COMPLIANCE_FIELDS,
    "contact": CONTACT_FIELDS,
    "interaction": INTERACTION_FIELDS,
    "task": TASK_FIELDS,
    "officer": OFFICER_FIELDS,
    "application": APPLICATION_FIELDS,
    "cyclewindow": CYCLE_WINDOW_FIELDS,
    "pipelinestage": STAGE_FIELDS,
}


def spec(entity: str, name: str) -> FieldSpec:
    """The spec of one field (KeyError when the entity has no such field)."""
    for f in SPECS[entity]:
        if f.name == name:
            return f
    raise KeyError(f"{entity}.{name}")
