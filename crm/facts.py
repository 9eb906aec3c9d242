"""The facts catalogue: every fact a policy rule may use, and how it is derived from records as of a date.

``derive(aggregate, on)`` reads any object with the attributes ``enterprise``, ``fiscal_years``,
``ip_assets``, ``credentials`` and ``compliance_events`` (duck-typed: ORM rows, profile namespaces).
Pure module: it never imports the database layer, so ``crm.rules`` may use the catalogue.

Conventions (documented in policy_rules/README.md):
- "last year" is the last completed fiscal year, ``on.year - 1``;
- a missing record field is unknown (``None``), never 0;
- the IP, credential and compliance lists are taken as complete: no compliance event recorded means
  a clean record. A profile or officer can force any fact to unknown with an explicit override.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from crm.domain import IP_KINDS

FACT_TYPES = ("money", "ratio", "count", "years", "number", "bool", "code", "date")
NUMERIC_TYPES = frozenset({"money", "ratio", "count", "years", "number"})
UNITS = {
    "money": "CNY",
    "ratio": "ratio",
    "count": "count",
    "years": "years",
    "number": "",
    "bool": "",
    "code": "",
    "date": "date",
}

# record field -> Chinese label, for "请补充：2024 年研发费用"
FIELD_ZH = {
    "registration_date": "注册成立日期",
    "resident_enterprise": "是否居民企业",
    "independent_legal_person": "是否独立法人",
    "registered_in_shanghai": "是否在上海注册",
    "tax_in_shanghai": "是否在上海纳税",
    "key_institution": "是否人才引进重点机构",
    "in_restricted_catalogue": "是否属于禁止/限制类目录",
    "abnormal_operation_listed": "是否列入经营异常名录",
    "serious_dishonesty_listed": "是否列入严重失信名单",
    "legal_form": "企业类型",
    "sports_division": "体育产业类别",
    "wenchuang_sector": "文创分类",
    "hnte_domain": "高新技术领域",
    "niche_market_years": "细分市场从业年限",
    "staff_total": "职工总数",
    "tech_staff": "科技人员数",
    "sales_revenue": "销售收入",
    "total_income": "总收入",
    "hightech_income": "高新技术产品（服务）收入",
    "rd_expense": "研发费用",
    "rd_expense_domestic": "境内研发费用",
    "total_cost": "成本费用总额",
    "total_assets": "资产总额",
    "total_liabilities": "负债总额",
    "tax_paid": "纳税额",
    "equity_financing": "股权融资额",
    "ip_assets": "知识产权清单（类型、状态、是否核心）",
    "credentials": "资质与荣誉清单",
    "compliance_events": "安全、质量、环境等合规记录",
}


@dataclass(frozen=True)
class Read:
    """One record field a fact reads; ``years_back`` are fiscal years counted back from ``on.year``."""

    field: str
    years_back: tuple[int, ...] = ()


@dataclass(frozen=True)
class Fact:
    """A named, typed fact with its labels, the fields it reads and its derivation."""

    name: str
    type: str
    zh: str
    en: str
    reads: tuple[Read, ...]
    derive: Callable[[_View], Any]
    measure: str | None = None  # display unit when the type's default is wrong (staff: people, not items)

    @property
    def unit(self) -> str:
        return self.measure or UNITS[self.type]

    def collect_items(self, on: date, aggregate: Any = None) -> list[str]:
        """Precise "please collect" items; with an aggregate, only the fields actually missing."""
        items = []
        for read in self.reads:
            years: list[int | None] = [on.year - back for back in read.years_back] or [None]
            for year in years:
                if aggregate is None or _field_missing(aggregate, read.field, year):
                    prefix = f"{year} 年" if year else ""
                    items.append(f"{prefix}{FIELD_ZH.get(read.field, read.field)}")
        return items or [self.zh]


def derive(aggregate: Any, on: date, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Every catalogue fact of one enterprise as of ``on`` (None = unknown); ``overrides`` win."""
    view = _View(aggregate, on)
    facts = {name: fact.derive(view) for name, fact in CATALOGUE.items()}
    facts.update(overrides or {})
    return facts


def collect_items(names: Iterable[str], on: date, aggregate: Any = None) -> list[str]:
    """Deduplicated "请补充" items for unknown facts."""
    seen: dict[str, None] = {}
    for name in names:
        fact = CATALOGUE.get(name)
        for item in fact.collect_items(on, aggregate) if fact else [name]:
            seen.setdefault(item, None)
    return list(seen)


# --- the view the derivations read ----------------------------------------------------------------


class _View:
    """An aggregate seen as of a date: fiscal years by offset, valid IP, dated events."""

    def __init__(self, aggregate: Any, on: date) -> None:
        self.agg = aggregate
        self.on = on
        self.ent = aggregate.enterprise
        self.years = {fy.year: fy for fy in (aggregate.fiscal_years or [])}

    def fy(self, back: int, name: str) -> float | None:
        row = self.years.get(self.on.year - back)
        return _num(getattr(row, name, None)) if row is not None else None

    def ent_attr(self, name: str) -> Any:
        return getattr(self.ent, name, None)

    def valid_ip(self) -> list[Any]:
        return [
            ip for ip in (self.agg.ip_assets or []) if (getattr(ip, "status", None) or "valid") == "valid"
        ]

    def credentials(self, kind: str) -> list[Any]:
        return [c for c in (self.agg.credentials or []) if c.kind == kind]

    def events(self, kinds: Iterable[str], severities: Iterable[str], days: int) -> list[Any]:
        kinds, severities, start = set(kinds), set(severities), self.on - timedelta(days=days)
        return [
            e
            for e in (self.agg.compliance_events or [])
            if e.kind in kinds
            and (e.severity or "minor") in severities
            and (e.occurred_on is None or start <= e.occurred_on <= self.on)
        ]


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def _field_missing(aggregate: Any, field: str, year: int | None) -> bool:
    if field in ("ip_assets", "credentials", "compliance_events"):
        return True
    if year is None:
        return getattr(aggregate.enterprise, field, None) is None
    row = next((fy for fy in aggregate.fiscal_years or [] if fy.year == year), None)
    return row is None or getattr(row, field, None) is None


def _ratio(num: float | None, den: float | None) -> float | None:
    if num is None or den is None or den <= 0:
        return None
    return num / den


def _sum(values: list[float | None]) -> float | None:
    return None if not values or any(v is None for v in values) else sum(v for v in values if v is not None)


# --- derivations -----------------------------------------------------------------------------------


def _years_since_registration(v: _View) -> float | None:
    reg = v.ent_attr("registration_date")
    return None if reg is None else round((v.on - reg).days / 365.25, 4)


def _window(v: _View, n: int) -> list[int]:
    """The last ``n`` fiscal years (1 = last year), without years before registration."""
    reg = v.ent_attr("registration_date")
    backs = [b for b in range(1, n + 1) if reg is None or v.on.year - b >= reg.year]
    return backs or [1]


def _ratio_3y(v: _View, num: str, den: str) -> float | None:
    backs = _window(v, 3)
    return _ratio(_sum([v.fy(b, num) for b in backs]), _sum([v.fy(b, den) for b in backs]))


def _growth(values: list[float | None]) -> float | None:
    """HNTE growth g = ½·(V2/V1 + V3/V2) − 1, V1 the oldest year."""
    v1, v2, v3 = values
    if v1 is None or v2 is None or v3 is None or v1 <= 0 or v2 <= 0:
        return None
    return (v2 / v1 + v3 / v2) / 2 - 1


def _net_assets(v: _View, back: int) -> float | None:
    assets, liabilities = v.fy(back, "total_assets"), v.fy(back, "total_liabilities")
    return None if assets is None or liabilities is None else assets - liabilities


def _ip_count(v: _View, ip_class: int) -> int:
    return sum(
        1
        for ip in v.valid_ip()
        if _ip_class(ip) == ip_class and not (ip_class == 2 and getattr(ip, "used_in_hnte", None))
    )


def _ip_class(ip: Any) -> int | None:
    entry = IP_KINDS.get(ip.kind)
    return entry[2] if entry else None


def _core_ip_count(v: _View) -> int | None:
    counted = [ip for ip in v.valid_ip() if _ip_class(ip) in (1, 2)]
    core = sum(1 for ip in counted if getattr(ip, "core_to_main_product", None) is True)
    unknown = any(getattr(ip, "core_to_main_product", None) is None for ip in counted)
    return None if core == 0 and unknown else core


def _any_event(kinds: tuple[str, ...], severities: tuple[str, ...], days: int) -> Callable[[_View], bool]:
    return lambda v: bool(v.events(kinds, severities, days))


def _listed(flag: str, kind: str) -> Callable[[_View], bool | None]:
    def derive_flag(v: _View) -> bool | None:
        if v.events((kind,), ("major", "serious", "minor"), 365):
            return True
        return v.ent_attr(flag)

    return derive_flag


# Validity in years when a credential row carries no expiry date (POLICIES.md: HNTE, 专精特新 3 years;
# tech-SME entry 1 year; demonstration titles: assumed 3 years, GAP in the sources).
VALIDITY_YEARS = {
    "hnte": 3,
    "tech_sme": 1,
    "innovative_sme": 3,
    "zjtx_sme": 3,
    "demo_unit_national": 3,
    "demo_project_national": 3,
    "demo_unit_municipal": 3,
    "demo_project_municipal": 3,
}


def _valid_until(kind: str) -> Callable[[_View], date | None]:
    def derive_until(v: _View) -> date | None:
        ends = [_credential_end(c, VALIDITY_YEARS.get(kind, 3)) for c in v.credentials(kind)]
        known = [e for e in ends if e is not None]
        return max(known) if known else None

    return derive_until


def _credential_end(cred: Any, years: int) -> date | None:
    if cred.expires_on is not None:
        return cred.expires_on
    start = cred.issued_on or (date(cred.year, 1, 1) if cred.year else None)
    if start is None:
        return None
    try:
        return start.replace(year=start.year + years) - timedelta(days=1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def _holds(kind: str) -> Callable[[_View], bool]:
    until = _valid_until(kind)
    return lambda v: (end := until(v)) is not None and end >= v.on


def _has_credential(kind: str, years: int | None) -> Callable[[_View], bool]:
    def derive_has(v: _View) -> bool:
        for cred in v.credentials(kind):
            when = cred.issued_on or (date(cred.year, 12, 31) if cred.year else None)
            if years is None or (when is not None and (v.on - when).days <= years * 366):
                return True
        return False

    return derive_has


def _key_institution(v: _View) -> bool | None:
    return True if v.credentials("key_institution") else v.ent_attr("key_institution")


def _attr(name: str) -> Callable[[_View], Any]:
    return lambda v: v.ent_attr(name)


def _fy(name: str, back: int = 1) -> Callable[[_View], float | None]:
    return lambda v: v.fy(back, name)


def _fy_ratio(num: str, den: str) -> Callable[[_View], float | None]:
    return lambda v: _ratio(v.fy(1, num), v.fy(1, den))


def _fy_int(name: str) -> Callable[[_View], int | None]:
    return lambda v: None if (x := v.fy(1, name)) is None else int(x)


# --- the catalogue ---------------------------------------------------------------------------------

_E = Read  # enterprise field
_Y1, _Y2, _Y3 = (1,), (1, 2), (1, 2, 3)
_IP, _CRED, _COMP = Read("ip_assets"), Read("credentials"), Read("compliance_events")
_BAD = ("major", "serious")


def _facts() -> list[Fact]:
    return [
        # identity
        Fact(
            "years_since_registration",
            "years",
            "成立年限",
            "Years since registration",
            (_E("registration_date"),),
            _years_since_registration,
        ),
        Fact(
            "resident_enterprise",
            "bool",
            "居民企业",
            "Resident enterprise",
            (_E("resident_enterprise"),),
            _attr("resident_enterprise"),
        ),
        Fact(
            "independent_legal_person",
            "bool",
            "独立法人",
            "Independent legal person",
            (_E("independent_legal_person"),),
            _attr("independent_legal_person"),
        ),
        Fact(
            "registered_in_shanghai",
            "bool",
            "在上海注册",
            "Registered in Shanghai",
            (_E("registered_in_shanghai"),),
            _attr("registered_in_shanghai"),
        ),
        Fact(
            "tax_in_shanghai",
            "bool",
            "在上海纳税",
            "Pays tax in Shanghai",
            (_E("tax_in_shanghai"),),
            _attr("tax_in_shanghai"),
        ),
        Fact(
            "key_institution",
            "bool",
            "人才引进重点机构",
            "Talent key institution",
            (_E("key_institution"), _CRED),
            _key_institution,
        ),
        Fact(
            "in_restricted_catalogue",
            "bool",
            "属于禁止/限制类目录",
            "In a prohibited/restricted catalogue",
            (_E("in_restricted_catalogue"),),
            _attr("in_restricted_catalogue"),
        ),
        Fact(
            "abnormal_operation_listed",
            "bool",
            "列入经营异常名录",
            "On the abnormal-operation list",
            (_E("abnormal_operation_listed"), _COMP),
            _listed("abnormal_operation_listed", "abnormal_operation"),
        ),
        Fact(
            "serious_dishonesty_listed",
            "bool",
            "列入严重失信名单",
            "On the serious-dishonesty list",
            (_E("serious_dishonesty_listed"), _COMP),
            _listed("serious_dishonesty_listed", "serious_dishonesty"),
        ),
        Fact("legal_form", "code", "企业类型", "Legal form", (_E("legal_form"),), _attr("legal_form")),
        # industry
        Fact(
            "sports_division",
            "code",
            "体育产业类别",
            "Sports-industry division",
            (_E("sports_division"),),
            _attr("sports_division"),
        ),
        Fact(
            "wenchuang_sector",
            "code",
            "文创分类",
            "Cultural & creative sector",
            (_E("wenchuang_sector"),),
            _attr("wenchuang_sector"),
        ),
        Fact(
            "hnte_domain", "code", "高新技术领域", "HNTE domain", (_E("hnte_domain"),), _attr("hnte_domain")
        ),
        Fact(
            "niche_market_years",
            "years",
            "细分市场从业年限",
            "Years in niche market",
            (_E("niche_market_years"),),
            _attr("niche_market_years"),
        ),
        # staff and finance (last completed fiscal year unless named)
        Fact(
            "staff_total",
            "count",
            "上年职工总数",
            "Staff, last year",
            (_E("staff_total", _Y1),),
            _fy_int("staff_total"),
            measure="people",
        ),
        Fact(
            "tech_staff_ratio",
            "ratio",
            "上年科技人员占比",
            "Tech staff ratio, last year",
            (_E("tech_staff", _Y1), _E("staff_total", _Y1)),
            _fy_ratio("tech_staff", "staff_total"),
        ),
        Fact(
            "sales_revenue_last_year",
            "money",
            "上年销售收入",
            "Sales revenue, last year",
            (_E("sales_revenue", _Y1),),
            _fy("sales_revenue"),
        ),
        Fact(
            "total_income_last_year",
            "money",
            "上年总收入",
            "Total income, last year",
            (_E("total_income", _Y1),),
            _fy("total_income"),
        ),
        Fact(
            "total_assets_last_year",
            "money",
            "上年资产总额",
            "Total assets, last year",
            (_E("total_assets", _Y1),),
            _fy("total_assets"),
        ),
        Fact(
            "tax_paid_last_year",
            "money",
            "上年纳税额",
            "Tax paid, last year",
            (_E("tax_paid", _Y1),),
            _fy("tax_paid"),
        ),
        Fact(
            "rd_expense_last_year",
            "money",
            "上年研发费用",
            "R&D expense, last year",
            (_E("rd_expense", _Y1),),
            _fy("rd_expense"),
        ),
        Fact(
            "rd_ratio_last_year",
            "ratio",
            "上年研发费用占销售收入比例",
            "R&D / sales, last year",
            (_E("rd_expense", _Y1), _E("sales_revenue", _Y1)),
            _fy_ratio("rd_expense", "sales_revenue"),
        ),
        Fact(
            "rd_to_cost_last_year",
            "ratio",
            "上年研发费用占成本费用比例",
            "R&D / total cost, last year",
            (_E("rd_expense", _Y1), _E("total_cost", _Y1)),
            _fy_ratio("rd_expense", "total_cost"),
        ),
        Fact(
            "rd_ratio_3y",
            "ratio",
            "近三年研发费用占销售收入比例",
            "R&D / sales, last 3 years",
            (_E("rd_expense", _Y3), _E("sales_revenue", _Y3)),
            lambda v: _ratio_3y(v, "rd_expense", "sales_revenue"),
        ),
        Fact(
            "rd_domestic_share_3y",
            "ratio",
            "近三年境内研发费用占比",
            "Domestic share of R&D, last 3 years",
            (_E("rd_expense_domestic", _Y3), _E("rd_expense", _Y3)),
            lambda v: _ratio_3y(v, "rd_expense_domestic", "rd_expense"),
        ),
        Fact(
            "hightech_income_share",
            "ratio",
            "上年高新技术产品（服务）收入占比",
            "High-tech income share, last year",
            (_E("hightech_income", _Y1), _E("total_income", _Y1)),
            _fy_ratio("hightech_income", "total_income"),
        ),
        Fact(
            "sales_growth_3y",
            "ratio",
            "近三年销售收入增长率",
            "Sales growth, last 3 years",
            (_E("sales_revenue", _Y3),),
            lambda v: _growth([v.fy(b, "sales_revenue") for b in (3, 2, 1)]),
        ),
        Fact(
            "net_asset_growth_3y",
            "ratio",
            "近三年净资产增长率",
            "Net-asset growth, last 3 years",
            (_E("total_assets", _Y3), _E("total_liabilities", _Y3)),
            lambda v: _growth([_net_assets(v, b) for b in (3, 2, 1)]),
        ),
        Fact(
            "equity_financing_2y",
            "money",
            "近两年新增股权融资",
            "Equity financing, last 2 years",
            (_E("equity_financing", _Y2),),
            lambda v: _sum([v.fy(b, "equity_financing") for b in (1, 2)]),
        ),
        Fact(
            "rd_expense_avg_2y",
            "money",
            "近两年平均研发费用",
            "Average R&D expense, last 2 years",
            (_E("rd_expense", _Y2),),
            lambda v: None if (s := _sum([v.fy(b, "rd_expense") for b in (1, 2)])) is None else s / 2,
        ),
        # intellectual property
        Fact(
            "class1_ip_count",
            "count",
            "有效Ⅰ类知识产权数",
            "Valid class I IP items",
            (_IP,),
            lambda v: _ip_count(v, 1),
        ),
        Fact(
            "class2_ip_count",
            "count",
            "可用Ⅱ类知识产权数",
            "Usable class II IP items",
            (_IP,),
            lambda v: _ip_count(v, 2),
        ),
        Fact(
            "core_ip_count", "count", "支撑主营产品的核心知识产权数", "Core IP items", (_IP,), _core_ip_count
        ),
        # compliance
        Fact(
            "major_accident_last_year",
            "bool",
            "近一年发生重大安全、质量事故或严重环境违法",
            "Major accident in the last year",
            (_COMP,),
            _any_event(("safety", "quality", "environmental"), _BAD, 365),
        ),
        Fact(
            "serious_violation_3y",
            "bool",
            "近三年发生重大事故或严重违法",
            "Serious violation in 3 years",
            (_COMP,),
            _any_event(("safety", "quality", "environmental", "data_security", "tax"), _BAD, 3 * 365 + 1),
        ),
        Fact(
            "research_misconduct_2y",
            "bool",
            "当年或上年科研严重失信",
            "Research misconduct, this or last year",
            (_COMP,),
            _any_event(("research_misconduct",), ("major", "serious", "minor"), 2 * 365),
        ),
        # credentials
        Fact(
            "holds_hnte",
            "bool",
            "持有有效高新技术企业证书",
            "Holds a valid HNTE certificate",
            (_CRED,),
            _holds("hnte"),
        ),
        Fact(
            "holds_innovative_sme",
            "bool",
            "已认定创新型中小企业",
            "Holds innovative-SME status",
            (_CRED,),
            _holds("innovative_sme"),
        ),
        Fact(
            "national_st_award_5y",
            "bool",
            "近五年获国家科学技术奖",
            "National S&T award in 5 years",
            (_CRED,),
            _has_credential("national_st_award", 5),
        ),
        Fact(
            "provincial_award_3y",
            "bool",
            "近三年获省级以上奖项",
            "Provincial award in 3 years",
            (_CRED,),
            _has_credential("provincial_award", 3),
        ),
        Fact(
            "provincial_rd_institution",
            "bool",
            "拥有省级以上研发机构",
            "Provincial-level R&D institution",
            (_CRED,),
            _has_credential("provincial_rd_institution", None),
        ),
        Fact(
            "standard_led_5y",
            "bool",
            "近五年主导制定国家或行业标准",
            "Led a standard in 5 years",
            (_CRED,),
            _has_credential("standard_led", 5),
        ),
        *[
            Fact(
                f"{kind}_valid_until",
                "date",
                f"{zh}有效期至",
                f"{en} valid until",
                (_CRED,),
                _valid_until(kind),
            )
            for kind, zh, en in _HELD_KINDS
        ],
    ]


_HELD_KINDS = [
    ("hnte", "高新技术企业证书", "HNTE certificate"),
    ("tech_sme", "科技型中小企业入库", "Tech-SME entry"),
    ("innovative_sme", "创新型中小企业", "Innovative SME"),
    ("zjtx_sme", "专精特新中小企业", "Specialised SME"),
    ("demo_unit_national", "国家体育产业示范单位", "National demonstration unit"),
    ("demo_project_national", "国家体育产业示范项目", "National demonstration project"),
    ("demo_unit_municipal", "上海市体育产业示范单位", "Municipal demonstration unit"),
    ("demo_project_municipal", "上海市体育产业示范项目", "Municipal demonstration project"),
]

CATALOGUE: dict[str, Fact] = {fact.name: fact for fact in _facts()}
