"""Every navigation entry opens: a built page, or a note of what will come there (never an error)."""

from __future__ import annotations

import importlib.util

import pytest
from nicegui.testing import User

from ui.theme import NAV, NavItem


def built(item: NavItem) -> bool:
    return importlib.util.find_spec(f"ui.pages.{item.key}") is not None


@pytest.mark.parametrize("item", NAV, ids=[n.key for n in NAV])
async def test_every_navigation_entry_opens(user: User, item: NavItem) -> None:
    await user.open(item.route)
    await user.should_see(marker="page-title")
    await user.should_see(marker=f"nav-{item.key}")
    if not built(item):
        await user.should_see("即将上线")
