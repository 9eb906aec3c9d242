"""The enterprise's owner officer: an active officer account, set on create or edit, audited."""

from __future__ import annotations

import pytest

from crm import store
from crm.db import session_scope
from crm.models import AuditEntry, Officer
from crm.records.validation import ValidationFailed

pytestmark = pytest.mark.usefixtures("any_db")


def officer(username: str, *, active: bool = True) -> int:
    with session_scope() as s:
        o = store.create_officer(
            session=s, data={"username": username, "display_name": username, "role": "officer"}, actor="t"
        )
        o.active = active
        s.add(o)
        s.flush()
        return int(o.id)


def test_owner_is_set_on_create_and_changed_on_edit_with_an_audit_row() -> None:
    zhang, li = officer("zhang"), officer("li")
    with session_scope() as s:
        e = store.create_enterprise(
            session=s,
            data={"name": "上海杨浦体育科技有限公司", "owner_officer_id": str(zhang)},
            actor="alice",
        )
        assert e.owner_officer_id == zhang
        e = store.update_enterprise(
            session=s,
            enterprise_id=e.id,
            expected_version=e.version,
            data={"owner_officer_id": li},
            actor="alice",
        )
        assert e.owner_officer_id == li
        trail = s.exec(AuditEntry.__table__.select().where(AuditEntry.field == "owner_officer_id")).all()
        assert [(r.old, r.new) for r in trail] == [(None, str(zhang)), (str(zhang), str(li))]


@pytest.mark.parametrize("bad", ["9999", "abc"])
def test_an_unknown_or_malformed_officer_is_refused_beside_the_field(bad: str) -> None:
    with session_scope() as s, pytest.raises(ValidationFailed) as failed:
        store.create_enterprise(
            session=s, data={"name": "上海杨浦体育科技有限公司", "owner_officer_id": bad}, actor="alice"
        )
    assert list(failed.value.by_field("zh")) == ["owner_officer_id"]
    assert failed.value.by_field("zh")["owner_officer_id"].startswith("负责专员")


def test_a_deactivated_officer_cannot_be_assigned_but_may_stay_the_owner() -> None:
    gone = officer("wang")
    with session_scope() as s:
        e = store.create_enterprise(
            session=s, data={"name": "上海杨浦体育科技有限公司", "owner_officer_id": gone}, actor="alice"
        )
        s.get(Officer, gone).active = False  # type: ignore[union-attr]
        s.flush()
        e = store.update_enterprise(
            session=s,
            enterprise_id=e.id,
            expected_version=e.version,
            data={"name": "上海杨浦体育科技发展有限公司", "owner_officer_id": gone},
            actor="alice",
        )
        assert e.owner_officer_id == gone
        other = store.create_enterprise(session=s, data={"name": "上海江湾赛事运营有限公司"}, actor="alice")
        with pytest.raises(ValidationFailed, match="不是在职的专员账号"):
            store.update_enterprise(
                session=s,
                enterprise_id=other.id,
                expected_version=other.version,
                data={"owner_officer_id": gone},
                actor="alice",
            )
