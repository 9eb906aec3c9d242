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
from datetime import date
from typing import Any

from crm.domain import CREDENTIAL_KINDS
from crm.facts.credentials import has_credential, holds, key_institution, valid_until, zjtx_award
from crm.facts.derive import (
    View,
    any_event,
    attr,
    core_ip_count,
    field_missing,
    fy,
    fy_int,
    fy_ratio,
    growth,
    ip_count,
    listed,
    main_ip_count,
    mean_years,
    net_assets,
    ratio_3y,
    since_last_year,
    single_year_growth,
    sme_by_industry,
    sme_industry,
    sports_enterprise,
    sum_years,
    titled,
    within_years,
    years_since_registration,
)

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
    "industry_code": "国民经济行业代码",
    "strategic_emerging": "主导产品是否属于战略性新兴产业",
    "niche_market_years": "细分市场从业年限",
    "staff_total": "职工总数",
    "tech_staff": "科技人员数",
    "sales_revenue": "销售收入",
    "main_business_revenue": "主营业务收入",
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
    ask: bool = True  # False: a record that can settle the fact, but the fact's own field is what to ask for
    label: str | None = None  # what to ask for when it is more precise than the field's label


@dataclass(frozen=True)
class Fact:
    """A named, typed fact with its labels, the fields it reads and its derivation."""

    name: str
    type: str
    zh: str
    en: str
    reads: tuple[Read, ...]
    derive: Callable[[View], Any]
    measure: str | None = None  # display unit when the type's default is wrong (staff: people, not items)

    @property
    def unit(self) -> str:
        return self.measure or UNITS[self.type]

    def collect_items(self, on: date, aggregate: Any = None, registered: date | None = None) -> list[str]:
        """Precise "please collect" items; with an aggregate, only the fields actually missing."""
        return [item.label for item in self.to_collect(on, aggregate, registered)]

    def to_collect(
        self, on: date, aggregate: Any = None, registered: date | None = None
    ) -> list[CollectItem]:
        """The record fields (and fiscal years) to collect to know this fact; the fact itself when none.

        Never a fiscal year before the enterprise was registered (``registered``, or the aggregate's date).
        """
        if registered is None and aggregate is not None:
            registered = getattr(aggregate.enterprise, "registration_date", None)
        items, before = [], False
        asked = [read for read in self.reads if read.ask] or list(self.reads)
        for read in asked:
            years: list[int | None] = [on.year - back for back in read.years_back] or [None]
            for year in years:
                if year is not None and registered is not None and year < registered.year:
                    before = True  # the enterprise did not exist: nothing to ask
                elif aggregate is None or field_missing(aggregate, read.field, year):
                    prefix = f"{year} 年" if year else ""
                    label = read.label or f"{prefix}{FIELD_ZH.get(read.field, read.field)}"
                    items.append(CollectItem(self.name, read.field, year, label))
        return items or ([] if before else [CollectItem(self.name, None, None, self.zh)])


@dataclass(frozen=True)
class CollectItem:
    """One thing to collect: a record field (of one fiscal year, or None) that the fact ``fact`` reads."""

    fact: str
    field: str | None
    year: int | None
    label: str


def derive(aggregate: Any, on: date, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Every catalogue fact of one enterprise as of ``on`` (None = unknown); ``overrides`` win."""
    view = View(aggregate, on)
    facts = {name: fact.derive(view) for name, fact in CATALOGUE.items()}
    facts.update(overrides or {})
    return facts


def collect_items(
    names: Iterable[str], on: date, aggregate: Any = None, registered: date | None = None
) -> list[str]:
    """Deduplicated "请补充" items for unknown facts (none for years before ``registered``)."""
    return [item.label for item in to_collect(names, on, aggregate, registered)]


def to_collect(
    names: Iterable[str], on: date, aggregate: Any = None, registered: date | None = None
) -> list[CollectItem]:
    """What to collect for unknown facts, one item per field and year (the first fact needing it named)."""
    seen: dict[str, CollectItem] = {}
    for name in names:
        fact = CATALOGUE.get(name)
        items = fact.to_collect(on, aggregate, registered) if fact else [CollectItem(name, None, None, name)]
        for item in items:
            seen.setdefault(item.label, item)
    return list(seen.values())


# --- the catalogue ---------------------------------------------------------------------------------

_E = Read  # enterprise field
_Y1, _Y2, _Y3 = (1,), (1, 2), (1, 2, 3)
_IP, _CRED, _COMP = Read("ip_assets"), Read("credentials"), Read("compliance_events")
# A listed-by-event or titled-by-credential fact asks for its own field, not for the whole record list.
_CRED_TOO, _COMP_TOO = Read("credentials", ask=False), Read("compliance_events", ask=False)
_BAD = ("major", "serious")


def _dated(kind: str) -> Read:
    """A credential's date: what settles a validity known only by its year."""
    return Read("credentials", label=f"{CREDENTIAL_KINDS[kind][0]}证书日期（发证或有效期至）")


def _award(kind: str) -> Read:
    """An award's (or title's) date: what settles "within N years" for one known only by its year."""
    return Read("credentials", label=f"{CREDENTIAL_KINDS[kind][0]}获得日期")


# One fact per entry reads as a table; the formatter would spread each over eight lines.
# fmt: off
def _facts() -> list[Fact]:
    return [
        # identity
        Fact("registration_date", "date", "注册成立日期", "Registration date", (_E("registration_date"),),
             attr("registration_date")),
        Fact("years_since_registration", "years", "成立年限", "Years since registration",
             (_E("registration_date"),), years_since_registration),
        Fact("resident_enterprise", "bool", "居民企业", "Resident enterprise", (_E("resident_enterprise"),),
             attr("resident_enterprise")),
        Fact("independent_legal_person", "bool", "独立法人", "Independent legal person",
             (_E("independent_legal_person"),), attr("independent_legal_person")),
        Fact("registered_in_shanghai", "bool", "在上海注册", "Registered in Shanghai",
             (_E("registered_in_shanghai"),), attr("registered_in_shanghai")),
        Fact("tax_in_shanghai", "bool", "在上海纳税", "Pays tax in Shanghai", (_E("tax_in_shanghai"),),
             attr("tax_in_shanghai")),
        Fact("key_institution", "bool", "人才引进重点机构", "Talent key institution",
             (_E("key_institution"), _CRED_TOO), key_institution),
        Fact("in_restricted_catalogue", "bool", "属于禁止/限制类目录", "In a prohibited/restricted catalogue",
             (_E("in_restricted_catalogue"),), attr("in_restricted_catalogue")),
        Fact("abnormal_operation_listed", "bool", "列入经营异常名录", "On the abnormal-operation list",
             (_E("abnormal_operation_listed"), _COMP_TOO), listed("abnormal_operation_listed", "abnormal_operation")),
        Fact("serious_dishonesty_listed", "bool", "列入严重失信名单", "On the serious-dishonesty list",
             (_E("serious_dishonesty_listed"), _COMP_TOO), listed("serious_dishonesty_listed", "serious_dishonesty")),
        Fact("legal_form", "code", "企业类型", "Legal form", (_E("legal_form"),), attr("legal_form")),
        # industry
        Fact("sports_division", "code", "体育产业类别", "Sports-industry division", (_E("sports_division"),),
             attr("sports_division")),
        Fact("wenchuang_sector", "code", "文创分类", "Cultural & creative sector", (_E("wenchuang_sector"),),
             attr("wenchuang_sector")),
        Fact("sports_enterprise", "bool", "属于体育企业（已登记体育产业类别）", "A sports enterprise (division recorded)",
             (_E("sports_division"),), sports_enterprise),
        Fact("industry_code", "code", "国民经济行业代码", "GB/T 4754 industry code", (_E("industry_code"),),
             attr("industry_code")),
        Fact("sme_by_industry", "bool", "符合中小企业划型标准（按所属行业）", "SME by its industry's size standard",
             (_E("industry_code"), _E("sports_division"), _E("staff_total", _Y1), _E("sales_revenue", _Y1),
              _E("total_assets", _Y1)), sme_by_industry),
        Fact("sme_industry", "code", "划型所属行业", "Industry for the SME size standard",
             (_E("industry_code"), _E("sports_division")), sme_industry),
        Fact("strategic_emerging", "bool", "主导产品属于战略性新兴产业", "Main product in a strategic emerging industry",
             (_E("strategic_emerging"),), attr("strategic_emerging")),
        Fact("hnte_domain", "code", "高新技术领域", "HNTE domain", (_E("hnte_domain"),), attr("hnte_domain")),
        Fact("niche_market_years", "years", "细分市场从业年限", "Years in niche market",
             (_E("niche_market_years"),), attr("niche_market_years")),
        # staff and finance (last completed fiscal year unless named)
        Fact("staff_total", "count", "上年职工总数", "Staff, last year", (_E("staff_total", _Y1),),
             fy_int("staff_total"), measure="people"),
        Fact("tech_staff_ratio", "ratio", "上年科技人员占比", "Tech staff ratio, last year",
             (_E("tech_staff", _Y1), _E("staff_total", _Y1)), fy_ratio("tech_staff", "staff_total")),
        Fact("sales_revenue_last_year", "money", "上年销售收入", "Sales revenue, last year",
             (_E("sales_revenue", _Y1),), fy("sales_revenue")),
        Fact("total_income_last_year", "money", "上年总收入", "Total income, last year",
             (_E("total_income", _Y1),), fy("total_income")),
        Fact("total_assets_last_year", "money", "上年资产总额", "Total assets, last year",
             (_E("total_assets", _Y1),), fy("total_assets")),
        Fact("tax_paid_last_year", "money", "上年纳税额", "Tax paid, last year", (_E("tax_paid", _Y1),),
             fy("tax_paid")),
        Fact("total_cost_last_year", "money", "上年成本费用总额", "Total cost and expense, last year",
             (_E("total_cost", _Y1),), fy("total_cost")),
        Fact("rd_expense_last_year", "money", "上年研发费用", "R&D expense, last year",
             (_E("rd_expense", _Y1),), fy("rd_expense")),
        Fact("rd_ratio_last_year", "ratio", "上年研发费用占销售收入比例", "R&D / sales, last year",
             (_E("rd_expense", _Y1), _E("sales_revenue", _Y1)), fy_ratio("rd_expense", "sales_revenue")),
        Fact("rd_to_cost_last_year", "ratio", "上年研发费用占成本费用比例", "R&D / total cost, last year",
             (_E("rd_expense", _Y1), _E("total_cost", _Y1)), fy_ratio("rd_expense", "total_cost")),
        Fact("rd_ratio_3y", "ratio", "近三年研发费用占销售收入比例", "R&D / sales, last 3 years",
             (_E("rd_expense", _Y3), _E("sales_revenue", _Y3)), lambda v: ratio_3y(v, "rd_expense", "sales_revenue")),
        Fact("rd_domestic_share_3y", "ratio", "近三年境内研发费用占比", "Domestic share of R&D, last 3 years",
             (_E("rd_expense_domestic", _Y3), _E("rd_expense", _Y3)),
             lambda v: ratio_3y(v, "rd_expense_domestic", "rd_expense")),
        Fact("hightech_income_share", "ratio", "上年高新技术产品（服务）收入占比", "High-tech income share, last year",
             (_E("hightech_income", _Y1), _E("total_income", _Y1)), fy_ratio("hightech_income", "total_income")),
        Fact("sales_growth_3y", "ratio", "近三年销售收入增长率", "Sales growth, last 3 years",
             (_E("sales_revenue", _Y3),), lambda v: growth([v.fy(b, "sales_revenue") for b in (3, 2, 1)])),
        Fact("net_asset_growth_3y", "ratio", "近三年净资产增长率", "Net-asset growth, last 3 years",
             (_E("total_assets", _Y3), _E("total_liabilities", _Y3)),
             lambda v: growth([net_assets(v, b) for b in (3, 2, 1)])),
        Fact("main_business_growth_last_year", "ratio", "上年主营业务收入增长率", "Main-business revenue growth, last year",
             (_E("main_business_revenue", _Y2),), lambda v: single_year_growth(v, "main_business_revenue")),
        Fact("main_business_share_last_year", "ratio", "上年主营业务收入占营业收入比重",
             "Main-business share of operating revenue, last year",
             (_E("main_business_revenue", _Y1), _E("sales_revenue", _Y1)), fy_ratio("main_business_revenue", "sales_revenue")),
        Fact("debt_ratio_last_year", "ratio", "上年资产负债率", "Debt-to-asset ratio, last year",
             (_E("total_liabilities", _Y1), _E("total_assets", _Y1)), fy_ratio("total_liabilities", "total_assets")),
        Fact("equity_financing_3y", "money", "近三年新增股权融资", "Equity financing, last 3 years",
             (_E("equity_financing", _Y3),), lambda v: sum_years(v, "equity_financing", 3)),
        Fact("equity_financing_2y", "money", "近两年新增股权融资", "Equity financing, last 2 years",
             (_E("equity_financing", _Y2),), lambda v: sum_years(v, "equity_financing", 2)),
        Fact("rd_expense_avg_2y", "money", "近两年平均研发费用", "Average R&D expense, last 2 years",
             (_E("rd_expense", _Y2),), lambda v: mean_years(v, "rd_expense", 2)),
        # intellectual property
        Fact("class1_ip_count", "count", "有效Ⅰ类知识产权数", "Valid class I IP items", (_IP,), lambda v: ip_count(v, 1)),
        Fact("class2_ip_count", "count", "有效Ⅱ类知识产权数", "Valid class II IP items", (_IP,), lambda v: ip_count(v, 2)),
        Fact("class2_ip_unused_count", "count", "未用于高企认定的有效Ⅱ类知识产权数",
             "Valid class II IP items not used in an HNTE application", (_IP,), lambda v: ip_count(v, 2, unused=True)),
        Fact("main_class1_high_value_count", "count", "与主导产品相关的高价值Ⅰ类知识产权数",
             "High-value class I IP tied to the main product", (_IP,), lambda v: main_ip_count(v, 1, high_value=True)),
        Fact("main_class1_own_count", "count", "与主导产品相关的自主研发Ⅰ类知识产权数",
             "Own-developed class I IP tied to the main product", (_IP,), lambda v: main_ip_count(v, 1, own=True)),
        Fact("main_class1_count", "count", "与主导产品相关的Ⅰ类知识产权数", "Class I IP tied to the main product",
             (_IP,), lambda v: main_ip_count(v, 1)),
        Fact("main_class2_count", "count", "与主导产品相关的Ⅱ类知识产权数", "Class II IP tied to the main product",
             (_IP,), lambda v: main_ip_count(v, 2)),
        Fact("core_ip_count", "count", "支撑主营产品的核心知识产权数", "Core IP items", (_IP,), core_ip_count),
        # compliance
        Fact("major_accident_last_year", "bool", "近一年发生重大安全、质量事故或严重环境违法",
             "Major accident in the last year", (_COMP,),
             any_event(("safety", "quality", "environmental"), _BAD, lambda on: within_years(1, on))),
        Fact("serious_violation_3y", "bool", "近三年发生重大事故或严重违法", "Serious violation in 3 years", (_COMP,),
             any_event(("safety", "quality", "environmental", "data_security", "tax"), _BAD, lambda on: within_years(3, on))),
        Fact("major_accident_this_or_last_year", "bool", "上一年及当年发生重大安全、质量事故或严重环境违法",
             "Major accident last year or this year", (_COMP,),
             any_event(("safety", "quality", "environmental"), _BAD, since_last_year)),
        Fact("research_misconduct_2y", "bool", "当年或上年科研严重失信", "Research misconduct, this or last year",
             (_COMP,), any_event(("research_misconduct",), ("major", "serious", "minor"), since_last_year)),
        # credentials
        Fact("holds_hnte", "bool", "持有有效高新技术企业证书", "Holds a valid HNTE certificate",
             (_dated("hnte"),), holds("hnte")),
        Fact("holds_innovative_sme", "bool", "已认定创新型中小企业", "Holds innovative-SME status",
             (_dated("innovative_sme"),), holds("innovative_sme")),
        Fact("national_st_award_5y", "bool", "近五年获国家科学技术奖", "National S&T award in 5 years",
             (_award("national_st_award"),),
             has_credential("national_st_award", 5)),
        Fact("national_st_award_top3_5y", "bool", "近五年获国家科学技术奖（获奖单位排名前三）",
             "National S&T award in 5 years, among the first three award units",
             (_award("national_st_award"),), has_credential("national_st_award", 5, top=3)),
        Fact("st_award_3y", "bool", "近三年获国家级或省级科学技术奖", "National or provincial S&T award in 3 years",
             (_award("national_st_award"), _award("provincial_st_award")),
             has_credential(("national_st_award", "provincial_st_award"), 3)),
        Fact("st_award_top3_3y", "bool", "近三年获省级科学技术奖（排名前三）或国家科学技术奖",
             "Provincial S&T award (first three) or national S&T award in 3 years",
             (_award("provincial_st_award"), _award("national_st_award")), zjtx_award),
        Fact("holds_innovation_title", "bool", "拥有有效的国家级技术创新示范企业或知识产权优势/示范企业称号",
             "Holds a technology-innovation or IP demonstration title", (_CRED,),
             titled(("tech_innovation_demo", "ip_advantage", "ip_demo"))),
        Fact("provincial_award_3y", "bool", "近三年获省级以上奖项", "Provincial award in 3 years",
             (_award("provincial_award"),),
             has_credential("provincial_award", 3)),
        Fact("provincial_rd_institution", "bool", "拥有省级以上研发机构", "Provincial-level R&D institution",
             (_CRED,), has_credential("provincial_rd_institution", None)),
        Fact("standard_led_5y", "bool", "近五年主导制定国家或行业标准", "Led a standard in 5 years",
             (_award("standard_led"),),
             has_credential("standard_led", 5)),
        *[Fact(f"{kind}_valid_until", "date", f"{zh}有效期至", f"{en} valid until", (_dated(kind),),
               valid_until(kind))
          for kind, zh, en in _HELD_KINDS],
    ]


# fmt: on
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
