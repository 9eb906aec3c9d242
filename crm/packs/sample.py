"""A typical pack's input (five recommended policies, ~8 pages): for tests, the bench and template work."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from crm.packs.context import build_context

SAMPLE_DAY = date(2026, 5, 18)


def sample_context(*, name: str = "上海堃喆体育科技有限公司", on: date = SAMPLE_DAY) -> dict[str, Any]:
    """The context of a typical pack for an enterprise called ``name``."""
    return build_context(
        enterprise=sample_enterprise(name),
        officer=SAMPLE_OFFICER,
        verdicts=sample_verdicts(),
        data_used=SAMPLE_DATA,
        on=on,
        rules_hash="3f9a1c0b7d2e5a4f",
    )


def sample_enterprise(name: str) -> dict[str, Any]:
    """Identity block of the sample enterprise."""
    return {
        "id": 1,
        "name": name,
        "uscc": "91310110MA1G8XYZ3K",
        "street": "五角场",
        "address": "上海市杨浦区国定东路200号",
        "registration_date": date(2019, 3, 12),
        "legal_form": "有限责任公司",
        "sports_division": "07 体育传媒与信息服务",
        "contact": "钱旻玥（总经理助理）",
        "contact_phone": "021-5558 0123",
    }


SAMPLE_OFFICER = {"name": "王珺", "phone": "021-6543 2100", "email": "wangjun@example.gov.cn"}

_HNTE_BASIS = [{"doc": "高新技术企业认定管理办法", "number": "国科发火〔2016〕32号", "clause": "第十一条"}]


def _cond(
    cid: str,
    text: str,
    status: str,
    value: Any = None,
    threshold: Any = None,
    gap: Any = None,
    unit: str | None = None,
    clause: str = "",
    op: str = "ge",
) -> dict[str, Any]:
    return {
        "id": cid,
        "label": text,
        "status": status,
        "value": value,
        "threshold": threshold,
        "gap": gap,
        "unit": unit,
        "clause": clause,
        "op": op if threshold is not None else "",
    }


def sample_verdicts() -> list[dict[str, Any]]:
    """Verdicts in the shape ``build_context`` reads (see ``crm.packs.context``)."""
    return [
        {
            "policy_id": "hnte",
            "title": "高新技术企业认定",
            "level": "national",
            "authority": "科技部 财政部 国家税务总局",
            "outcome": "near_miss",
            "rank": 1,
            "confidence": "high",
            "summary": "对拥有核心自主知识产权、研发投入达标的企业认定为高新技术企业，有效期三年。",
            "benefits": ["企业所得税减按15%的税率征收（一般企业为25%）", "亏损结转年限由5年延长至10年"],
            "materials": [
                "高新技术企业认定申请书（网上填报）",
                "营业执照",
                "知识产权证书及相关证明",
                "近三个会计年度研发费用专项审计报告",
                "近一个会计年度高新技术产品（服务）收入专项审计报告",
                "近三个会计年度财务会计报告",
                "科技人员名单及社保缴纳证明",
            ],
            "basis": _HNTE_BASIS,
            "window": {
                "opens": date(2026, 3, 1),
                "closes": date(2026, 9, 30),
                "note": "上海分批受理，以当年通知为准",
            },
            "conditions": [
                _cond("age", "注册成立满一年", "met", 7.2, 1, None, "years", "第十一条（一）"),
                _cond("ip", "拥有核心自主知识产权", "met", 6, 1, None, "count", "第十一条（二）"),
                _cond("domain", "核心技术属于国家重点支持的高新技术领域", "manual", clause="第十一条（三）"),
                _cond(
                    "tech_staff",
                    "科技人员占职工总数比例不低于10%",
                    "met",
                    Decimal("0.18"),
                    Decimal("0.10"),
                    None,
                    "ratio",
                    "第十一条（四）",
                ),
                _cond(
                    "rd_ratio",
                    "近三年研发费用占销售收入比例不低于5%",
                    "not_met",
                    Decimal("0.0412"),
                    Decimal("0.05"),
                    Decimal("0.0088"),
                    "ratio",
                    "第十一条（五）",
                ),
                _cond(
                    "rd_domestic",
                    "境内研发费用占全部研发费用比例不低于60%",
                    "met",
                    Decimal("0.93"),
                    Decimal("0.60"),
                    None,
                    "ratio",
                    "第十一条（五）",
                ),
                _cond(
                    "hightech_income",
                    "高新技术产品（服务）收入占总收入比例不低于60%",
                    "unknown",
                    None,
                    Decimal("0.60"),
                    None,
                    "ratio",
                    "第十一条（六）",
                ),
                _cond(
                    "rd_amount",
                    "近三年研发费用合计",
                    "met",
                    Decimal("3864000"),
                    None,
                    None,
                    "CNY",
                    "第十一条（五）",
                ),
            ],
            "to_collect": [
                {
                    "fact": "hightech_income",
                    "label": "上年度高新技术产品（服务）收入",
                    "why": "核算高新收入占比",
                }
            ],
        },
        {
            "policy_id": "tech_sme",
            "title": "科技型中小企业评价",
            "level": "national",
            "authority": "科技部",
            "outcome": "eligible",
            "rank": 2,
            "confidence": "high",
            "summary": "对符合规模与科技条件的中小企业进行年度评价入库，可享受研发费用加计扣除等政策。",
            "benefits": ["研发费用按100%加计扣除", "作为申报专精特新、高新技术企业的基础条件"],
            "materials": ["科技型中小企业信息表（网上填报）", "上年度财务会计报告", "知识产权证明材料"],
            "basis": [
                {
                    "doc": "科技型中小企业评价办法",
                    "number": "国科发政〔2017〕115号",
                    "clause": "第六条、第八条",
                }
            ],
            "window": {"opens": date(2026, 1, 1), "closes": date(2026, 12, 31), "note": "全年常态化受理"},
            "conditions": [
                _cond("staff", "职工总数不超过500人", "met", 86, 500, None, "people", "第六条（二）", "le"),
                _cond(
                    "sales",
                    "年销售收入不超过2亿元",
                    "met",
                    Decimal("31250000"),
                    Decimal("200000000"),
                    None,
                    "CNY",
                    "第六条（二）",
                    "le",
                ),
                _cond(
                    "assets",
                    "资产总额不超过2亿元",
                    "met",
                    Decimal("27800000"),
                    Decimal("200000000"),
                    None,
                    "CNY",
                    "第六条（二）",
                    "le",
                ),
                _cond("score", "综合评价得分不低于60分", "met", 74, 60, None, "points", "第八条"),
            ],
            "to_collect": [],
        },
        {
            "policy_id": "wenchuang_fund",
            "title": "上海市文化创意产业发展财政扶持资金",
            "level": "municipal",
            "authority": "上海市委宣传部 上海市财政局",
            "outcome": "likely",
            "rank": 3,
            "confidence": "medium",
            "summary": "支持文化创意产业重点项目，电竞、体育赛事运营等项目可按年度申报指南申请。",
            "benefits": [
                "项目贷款贴息，单个项目最高400万元",
                "无偿资助最高300万元，市区两级合计不超过项目总投资的50%",
            ],
            "materials": [
                "项目申报书",
                "项目可行性研究报告",
                "项目投资及资金使用计划",
                "近两年审计报告",
                "信用承诺书",
            ],
            "basis": [
                {
                    "doc": "上海市文化创意产业发展财政扶持资金管理办法",
                    "number": "沪委宣〔2019〕号（待核）",
                    "clause": "第八条",
                }
            ],
            "window": {"opens": date(2026, 2, 6), "closes": date(2026, 6, 5), "note": "以当年申报指南为准"},
            "conditions": [
                _cond("registered", "在上海注册的独立法人", "met", True, None, None, None, "第七条"),
                _cond(
                    "sector",
                    "属于上海市文化创意产业分类目录",
                    "met",
                    "网络信息服务",
                    None,
                    None,
                    None,
                    "第七条",
                ),
                _cond("credit", "无不良信用记录", "unknown", None, None, None, None, "第七条"),
            ],
            "to_collect": [
                {
                    "fact": "serious_dishonesty_listed",
                    "label": "是否列入严重失信名单",
                    "why": "资金申报的信用要求",
                }
            ],
        },
        {
            "policy_id": "zjtx",
            "title": "上海市专精特新中小企业",
            "level": "municipal",
            "authority": "上海市经济和信息化委员会",
            "outcome": "near_miss",
            "rank": 4,
            "confidence": "high",
            "summary": "培育专业化、精细化、特色化、新颖化的中小企业，认定有效期三年。",
            "benefits": ["优先推荐市级专项资金", "银行专属授信与融资支持", "区级奖励（金额待确认）"],
            "materials": ["专精特新中小企业申请书", "上年度财务审计报告", "研发费用明细", "知识产权清单"],
            "basis": [
                {
                    "doc": "优质中小企业梯度培育管理暂行办法",
                    "number": "工信部企业〔2022〕63号",
                    "clause": "附件2",
                },
                {
                    "doc": "上海市优质中小企业梯度培育管理实施细则",
                    "number": "沪经信规范〔2022〕8号",
                    "clause": "第九条",
                },
            ],
            "window": {"opens": date(2026, 4, 1), "closes": date(2026, 6, 20), "note": "分批次受理"},
            "conditions": [
                _cond("niche", "从事细分市场年限不少于2年", "met", 5, 2, None, "years", "第九条（一）"),
                _cond(
                    "rd_amount",
                    "上年度研发费用不低于100万元",
                    "met",
                    Decimal("1380000"),
                    Decimal("1000000"),
                    None,
                    "CNY",
                    "第九条（二）",
                ),
                _cond(
                    "rd_share",
                    "上年度研发费用占营业收入比例不低于3%",
                    "met",
                    Decimal("0.0442"),
                    Decimal("0.03"),
                    None,
                    "ratio",
                    "第九条（二）",
                ),
                _cond(
                    "revenue",
                    "上年度营业收入不低于1000万元",
                    "met",
                    Decimal("31250000"),
                    Decimal("10000000"),
                    None,
                    "CNY",
                    "第九条（三）",
                ),
                _cond("innovative", "已获评创新型中小企业", "not_met", False, True, None, None, "第八条"),
            ],
            "to_collect": [],
        },
        {
            "policy_id": "demo_unit_municipal",
            "title": "上海市体育产业示范单位",
            "level": "municipal",
            "authority": "上海市体育局",
            "outcome": "likely",
            "rank": 5,
            "confidence": "low",
            "summary": "对经营规范、效益突出、在重点领域具有示范作用的体育企业授予示范单位称号。",
            "benefits": ["市级体育产业示范称号", "优先推荐国家体育产业示范单位", "区级配套奖励（参数待定）"],
            "materials": ["示范单位申报表", "企业发展规划", "近三年经营情况说明", "信用及安全生产承诺"],
            "basis": [{"doc": "上海市体育产业基地管理办法", "number": "（文号待核）", "clause": "第十条"}],
            "window": {"opens": date(2026, 4, 15), "closes": date(2026, 5, 29), "note": "经区体育局推荐"},
            "conditions": [
                _cond("years", "持续经营满3年", "met", 7.2, 3, None, "years", "第十条"),
                _cond(
                    "revenue",
                    "上年度营业收入不低于2000万元（暂定参数）",
                    "met",
                    Decimal("31250000"),
                    Decimal("20000000"),
                    None,
                    "CNY",
                    "第十条",
                ),
                _cond(
                    "tax",
                    "上年度纳税额不低于60万元（暂定参数）",
                    "not_met",
                    Decimal("452000"),
                    Decimal("600000"),
                    Decimal("148000"),
                    "CNY",
                    "第十条",
                ),
                _cond("benefit", "社会效益和经济效益显著", "manual", None, None, None, None, "第十条"),
            ],
            "to_collect": [],
        },
        {
            "policy_id": "demo_unit_national",
            "title": "国家体育产业示范单位",
            "level": "national",
            "authority": "国家体育总局",
            "outcome": "ineligible",
            "rank": None,
            "confidence": "medium",
            "summary": "",
            "benefits": [],
            "materials": [],
            "basis": [],
            "window": None,
            "conditions": [],
            "to_collect": [],
        },
    ]


SAMPLE_DATA: list[dict[str, Any]] = [
    {"label": "成立日期", "value": date(2019, 3, 12), "unit": None, "source": "营业执照"},
    {"label": "所属街道", "value": "五角场", "unit": None, "source": "企业填报"},
    {"label": "职工总数（2025年）", "value": 86, "unit": "people", "source": "社保缴纳记录"},
    {"label": "科技人员（2025年）", "value": 15, "unit": "people", "source": "企业填报"},
    {"label": "销售收入（2025年）", "value": Decimal("31250000"), "unit": "CNY", "source": "年度审计报告"},
    {"label": "销售收入（2024年）", "value": Decimal("27100000"), "unit": "CNY", "source": "年度审计报告"},
    {"label": "销售收入（2023年）", "value": Decimal("22400000"), "unit": "CNY", "source": "年度审计报告"},
    {"label": "研发费用（2025年）", "value": Decimal("1380000"), "unit": "CNY", "source": "研发费用辅助账"},
    {"label": "研发费用（2024年）", "value": Decimal("1294000"), "unit": "CNY", "source": "研发费用辅助账"},
    {"label": "研发费用（2023年）", "value": Decimal("1190000"), "unit": "CNY", "source": "研发费用辅助账"},
    {"label": "纳税总额（2025年）", "value": Decimal("452000"), "unit": "CNY", "source": "完税证明"},
    {"label": "资产总额（2025年）", "value": Decimal("27800000"), "unit": "CNY", "source": "年度审计报告"},
    {"label": "有效知识产权", "value": 6, "unit": "count", "source": "知识产权清单"},
    {"label": "高新技术产品（服务）收入", "value": None, "unit": "CNY", "source": "—"},
]
