"""Roles, login, lockout and session expiry, as an officer meets them."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlmodel import select, update

from crm import auth, config
from crm.db import session_scope
from crm.models import AuditEntry, Enterprise, LoginThrottle, Officer, utcnow
from crm.services import auth as accounts_service
from crm.services import enterprises
from crm.services.auth import AccountLocked, LoginFailed, NotSignedIn, PermissionDenied, Principal, acting_as
from tests.server.conftest import PASSWORD


def _count(model: type) -> int:
    with acting_as(auth.SYSTEM), session_scope() as session:
        return len(session.exec(select(model)).all())


def test_desktop_mode_acts_as_the_configured_officer_with_every_permission() -> None:
    assert auth.current_principal() == Principal("tester", "admin", "tester")
    created = enterprises.create_enterprise({"name": "上海跃动体育科技有限公司"})
    assert enterprises.history(created.id)[0].actor == "tester"


def test_server_mode_refuses_a_write_from_nobody(server_mode: config.Settings) -> None:
    with pytest.raises(NotSignedIn, match="请先登录"):
        enterprises.create_enterprise({"name": "无名公司"})
    assert _count(Enterprise) == 0


def test_a_viewer_is_refused_with_a_chinese_reason_and_nothing_is_written(accounts: dict) -> None:
    with acting_as(accounts["viewer"]), pytest.raises(PermissionDenied) as refused:
        enterprises.create_enterprise({"name": "只读用户想建的公司"})
    assert "权限不足：赵只读（只读）不能修改数据" in refused.value.message("zh")
    assert _count(Enterprise) == 0


def test_the_session_guard_stops_a_viewer_even_where_a_service_forgot_to_ask() -> None:
    with acting_as(Principal("zhao", "viewer")), pytest.raises(PermissionDenied), session_scope() as session:
        session.add(Enterprise(name="绕过服务层的写入"))
    with acting_as(Principal("zhao", "viewer")), pytest.raises(PermissionDenied), session_scope() as session:
        session.exec(update(Enterprise).values(name="x"))  # type: ignore[call-overload]
    assert _count(Enterprise) == 0


def test_an_officer_writes_under_their_own_name(accounts: dict) -> None:
    with acting_as(accounts["officer"]):
        created = enterprises.create_enterprise({"name": "上海跃动体育科技有限公司"})
        assert {e.actor for e in enterprises.history(created.id)} == {"li"}


def test_login_with_the_right_password_and_not_with_a_wrong_one(accounts: dict) -> None:
    assert accounts_service.login("li", PASSWORD) == Principal("li", "officer", "李专员")
    with pytest.raises(LoginFailed, match="用户名或密码错误"):
        accounts_service.login("li", "wrong password")
    with pytest.raises(LoginFailed):
        accounts_service.login("nobody", PASSWORD)


def test_a_hash_made_with_older_argon2_parameters_is_upgraded_at_login(
    accounts: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from argon2 import PasswordHasher

    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=2, memory_cost=128, parallelism=1))
    assert accounts_service.login("li", PASSWORD) == Principal(
        "li", "officer", "李专员"
    )  # nobody signed in yet
    with acting_as(auth.SYSTEM), session_scope() as session:
        stored = session.exec(select(Officer).where(Officer.username == "li")).one().password_hash
    assert stored is not None and not auth._hasher.check_needs_rehash(stored)


def test_five_failures_lock_the_account_until_an_admin_unlocks_it(accounts: dict) -> None:
    for _ in range(5):
        with pytest.raises(LoginFailed):
            accounts_service.login("li", "guess")
    with pytest.raises(AccountLocked, match="账号已锁定"):
        accounts_service.login("li", PASSWORD)
    with acting_as(accounts["admin"]):
        assert [a.locked for a in accounts_service.list_accounts() if a.username == "li"] == [True]
        accounts_service.unlock_account("li")
    assert accounts_service.login("li", PASSWORD).username == "li"


def test_a_lockout_ends_by_itself_after_the_lockout_period(accounts: dict) -> None:
    for _ in range(5):
        with pytest.raises(LoginFailed):
            accounts_service.login("li", "guess")
    earlier = utcnow() - timedelta(minutes=config.get_settings().lockout_minutes + 1)
    with acting_as(auth.SYSTEM), session_scope() as session:
        session.exec(update(LoginThrottle).values(last_at=earlier))  # type: ignore[call-overload]
    assert accounts_service.login("li", PASSWORD).username == "li"


def test_a_success_between_failures_resets_the_count(accounts: dict) -> None:
    for _ in range(4):
        with pytest.raises(LoginFailed):
            accounts_service.login("li", "guess")
    accounts_service.login("li", PASSWORD)
    with pytest.raises(LoginFailed) as failed:
        accounts_service.login("li", "guess")
    assert not isinstance(failed.value, AccountLocked)


def test_sessions_expire_after_the_configured_hours(server_mode: config.Settings) -> None:
    now = time.time()
    assert not auth.session_expired(now - 60, now)
    assert auth.session_expired(now - server_mode.session_hours * 3600 - 1, now)
    assert auth.session_expired(now + 3600, now)  # a login time from the future is not trusted


def test_a_deactivated_officer_can_neither_sign_in_nor_keep_a_session(accounts: dict) -> None:
    with acting_as(accounts["admin"]):
        li = next(a for a in accounts_service.list_accounts() if a.username == "li")
        accounts_service.update_account(li.id, li.version, {"active": False})
    assert accounts_service.principal_for("li") is None
    with pytest.raises(LoginFailed):
        accounts_service.login("li", PASSWORD)


def test_a_role_change_applies_to_the_open_session(accounts: dict) -> None:
    with acting_as(accounts["admin"]):
        li = next(a for a in accounts_service.list_accounts() if a.username == "li")
        accounts_service.update_account(li.id, li.version, {"role": "viewer"})
    assert accounts_service.principal_for("li") == Principal("li", "viewer", "李专员")


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(accounts: dict) -> None:
    with acting_as(accounts["admin"]):
        chief = next(a for a in accounts_service.list_accounts() if a.username == "chief")
        with pytest.raises(PermissionDenied, match="至少要保留一名启用的管理员"):
            accounts_service.update_account(chief.id, chief.version, {"role": "officer"})
        with pytest.raises(PermissionDenied):
            accounts_service.update_account(chief.id, chief.version, {"active": False})


def test_only_admins_manage_accounts(accounts: dict) -> None:
    for who in ("officer", "viewer"):
        with acting_as(accounts[who]), pytest.raises(PermissionDenied, match="管理账号"):
            accounts_service.list_accounts()
        with acting_as(accounts[who]), pytest.raises(PermissionDenied):
            accounts_service.create_account({"username": "x", "display_name": "x", "role": "admin"}, PASSWORD)


def test_password_reset_works_and_the_audit_trail_never_holds_a_hash(accounts: dict) -> None:
    with acting_as(accounts["admin"]):
        li = next(a for a in accounts_service.list_accounts() if a.username == "li")
        accounts_service.reset_password(li.id, "a brand new pw")
    assert accounts_service.login("li", "a brand new pw").username == "li"
    with pytest.raises(LoginFailed):
        accounts_service.login("li", PASSWORD)
    with acting_as(auth.SYSTEM), session_scope() as session:
        texts = [f"{e.old} {e.new}" for e in session.exec(select(AuditEntry))]
    assert not any("argon2" in text for text in texts)


def test_a_viewer_may_change_their_own_password_but_needs_the_old_one(accounts: dict) -> None:
    with acting_as(accounts["viewer"]):
        with pytest.raises(LoginFailed):
            accounts_service.change_own_password("not it", "another password")
        accounts_service.change_own_password(PASSWORD, "another password")
    assert accounts_service.login("zhao", "another password").role == "viewer"


def test_short_passwords_are_refused(accounts: dict) -> None:
    with acting_as(accounts["admin"]), pytest.raises(accounts_service.WeakPassword, match="至少 8 位"):
        accounts_service.create_account({"username": "wu", "display_name": "吴", "role": "officer"}, "short")
