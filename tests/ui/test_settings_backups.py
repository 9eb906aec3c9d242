"""设置 → 备份: Chinese headers, and a backup can be restored from the page (after asking; the current data
is saved first)."""

from __future__ import annotations

from nicegui.testing import User

from crm.services import backup as backups
from crm.services.enterprises import EnterpriseQuery, create_enterprise, list_enterprises


async def test_a_backup_is_restored_from_the_settings_page(user: User) -> None:
    create_enterprise({"name": "上海备份前体育有限公司"})
    await user.open("/settings")
    user.find("tab-backups").click()
    user.find("backup-now").click()
    await user.should_see("已备份")
    create_enterprise({"name": "上海备份后体育有限公司"})
    await user.should_see(marker="backups-table")
    table = user.find("backups-table").elements.pop()
    assert [c["label"] for c in table.columns][:3] == ["备份文件", "大小", "时间"]
    user.find("backups-table").trigger("restore", {"file": backups.list_backups()[0].path.name})
    await user.should_see(marker="confirm-yes")
    user.find("confirm-yes").click()
    await user.should_see("已恢复")
    assert {e.name for e in list_enterprises(EnterpriseQuery()).rows} == {"上海备份前体育有限公司"}
