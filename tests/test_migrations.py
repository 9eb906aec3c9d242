"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

import crm.models  # noqa: F401 - registers every table
from crm.db import alembic_config, get_engine
from crm.migrations import include_object


def test_single_head() -> None:
    from crm.db import make_engine

    heads = ScriptDirectory.from_config(alembic_config(make_engine("sqlite://"))).get_heads()
    assert len(heads) == 1, f"several migration heads, merge or re-point: {heads}"


@pytest.mark.usefixtures("any_db")
def test_migrated_schema_matches_models() -> None:
    engine = get_engine()
    with engine.connect() as conn:
        opts = {"compare_type": False, "include_object": include_object}
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), SQLModel.metadata)
    assert diff == [], f"models and migrations differ; add a migration: {diff}"


def test_an_office_database_with_data_upgrades_across_table_rebuilds(
    tmp_path: pytest.TempPathFactory,
) -> None:
    # SQLite rebuilds a table to alter it (DROP, then CREATE); with foreign keys enforced, dropping `officer`
    # while other rows point at it failed every existing office's upgrade past the sign-in hardening.
    from sqlalchemy import text

    from crm.db import make_engine, upgrade

    engine = make_engine(f"sqlite:///{tmp_path}/office.sqlite3")  # type: ignore[operator]
    upgrade(engine, "1400")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO officer (id, username, display_name, role, active, version, created_at, updated_at) "
                "VALUES (1, 'wang', '王专员', 'officer', 1, 1, '2026-01-01', '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO enterprise (id, name, former_names, tags, owner_officer_id, version, created_at, "
                "updated_at) VALUES (1, '甲', '[]', '[]', 1, 1, '2026-01-01', '2026-01-01')"
            )
        )
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT owner_officer_id FROM enterprise")).scalar() == 1
        assert conn.execute(text("PRAGMA foreign_key_check")).fetchall() == []
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
