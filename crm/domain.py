"""Closed vocabularies of the domain (codes stored in the database, labels for people)."""

from __future__ import annotations

from typing import Final

# Yangpu's 12 streets (POLICIES.md §10). Stored as the Chinese name: it is the code officers use.
STREETS: Final = (
    "定海路",
    "平凉路",
    "江浦路",
    "四平路",
    "控江路",
    "长白新村",
    "延吉新村",
    "殷行",
    "大桥",
    "五角场",
    "新江湾城",
    "长海路",
)

# 体育产业统计分类(2019), 11 divisions (POLICIES.md §8): code -> (zh, en)
SPORTS_DIVISIONS: Final[dict[str, tuple[str, str]]] = {
    "01": ("体育管理活动", "Sports management"),
    "02": ("体育竞赛表演活动", "Sports competitions and performances"),
    "03": ("体育健身休闲活动", "Fitness and leisure sports"),
    "04": ("体育场地和设施管理", "Sports venue and facility management"),
    "05": (
        "体育经纪与代理、广告与会展、表演与设计服务",
        "Sports agency, advertising, exhibitions and design",
    ),
    "06": ("体育教育与培训", "Sports education and training"),
    "07": ("体育传媒与信息服务", "Sports media and information services"),
    "08": ("其他体育服务", "Other sports services"),
    "09": ("体育用品及相关产品制造", "Manufacture of sporting goods"),
    "10": ("体育用品及相关产品销售、出租与贸易代理", "Sale, rental and trade of sporting goods"),
    "11": ("体育场地设施建设", "Construction of sports facilities"),
}
SPORTS_SERVICE_DIVISIONS: Final = frozenset(set(SPORTS_DIVISIONS) - {"09", "11"})

LEGAL_FORMS: Final[dict[str, tuple[str, str]]] = {
    "llc": ("有限责任公司", "Limited liability company"),
    "joint_stock": ("股份有限公司", "Joint-stock company"),
    "sole_proprietorship": ("个人独资企业", "Sole proprietorship"),
    "partnership": ("合伙企业", "Partnership"),
    "individual_business": ("个体工商户", "Individual business"),
    "branch": ("分公司", "Branch"),
    "social_org": ("社会团体", "Social organisation"),
    "private_non_enterprise": ("民办非企业单位", "Private non-enterprise unit"),
    "public_institution": ("事业单位", "Public institution"),
    "other": ("其他", "Other"),
}

# 上海市文化创意产业分类目录(2022) sectors relevant to sports firms (POLICIES.md §5)
WENCHUANG_SECTORS: Final[dict[str, tuple[str, str]]] = {
    "esports": ("电竞", "E-sports"),
    "leisure_entertainment": ("休闲娱乐", "Leisure and entertainment"),
    "internet_services": ("网络信息服务", "Internet services"),
    "advertising_exhibition": ("广告会展", "Advertising and exhibitions"),
    "design": ("创意设计", "Design"),
    "none": ("不属于文创目录", "Not in the catalogue"),
}

# HNTE's 8 state-supported domains (POLICIES.md §1.3)
HNTE_DOMAINS: Final[dict[str, tuple[str, str]]] = {
    "electronic_info": ("电子信息", "Electronic information"),
    "biomed": ("生物与新医药", "Biology and new medicine"),
    "aerospace": ("航空航天", "Aerospace"),
    "new_materials": ("新材料", "New materials"),
    "hightech_services": ("高技术服务", "High-tech services"),
    "new_energy": ("新能源与节能", "New energy and energy saving"),
    "resources_env": ("资源与环境", "Resources and environment"),
    "advanced_manufacturing": ("先进制造与自动化", "Advanced manufacturing and automation"),
    "none": ("不属于八大领域", "None of the eight"),
}

# IP kinds: code -> (zh, en, HNTE class 1/2, or None when it does not count)
IP_KINDS: Final[dict[str, tuple[str, str, int | None]]] = {
    "invention_patent": ("发明专利", "Invention patent", 1),
    "ic_layout": ("集成电路布图设计", "IC layout design", 1),
    "plant_variety": ("植物新品种", "New plant variety", 1),
    "new_drug": ("国家新药", "National new drug", 1),
    "utility_model": ("实用新型专利", "Utility model", 2),
    "design_patent": ("外观设计专利", "Design patent", 2),
    "software_copyright": ("软件著作权", "Software copyright", 2),
    "trademark": ("商标", "Trademark", None),
    "other": ("其他", "Other", None),
}
IP_STATUSES: Final[dict[str, tuple[str, str]]] = {
    "valid": ("有效", "Valid"),
    "pending": ("申请中", "Pending"),
    "expired": ("已失效", "Expired"),
}
IP_ACQUISITIONS: Final[dict[str, tuple[str, str]]] = {
    "own": ("自主研发", "Own R&D"),
    "transfer": ("受让", "Transfer"),
    "gift": ("受赠", "Gift"),
    "merger": ("并购", "Merger or acquisition"),
}

# 划型 industries of the SME size standard (crm/facts/size.py holds their ceilings)
SME_INDUSTRIES: Final[dict[str, tuple[str, str]]] = {
    "industry": ("工业", "Industry"),
    "retail": ("零售业", "Retail"),
    "wholesale": ("批发业", "Wholesale"),
    "software": ("软件和信息技术服务业", "Software and IT services"),
    "leasing_business": ("租赁和商务服务业", "Leasing and business services"),
    "construction": ("建筑业", "Construction"),
    "other": ("其他未列明行业", "Other industries"),
    "info_transmission": ("信息传输业", "Information transmission"),
}

# Credentials (titles, certificates, statuses) an enterprise may hold
CREDENTIAL_KINDS: Final[dict[str, tuple[str, str]]] = {
    "hnte": ("高新技术企业", "High and New Technology Enterprise"),
    "tech_sme": ("科技型中小企业", "Tech-based SME"),
    "innovative_sme": ("创新型中小企业", "Innovative SME"),
    "zjtx_sme": ("专精特新中小企业", "Specialised and innovative SME"),
    "little_giant": ("专精特新“小巨人”企业", "'Little giant' enterprise"),
    "demo_unit_national": ("国家体育产业示范单位", "National sports-industry demonstration unit"),
    "demo_project_national": ("国家体育产业示范项目", "National sports-industry demonstration project"),
    "demo_unit_municipal": ("上海市体育产业示范单位", "Shanghai sports-industry demonstration unit"),
    "demo_project_municipal": ("上海市体育产业示范项目", "Shanghai sports-industry demonstration project"),
    "wenchuang_funded": ("上海市文创资金资助项目", "Shanghai cultural & creative fund project"),
    "national_st_award": ("国家科学技术奖", "National S&T award"),
    "provincial_st_award": ("省级科学技术奖", "Provincial S&T award"),
    "provincial_award": ("省部级奖项（非科学技术奖）", "Other provincial-level award"),
    "tech_innovation_demo": (
        "国家级技术创新示范企业",
        "National technology-innovation demonstration enterprise",
    ),
    "ip_advantage": ("国家知识产权优势企业", "National IP advantage enterprise"),
    "ip_demo": ("国家知识产权示范企业", "National IP demonstration enterprise"),
    "provincial_rd_institution": ("省级研发机构", "Provincial-level R&D institution"),
    "standard_led": ("主导制定标准", "Led a national or industry standard"),
    "key_institution": ("人才引进重点机构", "Talent key institution"),
    "other": ("其他", "Other"),
}
# Validity in years when a credential row carries no expiry date (POLICIES.md: HNTE, 专精特新 3 years;
# tech-SME entry 1 year; demonstration titles: assumed 3 years, GAP in the sources).
VALIDITY_YEARS: Final[dict[str, int]] = {
    "hnte": 3,
    "tech_sme": 1,
    "innovative_sme": 3,
    "zjtx_sme": 3,
    "demo_unit_national": 3,
    "demo_project_national": 3,
    "demo_unit_municipal": 3,
    "demo_project_municipal": 3,
}
CREDENTIAL_LEVELS: Final[dict[str, tuple[str, str]]] = {
    "national": ("国家级", "National"),
    "municipal": ("市级", "Municipal"),
    "district": ("区级", "District"),
}

COMPLIANCE_KINDS: Final[dict[str, tuple[str, str]]] = {
    "safety": ("安全事故", "Safety accident"),
    "quality": ("质量事故", "Quality accident"),
    "environmental": ("环境违法", "Environmental violation"),
    "research_misconduct": ("科研严重失信", "Research misconduct"),
    "tax": ("税务违法", "Tax violation"),
    "data_security": ("数据安全事件", "Data-security incident"),
    "abnormal_operation": ("列入经营异常名录", "Abnormal-operation list"),
    "serious_dishonesty": ("列入严重失信名单", "Serious-dishonesty list"),
}
SEVERITIES: Final[dict[str, tuple[str, str]]] = {
    "major": ("重大", "Major"),
    "serious": ("严重", "Serious"),
    "minor": ("一般", "Minor"),
}

INTERACTION_KINDS: Final[dict[str, tuple[str, str]]] = {
    "visit": ("走访", "Visit"),
    "call": ("电话", "Call"),
    "meeting": ("会议", "Meeting"),
    "message": ("微信/邮件", "Message"),
}
TASK_STATUSES: Final[dict[str, tuple[str, str]]] = {
    "open": ("待办", "Open"),
    "done": ("已完成", "Done"),
    "cancelled": ("已取消", "Cancelled"),
}
OFFICER_ROLES: Final[dict[str, tuple[str, str]]] = {
    "admin": ("管理员", "Administrator"),
    "officer": ("专员", "Officer"),
    "viewer": ("只读", "Viewer"),
}


# how a pipeline stage ends: still moving, approved/paid, or not approved/withdrawn
STAGE_OUTCOMES: Final[dict[str, tuple[str, str]]] = {
    "open": ("进行中", "Open"),
    "won": ("成功", "Won"),
    "lost": ("未成", "Lost"),
}


# --- verdicts: the one vocabulary every screen, chart, export and pack uses ---------------------------

# outcome code -> (zh, en), best first
OUTCOMES: Final[dict[str, tuple[str, str]]] = {
    "eligible": ("符合", "Eligible"),
    "likely": ("基本符合，待核实", "Likely, to be confirmed"),
    "near_miss": ("差距较小", "Near miss"),
    "needs_data": ("需补充资料", "Needs data"),
    "held": ("已持有", "Already held"),
    "ineligible": ("不符合", "Not eligible"),
}
# Quasar colour names (screens) and hex colours (charts, PDFs) of each outcome
OUTCOME_COLOURS: Final[dict[str, str]] = {
    "eligible": "positive",
    "likely": "primary",
    "near_miss": "warning",
    "needs_data": "blue-grey",
    "held": "teal",
    "ineligible": "grey",
}
OUTCOME_HEX: Final[dict[str, str]] = {
    "eligible": "#21ba45",
    "likely": "#1976d2",
    "near_miss": "#f2c037",
    "needs_data": "#78909c",
    "held": "#26a69a",
    "ineligible": "#9e9e9e",
}
# verdicts worth telling the enterprise about: recommended in packs, one click to an application.
# ``needs_data`` is not among them: its next step is asking for the data, not an application.
ACTIONABLE_OUTCOMES: Final = ("eligible", "likely", "near_miss")
# verdicts to call the enterprise about now (the radar's first card, 符合条件尚未告知): the known cases only
TELL_OUTCOMES: Final = ("eligible", "near_miss")
# verdicts waiting for the enterprise's data (the radar's 待收集信息 card)
COLLECT_OUTCOMES: Final = ("likely", "needs_data", "near_miss")
# An open verdict (every condition met except manual reviews and unknown facts) is ``likely`` while at most
# this many unknown facts decide it, and ``needs_data`` from one more (a named setting; the engine's default).
LIKELY_MAX_UNKNOWN_FACTS: Final = 1

# comparison symbols of a condition's threshold, as printed beside it ("≥ 60 分")
OP_SYMBOLS: Final[dict[str, str]] = {
    "ge": "≥",
    "gt": ">",
    "le": "≤",
    "lt": "<",
    "between": "介于",
    "eq": "=",
    "ne": "≠",
    "in": "属于",
    "not_in": "不属于",
    "is": "为",
    "date_ge": "不早于",
    "date_le": "不晚于",
}


def outcome_label(code: str, lang: str = "zh") -> str:
    """The label of a verdict outcome in ``lang``."""
    return label(OUTCOMES, code, lang)


def label(vocabulary: dict[str, tuple], code: str | None, lang: str = "zh") -> str:
    """Human label of a code in a vocabulary; the code itself when unknown."""
    if code is None:
        return ""
    entry = vocabulary.get(code)
    if entry is None:
        return code
    return entry[0] if lang == "zh" else entry[1]
