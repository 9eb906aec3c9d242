"""Every navigation entry opens (built pages, or a note of what will come there)."""

from __future__ import annotations

import pytest
from nicegui.testing import User

from ui.theme import NAV


@pytest.mark.parametrize("item", NAV, ids=[n.key for n in NAV])
async def test_every_navigation_entry_opens(user: User, item) -> None:
    await user.open(item.route)
    await user.should_see(marker="page-title")
    await user.should_see(marker=f"nav-{item.key}")


async def test_page_not_built_yet_says_what_will_come(user: User) -> None:
    await user.open("/calendar")
    await user.should_see("即将上线")
    await user.should_see("申报日历")
