"""设置: officer accounts and roles, the audit trail (filter, export), backups, one's own password.

Admins see everything; officers and viewers only change their own password. The services refuse
what the role forbids whatever this page shows, so hiding a tab is convenience, not protection.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from nicegui import ui

from crm.domain import OFFICER_ROLES
from crm.i18n import register
from crm.services import audit
from crm.services import auth as accounts
from crm.services import backup as backups
from crm.services import profile as profiles
from ui.auth import forget_cached
from ui.background import io_bound
from ui.components.confirm import confirm
from ui.components.stages_panel import StagesPanel
from ui.i18n_ui import lang, tr
from ui.theme import frame

register(
    {
        "srv.set.accounts": ("账号与角色", "Accounts and roles"),
        "srv.set.audit": ("审计记录", "Audit trail"),
        "srv.set.backups": ("备份", "Backups"),
        "srv.set.password": ("我的密码", "My password"),
        "srv.set.only_password": (
            "您可以在这里修改自己的密码；账号、审计和备份由管理员管理。",
            "You can change your own password here; accounts, audit and backups are for admins.",
        ),
        "srv.acc.username": ("登录名", "Username"),
        "srv.acc.name": ("姓名", "Name"),
        "srv.acc.role": ("角色", "Role"),
        "srv.acc.state": ("状态", "State"),
        "srv.acc.active": ("启用", "Active"),
        "srv.acc.inactive": ("停用", "Inactive"),
        "srv.acc.locked": ("已锁定", "Locked"),
        "srv.acc.add": ("新增账号", "Add account"),
        "srv.acc.password": ("初始密码（至少 8 位）", "Initial password (8+ characters)"),
        "srv.acc.edit": ("编辑账号：{name}", "Edit account: {name}"),
        "srv.acc.reset": ("重置密码", "Reset password"),
        "srv.acc.new_password": ("新密码", "New password"),
        "srv.acc.unlock": ("解锁", "Unlock"),
        "srv.acc.done": ("已保存", "Saved"),
        "srv.aud.actor": ("操作人", "User"),
        "srv.aud.entity": ("对象类型", "Record type"),
        "srv.aud.record": ("记录编号（不选类型时为企业编号）", "Record id (an enterprise id when no type)"),
        "srv.aud.since": ("起始日期", "From"),
        "srv.aud.until": ("截止日期", "To"),
        "srv.aud.search": ("查询", "Search"),
        "srv.aud.export": ("导出 Excel", "Export to Excel"),
        "srv.aud.total": ("共 {n} 条", "{n} entries"),
        "srv.aud.prev": ("上一页", "Previous"),
        "srv.aud.next": ("下一页", "Next"),
        "srv.bak.now": ("立即备份", "Back up now"),
        "srv.bak.done": ("已备份：{path}", "Backed up: {path}"),
        "srv.bak.restore_hint": (
            "恢复备份会替换全部数据；替换前当前数据会先另存一份备份。也可在服务器上运行：huiqi restore <备份文件>。",
            "Restoring replaces all data; the current data is saved as a backup first. Or run: huiqi restore <file>.",
        ),
        "srv.bak.col.file": ("备份文件", "File"),
        "srv.bak.col.size": ("大小", "Size"),
        "srv.bak.col.at": ("时间", "Time"),
        "srv.bak.restore": ("恢复", "Restore"),
        "srv.bak.restore_ask": (
            "用备份“{name}”替换当前全部数据？当前数据会先另存一份。",
            "Replace all current data with the backup '{name}'? The current data is saved first.",
        ),
        "srv.bak.restored": (
            "已恢复“{name}”；原数据已另存为 {saved}",
            "Restored '{name}'; the previous data was saved as {saved}",
        ),
        "srv.pw.old": ("原密码", "Current password"),
        "srv.pw.new": ("新密码（至少 8 位）", "New password (8+)"),
        "srv.pw.change": ("修改密码", "Change password"),
        "srv.pw.done": ("密码已修改", "Password changed"),
        "srv.me.tab": ("我的信息", "My details"),
        "srv.me.hint": (
            "服务包首页印有服务专员的姓名、科室、电话和邮箱，企业据此联系您。",
            "Service packs print the officer's name, office, phone and e-mail on page 1 so the enterprise can reach you.",
        ),
        "srv.me.missing": (
            "请先填写您的姓名和电话（或邮箱）：在此之前，服务包只印办公室名称。",
            "Please enter your name and phone (or e-mail): until then packs print only the office name.",
        ),
        "srv.me.office": ("科室", "Office"),
        "srv.me.phone": ("电话", "Phone"),
        "srv.me.email": ("邮箱", "E-mail"),
    }
)


def create() -> None:
    @ui.page("/settings")
    def settings_page() -> None:
        with frame(tr("nav.settings")):
            content()


def content() -> None:
    me = accounts.current_principal()
    if not me.can("admin"):
        ui.label(tr("srv.set.only_password")).classes("text-grey-7")
        _profile_card()
        _password_card()
        return
    asked = not profiles.my_profile().complete  # asked once: the tab opens first until it is filled in
    with ui.tabs().classes("w-full") as tabs:
        t_me = ui.tab(tr("srv.me.tab")).mark("tab-me")
        t_acc = ui.tab(tr("srv.set.accounts")).mark("tab-accounts")
        t_aud = ui.tab(tr("srv.set.audit")).mark("tab-audit")
        t_bak = ui.tab(tr("srv.set.backups")).mark("tab-backups")
        t_stages = ui.tab(tr("ui.stages.tab")).mark("tab-stages")
        t_pw = ui.tab(tr("srv.set.password")) if accounts.is_server_mode() else None
    with ui.tab_panels(tabs, value=t_me if asked else t_acc).classes("w-full"):
        with ui.tab_panel(t_me):
            _profile_card()
        with ui.tab_panel(t_acc):
            AccountsPanel().build()
        with ui.tab_panel(t_aud):
            AuditPanel().build()
        with ui.tab_panel(t_bak):
            _backups_panel()
        with ui.tab_panel(t_stages):
            StagesPanel().build()
        if t_pw is not None:
            with ui.tab_panel(t_pw):
                _password_card()


def _roles() -> dict[str, str]:
    return {code: labels[0] if lang() == "zh" else labels[1] for code, labels in OFFICER_ROLES.items()}


# --- accounts -----------------------------------------------------------------------------------------


class AccountsPanel:
    def build(self) -> None:
        self.table = (
            ui.table(
                columns=[
                    {
                        "name": "username",
                        "label": tr("srv.acc.username"),
                        "field": "username",
                        "sortable": True,
                        "align": "left",
                    },
                    {"name": "name", "label": tr("srv.acc.name"), "field": "name", "align": "left"},
                    {"name": "role", "label": tr("srv.acc.role"), "field": "role", "align": "left"},
                    {"name": "state", "label": tr("srv.acc.state"), "field": "state", "align": "left"},
                ],
                rows=[],
                row_key="id",
            )
            .props("dense flat bordered")
            .classes("w-full")
            .mark("accounts-table")
        )
        self.table.on("rowClick", lambda e: self.edit(e.args[1]["id"]))
        self.refresh()
        with ui.row().classes("items-end gap-2"):
            self.username = ui.input(tr("srv.acc.username")).mark("new-username")
            self.name = ui.input(tr("srv.acc.name")).mark("new-name")
            self.role = ui.select(_roles(), value="officer", label=tr("srv.acc.role")).mark("new-role")
            self.password = ui.input(tr("srv.acc.password"), password=True).mark("new-password")
            ui.button(tr("srv.acc.add"), on_click=self.add).props("unelevated").mark("add-account")

    def refresh(self) -> None:
        roles = _roles()
        self.rows = {a.id: a for a in accounts.list_accounts()}
        self.table.rows = [
            {
                "id": a.id,
                "username": a.username,
                "name": a.display_name,
                "role": roles[a.role],
                "state": (tr("srv.acc.active") if a.active else tr("srv.acc.inactive"))
                + (" · " + tr("srv.acc.locked") if a.locked else ""),
            }
            for a in self.rows.values()
        ]
        self.table.update()

    def add(self) -> None:
        accounts.create_account(
            {"username": self.username.value, "display_name": self.name.value, "role": self.role.value},
            self.password.value or "",
        )
        self.username.value = self.name.value = self.password.value = ""
        ui.notify(tr("srv.acc.done"), type="positive")
        self.refresh()

    def edit(self, account_id: int) -> None:
        a = self.rows[account_id]
        with ui.dialog() as dialog, ui.card().classes("w-96"):
            ui.label(tr("srv.acc.edit", name=a.display_name)).classes("text-h6")
            name = ui.input(tr("srv.acc.name"), value=a.display_name).classes("w-full")
            role = (
                ui.select(_roles(), value=a.role, label=tr("srv.acc.role"))
                .classes("w-full")
                .mark("edit-role")
            )
            active = ui.switch(tr("srv.acc.active"), value=a.active).mark("edit-active")
            new_pw = ui.input(tr("srv.acc.new_password"), password=True).classes("w-full")

            def save() -> None:
                accounts.update_account(
                    a.id,
                    a.version,
                    {"display_name": name.value, "role": role.value, "active": active.value},
                )
                if new_pw.value:
                    accounts.reset_password(a.id, new_pw.value)
                forget_cached(a.username)
                dialog.close()
                ui.notify(tr("srv.acc.done"), type="positive")
                self.refresh()

            def unlock() -> None:
                accounts.unlock_account(a.username)
                dialog.close()
                self.refresh()

            with ui.row().classes("w-full justify-end"):
                if a.locked:
                    ui.button(tr("srv.acc.unlock"), on_click=unlock).props("flat")
                ui.button(tr("common.cancel"), on_click=dialog.close).props("flat")
                ui.button(tr("common.save"), on_click=save).props("unelevated").mark("edit-save")
        dialog.open()


# --- audit trail --------------------------------------------------------------------------------------


# the records the trail can be narrowed to, offered by their names
AUDITED = (
    "enterprise",
    "fiscalyear",
    "ipasset",
    "credential",
    "complianceevent",
    "contact",
    "interaction",
    "task",
    "application",
    "manualsettlement",
    "cyclewindow",
    "officer",
)


@dataclass
class AuditPanel:
    query: audit.AuditQuery = audit.AuditQuery()

    def build(self) -> None:
        with ui.row().classes("items-end gap-2"):
            self.actor = (
                ui.select([""] + audit.audit_actors(), value="", label=tr("srv.aud.actor"), with_input=True)
                .classes("w-40")
                .mark("audit-actor")
            )
            self.entity = ui.select(
                {"": "", **{e: tr(f"history.entity.{e}") for e in AUDITED}},
                value="",
                label=tr("srv.aud.entity"),
            ).classes("w-40")
            self.record = ui.number(tr("srv.aud.record"), format="%d").classes("w-56").mark("audit-record")
            self.since = ui.input(tr("srv.aud.since"), placeholder="2026-01-01").classes("w-32")
            self.until = ui.input(tr("srv.aud.until"), placeholder="2026-12-31").classes("w-32")
            ui.button(tr("srv.aud.search"), on_click=self.search).props("unelevated").mark("audit-search")
            ui.button(tr("srv.aud.export"), on_click=self.export).props("flat").mark("audit-export")
        self.total = ui.label("").classes("text-caption").mark("audit-total")
        self.table = (
            ui.table(
                columns=[
                    {"name": h, "label": h, "field": str(i), "align": "left"}
                    for i, h in enumerate(audit.HEADERS)
                ],
                rows=[],
            )
            .props("dense flat bordered wrap-cells")
            .classes("w-full")
            .mark("audit-table")
        )
        with ui.row():
            ui.button(tr("srv.aud.prev"), on_click=lambda: self.page(-1)).props("flat dense")
            ui.button(tr("srv.aud.next"), on_click=lambda: self.page(+1)).props("flat dense")
        self.search()

    def _read(self) -> audit.AuditQuery | None:
        try:
            since = date.fromisoformat(self.since.value) if self.since.value else None
            until = date.fromisoformat(self.until.value) if self.until.value else None
        except ValueError:
            ui.notify(
                tr("validation.date", field=tr("srv.aud.since"), value=self.since.value or self.until.value),
                type="warning",
            )
            return None
        record = int(self.record.value) if self.record.value is not None else None
        return audit.AuditQuery(
            actor=self.actor.value or None,
            entity=self.entity.value or None,
            record_id=record,
            since=since,
            until=until,
        )

    def search(self) -> None:
        query = self._read()
        if query is not None:
            self.query = query
            self.show()

    def page(self, step: int) -> None:
        self.query = replace(self.query, page=max(1, self.query.page + step))
        self.show()

    def show(self) -> None:
        rows, total = audit.audit_entries(self.query)
        self.total.text = tr("srv.aud.total", n=total)
        self.table.rows = [{"id": r.id, **{str(i): v for i, v in enumerate(r.cells())}} for r in rows]
        self.table.update()

    def export(self) -> None:
        query = self._read()
        if query is not None:
            ui.download(audit.export_audit_xlsx(query), f"huiqi-audit-{date.today():%Y%m%d}.xlsx")


# --- backups and own password ---------------------------------------------------------------------------


def _backups_panel() -> None:
    @ui.refreshable
    def listing() -> None:
        found = backups.list_backups()
        rows = [
            {
                "id": i,
                "file": str(b.path.name),
                "size": f"{b.size / 1024:.0f} KB",
                "at": f"{b.modified:%Y-%m-%d %H:%M}",
            }
            for i, b in enumerate(found)
        ]
        table = (
            ui.table(
                columns=[
                    {"name": k, "label": tr(f"srv.bak.col.{k}"), "field": k, "align": "left"}
                    for k in ("file", "size", "at")
                ]
                + [{"name": "restore", "label": "", "field": "restore", "align": "left"}],
                rows=rows,
                row_key="id",
            )
            .props("dense flat bordered")
            .classes("w-full")
            .mark("backups-table")
        )
        table.add_slot(
            "body-cell-restore",
            f"""<q-td :props="props"><q-btn flat dense no-caps icon="restore" label="{tr("srv.bak.restore")}"
            @click="$parent.$emit('restore', props.row)" /></q-td>""",
        )
        table.on("restore", lambda e: restore(e.args["file"]))

    def now() -> None:
        path = backups.make_backup()
        ui.notify(tr("srv.bak.done", path=path.name), type="positive")
        listing.refresh()

    async def restore(name: str) -> None:
        path = next((b.path for b in backups.list_backups() if b.path.name == name), None)
        if path is None:
            return
        if not await confirm(tr("srv.bak.restore_ask", name=path.name), ok=tr("srv.bak.restore")):
            return
        saved = await io_bound(backups.restore_backup, path)
        ui.notify(tr("srv.bak.restored", name=path.name, saved=saved.name), type="positive", multi_line=True)
        listing.refresh()

    ui.button(tr("srv.bak.now"), on_click=now).props("unelevated").mark("backup-now")
    ui.label(tr("srv.bak.restore_hint")).classes("text-caption text-grey-7")
    listing()


def _password_card() -> None:
    with ui.card().classes("w-96"):
        old = ui.input(tr("srv.pw.old"), password=True).classes("w-full").mark("pw-old")
        new = ui.input(tr("srv.pw.new"), password=True).classes("w-full").mark("pw-new")

        def change() -> None:
            accounts.change_own_password(old.value or "", new.value or "")
            old.value = new.value = ""
            ui.notify(tr("srv.pw.done"), type="positive")

        ui.button(tr("srv.pw.change"), on_click=change).props("unelevated").mark("pw-change")


def _profile_card() -> None:
    """The officer's own details, printed on the packs they make (asked once in desktop mode)."""
    profile = profiles.my_profile()
    with ui.card().classes("w-96"):
        ui.label(tr("srv.me.hint")).classes("text-caption text-grey-7")
        if not profile.complete:
            ui.label(tr("srv.me.missing")).classes("text-warning").mark("profile-missing")
        name = ui.input(tr("srv.acc.name"), value=profile.display_name).classes("w-full").mark("me-name")
        office = ui.input(tr("srv.me.office"), value=profile.office).classes("w-full").mark("me-office")
        phone = ui.input(tr("srv.me.phone"), value=profile.phone).classes("w-full").mark("me-phone")
        email = ui.input(tr("srv.me.email"), value=profile.email).classes("w-full").mark("me-email")
        state = {"version": profile.version}

        def save() -> None:
            data = {
                "display_name": name.value,
                "office": office.value,
                "phone": phone.value,
                "email": email.value,
            }
            state["version"] = profiles.save_my_profile(data, state["version"]).version
            ui.notify(tr("srv.acc.done"), type="positive")

        ui.button(tr("common.save"), on_click=save).props("unelevated").mark("me-save")
