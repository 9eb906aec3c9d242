"""Every navigation entry opens its page, with its title and the navigation, and no error."""

from __future__ import annotations

import pytest
from nicegui.testing import User

from ui.theme import NAV, NavItem


@pytest.mark.parametrize("item", NAV, ids=[n.key for n in NAV])
async def test_every_navigation_entry_opens(user: User, item: NavItem) -> None:
    await user.open(item.route)
    await user.should_see(marker="page-title")
    await user.should_see(marker=f"nav-{item.key}")
    await user.should_not_see("操作未完成")  # the error handler's notice for an unexpected error
