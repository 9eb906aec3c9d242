"""The UI's messages (registered into the one catalogue, crm.i18n) and the per-user language.

Every key here starts with ``ui.``. The language lives in ``app.storage.user['lang']``; ``tr`` reads it
on every call, because NiceGUI runs event handlers outside the page's context (a ContextVar set
while the page was built is gone by the time a button is clicked).
"""

from __future__ import annotations

from nicegui import app

from crm.i18n import DEFAULT_LANG, LANGS, current_lang, register, t

register(
    {
        # --- frame
        "ui.frame.menu": ("菜单", "Menu"),
        # --- time left until a deadline
        "ui.left.overdue": ("已过期 {days} 天", "{days} days overdue"),
        "ui.left.today": ("今天截止", "Due today"),
        "ui.left.days": ("剩 {working} 个工作日（{days} 天）", "{working} working days left ({days} days)"),
        "ui.left.estimated": ("（估算）", " (estimated)"),
        "ui.deadline.internal_deadline": ("材料交区截止", "materials due at the district"),
        "ui.deadline.window_closes": ("申报截止", "window closes"),
        # --- estimated values
        "ui.value.per_year": ("万元/年", "10k CNY/year"),
        "ui.value.once": ("万元（一次性）", "10k CNY (one-off)"),
        "ui.value.at_least": ("至少 {low} {unit}", "at least {low} {unit}"),
        "ui.value.up_to": ("最高 {high} {unit}", "up to {high} {unit}"),
        "ui.value.unknown": ("未估算", "not estimated"),
        "ui.frame.no_results": ("没有匹配的企业", "No matching enterprise"),
        # --- enterprise list
        "ui.list.title": ("企业", "Enterprises"),
        "ui.list.new": ("新增企业", "New enterprise"),
        "ui.list.search": ("快速搜索：名称、曾用名、信用代码", "Quick search: name, former name, USCC"),
        "ui.list.streets": ("街道", "Streets"),
        "ui.list.divisions": ("体育产业类别", "Divisions"),
        "ui.list.tags": ("标签", "Tags"),
        "ui.list.clear": ("清除筛选", "Clear filters"),
        "ui.list.total": ("共 {total} 家企业", "{total} enterprises"),
        "ui.list.capital_wan": ("注册资本（万元）", "Registered capital (10k CNY)"),
        "ui.list.updated": ("更新时间", "Updated"),
        # --- enterprise detail
        "ui.detail.tab.profile": ("概况", "Profile"),
        "ui.detail.tab.fiscalyear": ("财务年度", "Fiscal years"),
        "ui.detail.tab.ipasset": ("知识产权", "IP"),
        "ui.detail.tab.credential": ("资质荣誉", "Credentials"),
        "ui.detail.tab.complianceevent": ("合规记录", "Compliance"),
        "ui.detail.tab.contact": ("联系人", "Contacts"),
        "ui.detail.tab.interaction": ("走访记录", "Interactions"),
        "ui.detail.tab.task": ("待办", "Tasks"),
        "ui.detail.tab.history": ("变更历史", "History"),
        "ui.detail.tab.match": ("政策匹配", "Policy match"),
        "ui.detail.tab.applications": ("申报", "Applications"),
        "ui.detail.tab.packs": ("服务包", "Service packs"),
        "ui.detail.not_found": (
            "找不到该企业（可能已删除）：#{id}",
            "Enterprise not found (maybe deleted): #{id}",
        ),
        "ui.detail.version": ("版本 {version} · 更新于 {at}", "Version {version} · updated {at}"),
        "ui.detail.delete_ask": ("确定删除“{name}”？删除后可以撤销。", "Delete '{name}'? You can undo it."),
        "ui.detail.deleted": ("已删除“{name}”", "Deleted '{name}'"),
        "ui.detail.undo": ("撤销", "Undo"),
        "ui.detail.reload": ("载入最新版本", "Load the latest version"),
        "ui.detail.empty": ("暂无记录", "No records yet"),
        "ui.detail.actions": ("操作", "Actions"),
        "ui.detail.add_title": ("新增：{what}", "Add: {what}"),
        "ui.detail.edit_title": ("编辑：{what}", "Edit: {what}"),
        "ui.detail.money_unit": ("（万元）", " (10k CNY)"),
        "ui.new.title": ("新增企业", "New enterprise"),
        "ui.new.created": ("已创建“{name}”", "Created '{name}'"),
        # --- history
        "ui.history.at": ("时间", "When"),
        "ui.history.actor": ("操作人", "Who"),
        "ui.history.action": ("操作", "Action"),
        "ui.history.record": ("记录", "Record"),
        "ui.history.field": ("字段", "Field"),
        "ui.history.old": ("原值", "Old"),
        "ui.history.new": ("新值", "New"),
        "ui.history.changes": ("变更内容", "Changes"),
        "ui.history.create": ("新建", "Created"),
        "ui.history.update": ("修改", "Changed"),
        "ui.history.delete": ("删除", "Deleted"),
        "ui.history.restore": ("恢复", "Restored"),
        "ui.history.merge": ("合并", "Merged"),
        "ui.entity.enterprise": ("企业", "Enterprise"),
        "ui.entity.fiscalyear": ("财务年度", "Fiscal year"),
        "ui.entity.ipasset": ("知识产权", "IP item"),
        "ui.entity.credential": ("资质荣誉", "Credential"),
        "ui.entity.complianceevent": ("合规记录", "Compliance event"),
        "ui.entity.contact": ("联系人", "Contact"),
        "ui.entity.interaction": ("走访记录", "Interaction"),
        "ui.entity.task": ("待办", "Task"),
        "ui.entity.officer": ("专员", "Officer"),
    }
)


def lang() -> str:
    """The signed-in user's language (zh by default); outside a page, the context's language."""
    try:
        value = app.storage.user.get("lang", DEFAULT_LANG)
    except (RuntimeError, AssertionError):  # no client or no storage (e.g. a CLI or a unit test)
        return current_lang.get()
    return value if value in LANGS else DEFAULT_LANG


def set_lang(value: str) -> None:
    """Remember the user's language and apply it to this context."""
    app.storage.user["lang"] = value if value in LANGS else DEFAULT_LANG
    current_lang.set(app.storage.user["lang"])


def tr(key: str, /, **params: object) -> str:
    """``crm.i18n.t`` in the user's language."""
    return t(key, lang(), **params)
