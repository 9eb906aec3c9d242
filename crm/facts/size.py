"""SME size by industry (中小企业划型标准规定, 工信部联企业〔2011〕300号): who counts as a 中小微型企业.

An enterprise is an SME when it is under **either** ceiling of its industry ("或"): 工业 staff < 1,000 or revenue
< 400,000,000 CNY, and so on (``STANDARD``). The industry comes from an explicit 国民经济行业 code (GB/T 4754)
when the record has one, else from the sports division (体育产业统计分类 → 划型 industry, POLICIES.md §13). A
division that maps to two industries (sporting-goods trade: wholesale or retail) is decided only when both agree.
An industry without figures here is unknown, never the industrial default. Every ceiling is a named, dated
parameter with its source and confidence; a revision of the standard has been discussed since 2024 (verify).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

SOURCE = "中小企业划型标准规定（工信部联企业〔2011〕300号）"
AS_OF = date(2011, 6, 18)


@dataclass(frozen=True)
class Ceilings:
    """An industry's SME ceilings (strict: under them is an SME); None = not a criterion of that industry."""

    zh: str
    staff: int | None = None
    revenue: float | None = None
    assets: float | None = None
    confidence: str = "high"  # the figures; the division -> industry mapping is medium (see POLICIES.md §13)
    note: str = ""


# the figures of POLICIES.md §13, plus 信息传输业 (not in the shared notes: low confidence, to verify)
STANDARD: dict[str, Ceilings] = {
    "industry": Ceilings("工业", staff=1000, revenue=4.0e8),
    "retail": Ceilings("零售业", staff=300, revenue=2.0e8),
    "wholesale": Ceilings("批发业", staff=200, revenue=4.0e8),
    "software": Ceilings("软件和信息技术服务业", staff=300, revenue=1.0e8),
    "leasing_business": Ceilings("租赁和商务服务业", staff=300, assets=1.2e9),
    "construction": Ceilings("建筑业", revenue=8.0e8, assets=8.0e8),
    "other": Ceilings("其他未列明行业", staff=300),
    "info_transmission": Ceilings(
        "信息传输业",
        staff=2000,
        revenue=1.0e9,
        confidence="low",
        note="共享政策资料未列出，按划型标准原文记忆，需核实",
    ),
}

# 体育产业统计分类(2019) division -> the 划型 industries it may fall under (POLICIES.md §13, mapping M)
BY_DIVISION: dict[str, tuple[str, ...]] = {
    "09": ("industry",),
    "10": ("wholesale", "retail"),
    "11": ("construction",),
    "07": ("software",),
    **{d: ("other",) for d in ("01", "02", "03", "04", "05", "06", "08")},
}


def industries(industry_code: str | None, sports_division: str | None) -> tuple[str, ...]:
    """The 划型 industries that may apply: from the GB/T 4754 code when given, else from the division."""
    if industry_code:
        found = by_code(industry_code)
        return (found,) if found else ()
    return BY_DIVISION.get(sports_division or "", ())


def by_code(code: str) -> str | None:
    """A GB/T 4754 code (``8930``, ``R8930``, ``89``) -> its 划型 industry; None when we hold no figures for it."""
    digits = code.strip().upper().lstrip("ABCDEFGHIJKLMNOPQRST")
    if len(digits) < 2 or not digits[:2].isdigit():
        return None
    division = int(digits[:2])
    ranges = (
        (6, 46, "industry"),  # B 采矿业, C 制造业, D 电力热力燃气及水
        (47, 50, "construction"),
        (51, 51, "wholesale"),
        (52, 52, "retail"),
        (63, 64, "info_transmission"),
        (65, 65, "software"),
        (71, 72, "leasing_business"),
        (73, 75, "other"),  # M 科学研究和技术服务业
        (76, 97, "other"),  # N–T (体育 89, 文化 86–88, 教育 83, 卫生 84 …)
    )
    return next((name for low, high, name in ranges if low <= division <= high), None)


def is_sme(industry: str, staff: float | None, revenue: float | None, assets: float | None) -> bool | None:
    """Under either ceiling of ``industry``: True; over every one: False; unknown when an unknown figure decides."""
    ceilings = STANDARD[industry]
    tests = [
        (limit, value)
        for limit, value in ((ceilings.staff, staff), (ceilings.revenue, revenue), (ceilings.assets, assets))
        if limit is not None
    ]
    under = [None if value is None else value < limit for limit, value in tests]
    return True if True in under else None if None in under else False


def sme_status(
    industry_code: Any, sports_division: Any, staff: Any, revenue: Any, assets: Any
) -> bool | None:
    """SME under every industry that may apply: True; under none: False; else (or no industry) unknown."""
    found = industries(industry_code, sports_division)
    answers = {is_sme(name, staff, revenue, assets) for name in found}
    return answers.pop() if len(answers) == 1 else None
