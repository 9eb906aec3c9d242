"""An officer assigns the enterprise's owner officer in the profile form (the radar per officer uses it)."""

from __future__ import annotations

from nicegui.testing import User

from crm import store
from crm.db import session_scope
from crm.services.enterprises import create_enterprise, get_enterprise


def _officer(username: str, name: str) -> int:
    with session_scope() as s:
        return int(
            store.create_officer(
                session=s, data={"username": username, "display_name": name, "role": "officer"}, actor="t"
            ).id
        )


async def test_the_profile_form_assigns_an_owner_officer(user: User) -> None:
    li = _officer("li", "李四")
    ent = create_enterprise({"name": "上海杨浦跃动体育科技有限公司"})
    await user.open(f"/enterprises/{ent.id}")
    user.find("edit-enterprise").click()
    await user.should_see(marker="field-owner_officer_id")
    owner = user.find("field-owner_officer_id").elements.pop()
    assert owner.options[li] == "李四"
    owner.set_value(li)
    user.find("save").click()
    await user.should_see("已保存")
    assert get_enterprise(ent.id).owner_officer_id == li
    await user.should_see(marker="value-owner_officer_id")
    assert user.find("value-owner_officer_id").elements.pop().text == "李四"


async def test_the_edit_form_shows_the_current_owner(user: User) -> None:
    zhang = _officer("zhang", "张三")
    ent = create_enterprise({"name": "上海江湾赛事运营有限公司", "owner_officer_id": zhang})
    await user.open(f"/enterprises/{ent.id}")
    user.find("edit-enterprise").click()
    await user.should_see(marker="field-owner_officer_id")
    assert user.find("field-owner_officer_id").elements.pop().value == zhang
