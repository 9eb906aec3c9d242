"""变更历史 as an officer reads it: one row per save, field labels, 万元, vocabulary labels and names,
never an i18n key, a field code, JSON or an id."""

from __future__ import annotations

import re
from typing import Any

from nicegui.testing import User

from crm import store
from crm.db import session_scope
from crm.services import pipeline
from crm.services.enterprises import create_enterprise, get_enterprise, update_enterprise
from tests.ui.test_enterprises import table_rows

CODE = re.compile(r"[a-z]+_[a-z_]+|ui\.|history\.|\{|\}|#\d")


def _enterprise() -> Any:
    return create_enterprise(
        {"name": "上海杨浦历史测试有限公司", "registered_capital": "300万", "tags": ["重点企业", "电竞"]}
    )


async def test_history_reads_as_saves_with_labels_units_and_names(user: User) -> None:
    ent = _enterprise()
    with session_scope() as s:
        officer_id = store.create_officer(
            session=s, data={"username": "wangmin", "display_name": "王敏", "role": "officer"}, actor="t"
        ).id
    update_enterprise(ent.id, ent.version, {"registered_capital": "450万", "owner_officer_id": officer_id})
    app = pipeline.create_from_match(ent.id, "hnte", outcome="eligible")
    pipeline.move(app.id, app.version, pipeline.stages()[1].code)
    await user.open(f"/enterprises/{ent.id}")
    user.find("tab-history").click()
    rows = table_rows(user, "history-table")
    edit = next(r for r in rows if r["action"] == "修改" and r["record"] == "企业")
    # one save, two fields: money in 万元, the officer by name
    assert edit["changes"].splitlines() == ["注册资本：300.00 万元 → 450.00 万元", "负责专员：王敏"]
    moved = next(r for r in rows if r["action"] == "修改" and r["record"].startswith("申报"))
    assert moved["record"] == f"申报 高新技术企业认定 {app.cycle}"
    assert f"阶段：{pipeline.stages()[0].label} → {pipeline.stages()[1].label}" in moved["changes"]
    created = next(r for r in rows if r["action"] == "新建" and r["record"] == "企业")
    assert "标签：重点企业、电竞" in created["changes"]
    for row in rows:
        text = " ".join(str(v) for k, v in row.items() if k != "id")
        assert not CODE.search(text), text
    assert get_enterprise(ent.id).owner_officer_id == officer_id
