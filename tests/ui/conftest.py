"""Fixtures for the UI tests: a few enterprises written through crm.services (the lead's conftest
already gives each test its own data dir and SQLite database)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from nicegui.testing import User
from stdnum.cn import uscc

from crm.services.enterprises import create_enterprise


def valid_uscc(body: str) -> str:
    """A USCC with a correct check digit from its first 17 characters."""
    return body + uscc.calc_check_digit(body)


SAMPLE = [
    {
        "name": "上海杨浦跃动体育科技有限公司",
        "uscc": valid_uscc("91310110MA1G8K3L2"),
        "street": "五角场",
        "sports_division": "07",
        "registration_date": "2018-04-12",
        "registered_capital": "500万元",
        "tags": ["电竞", "重点企业"],
        "legal_form": "llc",
    },
    {
        "name": "上海江湾赛事运营有限公司",
        "uscc": valid_uscc("91310110MA1H2B7Q5"),
        "street": "新江湾城",
        "sports_division": "02",
        "registration_date": "2020-09-01",
        "registered_capital": "120.5万元",
        "tags": ["赛事"],
    },
    {
        "name": "上海长白健身管理有限公司",
        "street": "长白新村",
        "sports_division": "03",
        "registration_date": "2016-01-20",
    },
]


@pytest.fixture
def enterprises() -> list[Any]:
    return [create_enterprise(dict(data)) for data in SAMPLE]


@pytest.fixture
async def user(user: User) -> AsyncIterator[User]:
    """NiceGUI's simulated user, given a moment at the end to send its last updates.

    Python 3.11's asyncio.wait_for can swallow a cancellation that arrives just as the awaited event
    fires; NiceGUI's outbox loop then ignores the shutdown and teardown waits 2 s and logs an error.
    Letting the outbox drain first avoids that race.
    """
    yield user
    await asyncio.sleep(0.2)
