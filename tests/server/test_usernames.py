"""Usernames are also file names: only [a-z0-9._-] for new ones, and no path built from one leaves its folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm import config
from crm.auth import SYSTEM
from crm.db import session_scope
from crm.models import Officer
from crm.services import auth as accounts_service
from crm.services import deadlines, jobs
from crm.services.auth import Principal, ValidationFailed, acting_as
from tests.server.conftest import PASSWORD


@pytest.mark.parametrize(
    "username", ["../../x", "..", ".hidden", "a/b", "a\\b", "Li", "li ming", "李明", "li\x00"]
)
def test_a_username_outside_a_z_0_9_dot_underscore_dash_is_refused_beside_its_field(
    accounts: dict, username: str
) -> None:
    with acting_as(accounts["admin"]), pytest.raises(ValidationFailed) as refused:
        accounts_service.create_account(
            {"username": username, "display_name": "新专员", "role": "officer"}, PASSWORD
        )
    assert "登录名只能用小写字母、数字和 . _ -" in refused.value.by_field("zh")["username"]


@pytest.mark.parametrize("username", ["li.ming", "li_ming-2", "007"])
def test_ordinary_usernames_are_accepted(accounts: dict, username: str) -> None:
    with acting_as(accounts["admin"]):
        made = accounts_service.create_account(
            {"username": username, "display_name": "新专员", "role": "officer"}, PASSWORD
        )
    assert made.username == username


@pytest.fixture
def legacy(accounts: dict) -> int:
    """An account named before the rule, as an old database may hold one."""
    with acting_as(SYSTEM), session_scope() as session:
        officer = Officer(username="../../x", display_name="旧账号", role="officer")
        session.add(officer)
        session.flush()
        assert officer.id is not None
        return officer.id


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def test_a_legacy_traversal_username_writes_its_feed_inside_the_ics_folder(legacy: int) -> None:
    data_dir = config.get_settings().data_dir
    with acting_as(Principal("chief", "admin")):
        path = deadlines.write_feed(legacy)
    assert _inside(path, data_dir / "ics") and path.exists()
    assert not (data_dir.parent / "x.ics").exists()


def test_a_legacy_traversal_username_gets_its_batch_folder_inside_the_batches_folder(legacy: int) -> None:
    with acting_as(Principal("../../x", "officer", "旧账号")):
        job = jobs.start_pack_batch([])
    assert job.thread is not None
    job.thread.join()
    assert job.result is not None, job.error
    assert _inside(job.result.folder, config.get_settings().packs_dir / "batches")


def test_a_legacy_account_can_still_be_edited(accounts: dict, legacy: int) -> None:
    with acting_as(accounts["admin"]):
        old = next(a for a in accounts_service.list_accounts() if a.id == legacy)
        changed = accounts_service.update_account(legacy, old.version, {"display_name": "旧账号（已改名）"})
    assert (changed.username, changed.display_name) == ("../../x", "旧账号（已改名）")
