"""A typical pack's input (five recommended policies, ~8 pages): for tests, the bench and template work.

The verdicts are in ``crm.packs.sample_verdicts``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from crm.packs.context import build_context
from crm.packs.sample_verdicts import sample_verdicts

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


def sample_report_context(year: int = 2026) -> dict[str, Any]:
    """The yearly report template's input in its real shape (``crm.services.report.build_context``)."""
    return {
        "document_id": f"huiqi-report-{year}-sample",
        "year": year,
        "generated_on": SAMPLE_DAY.isoformat(),
        "office": "杨浦区投资促进办公室",
        "kpis": [{"label": "服务企业", "value": "320 家"}, {"label": "已兑现资金", "value": "1,250.00 万元"}],
        "charts": [
            {
                "title": "各街道企业数",
                "svg": '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>',
                "empty": False,
                "header": ["类别", "企业数"],
                "rows": [["五角场", "120"], ["殷行", "80"]],
            },
            {"title": "申报结果", "svg": "", "empty": True, "header": ["类别"], "rows": []},
        ],
    }
