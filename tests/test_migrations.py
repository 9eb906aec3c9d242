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
