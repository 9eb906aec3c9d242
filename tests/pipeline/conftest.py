"""A small office: two officers, a handful of enterprises, two policies with windows, stored matches."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

import pytest

from crm import store
from crm.db import session_scope
from crm.models import Credential, Task
from crm.services import deadlines
from crm.store import match_source
from crm.store.match_source import MatchRow

TODAY = date(2026, 11, 28)  # a Saturday
POLICIES = (
    SimpleNamespace(
        id="hnte",
        title="高新技术企业认定",
        meta={"windows": [{"opens": "03-01", "closes": "12-10", "every": "year"}]},
    ),
    SimpleNamespace(
        id="demo_unit",
        title="国家体育产业示范单位",
        meta={"windows": [{"opens": "08-30", "closes": "09-30", "every": "year"}]},
    ),
)


@dataclass
class Office:
    zhang: int
    li: int
    ent: dict[str, int] = field(default_factory=dict)


@pytest.fixture
def office(monkeypatch: pytest.MonkeyPatch) -> Iterator[Office]:
    monkeypatch.setattr(deadlines, "_policies", lambda: POLICIES)
    with session_scope() as s:
        zhang = store.create_officer(
            session=s, data={"username": "zhang", "display_name": "张三", "role": "officer"}, actor="t"
        ).id
        li = store.create_officer(
            session=s, data={"username": "li", "display_name": "李四", "role": "officer"}, actor="t"
        ).id
        office = Office(zhang, li)
        for name, street, owner in (
            ("上海跃动体育科技有限公司", "五角场", zhang),
            ("上海蓝湾电竞有限公司", "江浦路", zhang),
            ("上海赛途体育发展有限公司", "殷行", li),
            ("上海动感健身管理有限公司", "五角场", li),
        ):
            e = store.create_enterprise(session=s, data={"name": name, "street": street}, actor="t")
            e.owner_officer_id = owner
            s.add(e)
            office.ent[name[2:4]] = e.id
    match_source.use(
        match_source.RowsSource(
            [
                MatchRow(office.ent["跃动"], "hnte", "eligible"),
                MatchRow(office.ent["蓝湾"], "hnte", "near_miss"),
                MatchRow(office.ent["赛途"], "hnte", "likely", "近三年研发费用、科技人员数"),
                MatchRow(office.ent["动感"], "hnte", "ineligible"),
                MatchRow(office.ent["跃动"], "demo_unit", "eligible"),
            ]
        )
    )
    yield office
    match_source.use(None)


def add_credential(enterprise_id: int, kind: str, issued_on: date) -> None:
    with session_scope() as s:
        store.create_child(
            session=s,
            model=Credential,
            enterprise_id=enterprise_id,
            data={"kind": kind, "issued_on": issued_on},
            actor="t",
        )


def add_task(enterprise_id: int, title: str, due: date, assignee: int) -> None:
    with session_scope() as s:
        task = store.create_child(
            session=s,
            model=Task,
            enterprise_id=enterprise_id,
            data={"title": title, "due_date": due, "status": "open"},
            actor="t",
        )
        task.assignee_id = assignee
        s.add(task)
