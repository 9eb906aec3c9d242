"""How a yes/no fact reads to people: a positive phrase for each state, never a bare 是/否.

"未列入经营异常名录：否，要求为否" is a double negative on a page handed to an enterprise; the same condition reads
"未列入经营异常名录：✓ 未列入" with these phrases. Every bool fact of the catalogue has its two phrases (a test
checks it).
"""

from __future__ import annotations

from typing import Any

# fact -> (phrase when true, phrase when false)
STATES: dict[str, tuple[str, str]] = {
    "resident_enterprise": ("居民企业", "非居民企业"),
    "independent_legal_person": ("具有独立法人资格", "不具有独立法人资格"),
    "registered_in_shanghai": ("在上海注册", "未在上海注册"),
    "tax_in_shanghai": ("在上海纳税", "未在上海纳税"),
    "key_institution": ("属于人才引进重点机构", "不属于重点机构"),
    "in_restricted_catalogue": ("属于禁止/限制类", "不属于禁止/限制类"),
    "sports_enterprise": ("已登记体育产业类别", "非体育企业"),
    "sme_by_industry": ("符合中小企业划型标准", "超出中小企业划型标准"),
    "strategic_emerging": ("属于战略性新兴产业", "属于其他领域"),
    "abnormal_operation_listed": ("已列入异常名录", "未列入异常名录"),
    "serious_dishonesty_listed": ("已列入失信名单", "未列入失信名单"),
    "major_accident_last_year": ("有重大事故或严重违法记录", "无重大事故记录"),
    "serious_violation_3y": ("有重大事故或严重违法记录", "无重大事故或违法记录"),
    "major_accident_this_or_last_year": ("有重大事故或严重违法记录", "无重大事故记录"),
    "research_misconduct_2y": ("有科研严重失信记录", "无科研失信记录"),
    "holds_hnte": ("持有有效证书", "未持有"),
    "holds_innovative_sme": ("已认定", "未认定"),
    "national_st_award_5y": ("获得过", "未获得"),
    "national_st_award_top3_5y": ("获得过（排名前三）", "未获得"),
    "st_award_3y": ("获得过", "未获得"),
    "st_award_top3_3y": ("获得过", "未获得"),
    "holds_innovation_title": ("拥有", "没有"),
    "provincial_award_3y": ("获得过", "未获得"),
    "provincial_rd_institution": ("拥有", "没有"),
    "standard_led_5y": ("主导过", "未主导"),
}


def state_text(fact: str, value: Any) -> str:
    """The phrase for a yes/no fact's value ('' when unknown; 是/否 only for a fact without phrases)."""
    if value is None:
        return ""
    yes, no = STATES.get(fact, ("是", "否"))
    return yes if value else no
