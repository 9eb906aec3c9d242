"""The one translation catalogue (zh-CN default, English a switch away).

Keys are dotted English names; values are (zh, en) templates formatted with ``str.format``.
The current language lives in a context variable so the UI can switch it per client.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Final

DEFAULT_LANG: Final = "zh"
LANGS: Final = ("zh", "en")

current_lang: ContextVar[str] = ContextVar("huiqi_lang", default=DEFAULT_LANG)

MESSAGES: dict[str, tuple[str, str]] = {
    # --- navigation and frame
    "app.title": ("惠企 · 体育产业政策服务", "Huiqi · Sports-industry policy services"),
    "nav.dashboard": ("工作台", "Dashboard"),
    "nav.enterprises": ("企业", "Enterprises"),
    "nav.policies": ("政策", "Policies"),
    "nav.calendar": ("日历", "Calendar"),
    "nav.applications": ("申报", "Applications"),
    "nav.intake": ("导入导出", "Import / export"),
    "nav.packs": ("服务包", "Service packs"),
    "nav.requests": ("资料补充", "Data requests"),
    "nav.settings": ("设置", "Settings"),
    "frame.search_placeholder": (
        "搜索企业（名称、拼音、信用代码）  /",
        "Search enterprises (name, pinyin, USCC)  /",
    ),
    "frame.language": ("English", "中文"),
    "frame.officer": ("当前专员：{name}", "Officer: {name}"),
    "common.save": ("保存", "Save"),
    "common.cancel": ("取消", "Cancel"),
    "common.delete": ("删除", "Delete"),
    "common.restore": ("恢复", "Restore"),
    "common.edit": ("编辑", "Edit"),
    "common.add": ("新增", "Add"),
    "common.confirm": ("确定", "Confirm"),
    "common.unknown": ("未知", "Unknown"),
    "common.yes": ("是", "Yes"),
    "common.no": ("否", "No"),
    "common.saved": ("已保存", "Saved"),
    "common.deleted": ("已删除", "Deleted"),
    "common.restored": ("已恢复", "Restored"),
    # --- errors from the store
    "error.conflict": (
        "保存失败：该记录已被 {actor} 于 {at} 修改（当前版本 {actual}，您编辑的是版本 {expected}）。"
        "请刷新后重新编辑，您的修改未写入。",
        "Not saved: {actor} changed this record at {at} (now version {actual}, you edited version "
        "{expected}). Reload and edit again; nothing was overwritten.",
    ),
    "error.not_found": ("记录不存在或已删除：{entity} #{id}", "Record not found or deleted: {entity} #{id}"),
    "error.validation": ("请修正标红的字段", "Please fix the highlighted fields"),
    # --- field validation (field = the field's label)
    "validation.required": ("{field}为必填项", "{field} is required"),
    "validation.date": (
        "{field}不是有效日期：“{value}”（请用 2026-03-05 格式）",
        "{field} is not a valid date: '{value}' (use 2026-03-05)",
    ),
    "validation.date_future": ("{field}不能晚于今天", "{field} cannot be in the future"),
    "validation.money": (
        "{field}应为金额（元），收到“{value}”",
        "{field} must be an amount in CNY, got '{value}'",
    ),
    "validation.integer": ("{field}应为整数，收到“{value}”", "{field} must be a whole number, got '{value}'"),
    "validation.min": ("{field}不能小于 {min}", "{field} cannot be less than {min}"),
    "validation.max": ("{field}不能大于 {max}", "{field} cannot be more than {max}"),
    "validation.too_long": ("{field}最多 {max} 个字符", "{field} allows at most {max} characters"),
    "validation.username": (
        "{field}只能用小写字母、数字和 . _ -，且不以点开头（如 li.ming）：“{value}”",
        "{field} may use only lower-case letters, digits and . _ - and may not start with a dot (e.g. li.ming): “{value}”",
    ),
    "validation.choice": (
        "{field}取值无效：“{value}”，可选：{choices}",
        "{field} is invalid: '{value}'; choose from {choices}",
    ),
    "validation.bool": ("{field}应为“是”或“否”，收到“{value}”", "{field} must be yes or no, got '{value}'"),
    "validation.uscc_format": (
        "{field}格式错误：“{value}”（应为 18 位，由数字和大写字母组成，不含 I O Z S V）",
        "{field} is malformed: '{value}' (18 characters: digits and capitals except I O Z S V)",
    ),
    "validation.uscc_checksum": (
        "{field}校验位错误：“{value}”。如确认为真实代码，请填写“例外原因”后保存",
        "{field} fails its check digit: '{value}'. If the code is real, give an override reason",
    ),
    "validation.officer_unknown": (
        "{field}不是在职的专员账号（#{value}）",
        "{field} is not an active officer account (#{value})",
    ),
    "validation.uscc_duplicate": (
        "{field}已被其他企业使用：{other}",
        "{field} is already used by another enterprise: {other}",
    ),
    "validation.tech_staff_exceeds": ("{field}不能超过职工总数", "{field} cannot exceed total staff"),
    "validation.rd_domestic_exceeds": (
        "{field}不能超过研发费用总额",
        "{field} cannot exceed total R&D expense",
    ),
    "validation.expires_before_issued": (
        "{field}不能早于发证日期",
        "{field} cannot be before the issue date",
    ),
    "validation.year_range": ("{field}应在 1990 到 {max} 之间", "{field} must be between 1990 and {max}"),
}


def t(key: str, lang: str | None = None, /, **params: object) -> str:
    """Translate ``key`` into ``lang`` (default: the current language), formatting ``params``."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    text = entry[0] if (lang or current_lang.get()) == "zh" else entry[1]
    return text.format(**params) if params else text


def register(messages: dict[str, tuple[str, str]]) -> None:
    """Add a feature's messages to the catalogue (refuses to silently redefine a key)."""
    clash = [k for k, v in messages.items() if k in MESSAGES and MESSAGES[k] != v]
    if clash:
        raise ValueError(f"translation keys defined twice: {clash}")
    MESSAGES.update(messages)
