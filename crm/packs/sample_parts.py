"""Building blocks of the sample pack's verdicts (``crm.packs.sample_verdicts``): a condition row in the
shape ``build_context`` reads, and the HNTE basis the samples cite."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

HNTE_BASIS = [{"doc": "高新技术企业认定管理办法", "number": "国科发火〔2016〕32号", "clause": "第十一条"}]


def cond(
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


def needs_data_sample() -> dict[str, Any]:
    """The sample's policy that needs data (创新型中小企业): its facts are unknown, so it has no sections."""
    return {
        "policy_id": "innovative_sme",
        "title": "创新型中小企业评价",
        "level": "municipal",
        "authority": "上海市经济和信息化委员会",
        "outcome": "needs_data",
        "rank": 6,
        "value_text": "未估算",
        "confidence": "high",
        "summary": "",
        "benefits": ["创新型中小企业称号，申报专精特新的前提"],
        "materials": [],
        "basis": [],
        "window": {"opens": date(2026, 1, 1), "closes": date(2026, 12, 31), "note": ""},
        "conditions": [
            cond("growth", "主营业务收入增长率", "unknown", None, None, None, "ratio"),
            cond("debt", "资产负债率", "unknown", None, None, None, "ratio"),
        ],
        "to_collect": [
            {
                "fact": "total_liabilities_ratio",
                "field": "total_liabilities",
                "year": 2025,
                "label": "负债总额",
                "unit": "CNY",
            },
            {
                "fact": "main_revenue_growth",
                "field": "sales_revenue",
                "year": 2024,
                "label": "销售收入",
                "unit": "CNY",
            },
        ],
        "to_check": [
            {
                "field": "total_assets",
                "year": 2025,
                "label": "资产总额",
                "unit": "CNY",
                "value": Decimal("27800000"),
            },
            {
                "field": "sales_revenue",
                "year": 2025,
                "label": "销售收入",
                "unit": "CNY",
                "value": Decimal("31250000"),
            },
        ],
    }
