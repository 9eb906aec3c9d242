"""The demo set for trying Huiqi out: the enterprises (``crm.demo``), then a pipeline on top of them.

The pipeline is this cycle's windows and applications in every stage, deterministic for a seed, written
through the store (validated, audited) so the history reads like real work. It runs after ``load`` and
re-matches when nothing is stored.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from crm import demo as demo_data
from crm.auth import require
from crm.config import get_settings
from crm.db import session_scope
from crm.errors import HuiqiError
from crm.i18n import register
from crm.services import backup
from crm.store import applications as store
from crm.store import enterprises as enterprise_store
from crm.store import maintenance, match_source

AS_OF = date(2026, 11, 28)
# this cycle's windows as an officer would enter them from the year's notices (demo dates)
DEMO_WINDOWS = (
    {
        "policy_id": "hnte",
        "year": 2026,
        "batch": "第六批",
        "opens": date(2026, 11, 2),
        "closes": date(2026, 12, 10),
        "note": "市认定办 2026 年第六批（演示数据）",
    },
    {
        "policy_id": "zjtx_sme",
        "year": 2026,
        "batch": "第四批",
        "opens": date(2026, 11, 16),
        "closes": date(2026, 12, 11),
        "note": "市经信委 2026 年第四批（演示数据）",
    },
)
# (stage, share of the year's matched enterprises, days since the move: low, high)
SPREAD = (
    ("told", 0.10, 3, 25),
    ("preparing", 0.08, 5, 60),
    ("submitted", 0.06, 20, 90),
    ("reviewing", 0.06, 30, 120),
    ("approved", 0.05, 10, 200),
    ("rejected", 0.02, 10, 200),
    ("paid", 0.03, 5, 150),
)


def has_enterprises() -> bool:
    """Whether the database holds any enterprise yet (live or deleted)."""
    return demo_data.has_enterprises()


class DemoRefused(HuiqiError):
    """``demo --replace`` would delete real work on a shared database."""

    key = "demo.refused"


register(
    {
        "demo.refused": (
            "拒绝替换：这是共享数据库（{where}），其中有非演示数据（{changes} 条由专员或导入写入的记录变更）。"
            "演示数据只能替换演示数据；如确需清空，请先 `huiqi backup`，再在新数据库上载入演示数据。",
            "Refused: this shared database ({where}) holds data that is not demo data ({changes} changes by "
            "officers or imports). Replace only demo data; to start over, `huiqi backup`, then use a new database.",
        )
    }
)


def load(*, count: int = 320, seed: int = 20240601, replace: bool = False) -> str:
    """Load ``count`` demo enterprises (deterministic for ``seed``); return a summary.

    ``replace`` (admins) first refuses on a shared database (server mode or PostgreSQL) that holds anything
    but demo data, then backs the database up, then deletes every record except officer accounts.
    """
    require("write")
    if not replace:
        return demo_data.load_demo(count=count, seed=seed)
    require("admin")
    _refuse_replacing_real_work()
    saved = backup.make_backup()
    summary = demo_data.load_demo(count=count, seed=seed, replace=True)
    return f"已先备份原数据 / backed up first: {saved}\n{summary}"


def _refuse_replacing_real_work() -> None:
    settings = get_settings()
    if not (settings.is_server or not settings.is_sqlite):
        return
    with session_scope() as session:
        changes = maintenance.changes_not_by(session=session, actor=demo_data.ACTOR)
    if changes:
        where = "服务器模式 server mode" if settings.is_server else "PostgreSQL"
        raise DemoRefused(where=where, changes=changes)


def seed(*, on: date = AS_OF, seed: int = 20240601, actor: str = "demo") -> str:
    """Add the demo windows and applications (skipped when applications exist); return a summary."""
    require("write")
    with session_scope() as session:
        if store.any_application(session=session):
            return "已有申报数据，跳过演示申报 / applications exist: demo pipeline skipped"
        for window in DEMO_WINDOWS:
            store.create_cycle_window(session=session, data=dict(window), actor=actor)
    rows = _matches()
    rnd = random.Random(seed)
    made = 0
    with session_scope() as session:
        owners = enterprise_store.owners(session=session)
        for enterprise_id, policy_id, outcome in rows:
            stage = _pick(rnd, policy_id)
            if stage is None:
                continue
            _, _, low, high = next(s for s in SPREAD if s[0] == stage)
            since = on - timedelta(days=rnd.randint(low, high))
            app = store.create_application(
                session=session,
                enterprise_id=enterprise_id,
                policy_id=policy_id,
                cycle=str(since.year),
                on=since - timedelta(days=14),
                actor=actor,
                owner_officer_id=owners.get(enterprise_id),
                match_outcome=outcome,
            )
            app_id = app.id
            assert app_id is not None
            app = store.move_application(
                session=session,
                application_id=app_id,
                expected_version=app.version,
                stage=stage,
                on=since,
                actor=actor,
            )
            if stage in ("approved", "paid"):
                store.update_application(
                    session=session,
                    application_id=app_id,
                    expected_version=app.version,
                    data={"amount_secured": Decimal(rnd.choice((5, 10, 20, 30, 50))) * 10000},
                    actor=actor,
                )
            made += 1
    return f"演示申报 {made} 件，申报窗口 {len(DEMO_WINDOWS)} 个 / demo applications: {made}"


def _matches() -> list[tuple[int, str, str]]:
    with session_scope() as session:
        found = match_source.matched(session=session, outcomes=("eligible", "likely"))
    if found:
        return found
    from crm.services import matching

    matching.rematch_all(on=AS_OF)
    return _matches_stored()


def _matches_stored() -> list[tuple[int, str, str]]:
    with session_scope() as session:
        return match_source.matched(session=session, outcomes=("eligible", "likely"))


def _pick(rnd: random.Random, policy_id: str) -> str | None:
    """The stage a demo application sits in, or None (never told: stays on the radar)."""
    if policy_id in ("hnte", "zjtx_sme") and rnd.random() < 0.6:
        return None  # most of this batch's candidates have not been told yet: the call list
    roll, acc = rnd.random(), 0.0
    for stage, share, _, _ in SPREAD:
        acc += share
        if roll < acc:
            return stage
    return None
