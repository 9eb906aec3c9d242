"""Configurable stages: an admin renames, reorders, adds and deactivates them; audited and version-checked."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from crm.db import session_scope
from crm.models import AuditEntry
from crm.services import pipeline
from crm.services.auth import PermissionDenied, Principal, acting_as
from tests.pipeline.conftest import TODAY, Office

pytestmark = pytest.mark.usefixtures("any_db")


def _by_code() -> dict[str, pipeline.Stage]:
    return {s.code: s for s in pipeline.all_stages()}


def test_rename_reorder_add_and_deactivate_in_one_audited_save() -> None:
    rows = pipeline.all_stages()
    told = next(s for s in rows if s.code == "told")
    rows = [replace(s, label="已电话告知") if s is told else s for s in rows]
    rows.insert(1, pipeline.Stage("site_visit", "上门走访", "Site visit", "open", id=None))
    rows = [replace(s, active=False) if s.code == "reviewing" else s for s in rows]
    rows.append(rows.pop(0))  # 推荐 last, only to show the order is the list's
    pipeline.save_stages(rows, actor="admin1")

    board = [s.code for s in pipeline.stages()]
    assert board == [
        "site_visit",
        "told",
        "preparing",
        "submitted",
        "approved",
        "rejected",
        "paid",
        "recommended",
    ]
    assert _by_code()["told"].label == "已电话告知"
    assert _by_code()["reviewing"].active is False
    with session_scope() as s:
        trail = {
            (a.actor, a.field, a.old, a.new)
            for a in s.exec(select(AuditEntry).where(AuditEntry.entity == "pipelinestage"))
        }
    assert ("admin1", "label_zh", "已告知", "已电话告知") in trail
    assert ("admin1", "active", "是", "否") in trail
    assert ("admin1", "code", None, "site_visit") in trail


def test_a_stale_save_is_refused_and_writes_nothing() -> None:
    rows = pipeline.all_stages()
    pipeline.save_stages([replace(s, label="推荐（新）") if s.code == "recommended" else s for s in rows])
    with pytest.raises(pipeline.ConflictError):
        pipeline.save_stages([replace(s, label="荐") if s.code == "recommended" else s for s in rows])
    assert _by_code()["recommended"].label == "推荐（新）"
    with pytest.raises(pipeline.StagesChanged):
        pipeline.save_stages(pipeline.all_stages()[1:])


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            lambda rows: rows + [pipeline.Stage("Site Visit", "走访", "Visit", "open", id=None)],
            "8.code",
            "只能用小写字母",
        ),
        (
            lambda rows: rows + [pipeline.Stage("told", "走访", "Visit", "open", id=None)],
            "8.code",
            "已被其他阶段使用",
        ),
        (lambda rows: [replace(rows[0], label="")] + rows[1:], "0.label_zh", "名称"),
        (lambda rows: [replace(r, active=False) for r in rows], "0.active", "至少要保留一个启用的阶段"),
    ],
)
def test_bad_rows_are_named_by_row_and_field(change, field: str, message: str) -> None:  # type: ignore[no-untyped-def]
    before = pipeline.all_stages()
    with pytest.raises(pipeline.ValidationFailed) as failed:
        pipeline.save_stages(change(before))
    assert message in failed.value.by_field("zh")[field]
    assert pipeline.all_stages() == before


def test_a_stage_holding_applications_cannot_be_deactivated(office: Office) -> None:
    pipeline.create_from_match(office.ent["跃动"], "hnte", on=TODAY)
    rows = [replace(s, active=False) if s.code == "recommended" else s for s in pipeline.all_stages()]
    with pytest.raises(pipeline.ValidationFailed, match="还有 1 件申报处在该阶段"):
        pipeline.save_stages(rows)


def test_only_an_admin_may_configure_stages() -> None:
    with acting_as(Principal("li", "officer", "李专员")), pytest.raises(PermissionDenied):
        pipeline.save_stages(pipeline.all_stages())
