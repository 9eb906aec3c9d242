"""The enterprise list's tag filter and quick search can use their indexes on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from crm import store
from crm.db import get_engine, session_scope
from crm.migrations import DIALECT_ONLY_INDEXES
from crm.models import Enterprise


@pytest.mark.parametrize(
    ("query", "index"),
    [
        (store.EnterpriseQuery(tags=("重点企业",)), "_trgm"),
        (store.EnterpriseQuery(search="体育科技"), "_trgm"),
        (store.EnterpriseQuery(search="健身"), "_bigrams"),  # too short for trigrams: most Chinese terms
    ],
    ids=["tag", "search", "two-character search"],
)
def test_postgres_plans_the_list_filters_on_indexes(
    any_db: str, query: store.EnterpriseQuery, index: str
) -> None:
    if any_db != "postgresql":
        pytest.skip("trigram indexes exist on PostgreSQL only")
    engine = get_engine()
    with engine.connect() as conn:
        names = set(
            conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'enterprise'")).scalars()
        )
    assert names >= DIALECT_ONLY_INDEXES
    live, *filters = store.enterprise_filters(
        query, "postgresql"
    )  # leave out "not deleted": its index would do on an empty table
    assert "deleted_at" in str(live)
    stmt = select(func.count()).select_from(Enterprise).where(*filters)
    sql = str(stmt.compile(engine, compile_kwargs={"literal_binds": True}))
    with session_scope() as s:
        conn = s.connection()
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # usable is the question, not cheapest here
        plan = "\n".join(conn.exec_driver_sql("EXPLAIN " + sql).scalars())  # % already doubled
    assert index in plan and "Seq Scan" not in plan, plan  # store renders the indexed expressions
