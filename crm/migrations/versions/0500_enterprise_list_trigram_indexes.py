"""enterprise list: trigram indexes for tag filters and quick search (PostgreSQL only)

The list filters tags with ``CAST(tags AS VARCHAR) LIKE '%"标签"%'`` and searches with
``name LIKE '%词%' OR uscc LIKE '词%' OR CAST(former_names AS VARCHAR) LIKE '%词%'``. B-tree
indexes cannot serve a leading wildcard, so at 100,000 enterprises each page paid two sequential
scans (count and page, 280-370 ms p95 in bench/bench_store.py). pg_trgm GIN indexes on exactly
these expressions let PostgreSQL answer both from the index. SQLite has no such index type: there
the scan stays (see the bench for its figures). Skipped, with a notice, when pg_trgm is not
available or may not be created.

Revision ID: 0500_list_indexes
Revises: 0400_rules
Create Date: 2026-11-28 12:25:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0500_list_indexes'
down_revision = '0400_rules'
branch_labels = None
depends_on = None

# (index name, indexed expression): the expressions must match what crm.store renders
INDEXES = (
    ("ix_enterprise_name_trgm", "name"),
    ("ix_enterprise_uscc_trgm", "uscc"),
    ("ix_enterprise_former_names_trgm", "(CAST(former_names AS VARCHAR))"),
    ("ix_enterprise_tags_trgm", "(CAST(tags AS VARCHAR))"),
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError as exc:
        print(f"pg_trgm not available, enterprise search stays a sequential scan: {exc.orig}")
        return
    for name, expression in INDEXES:
        bind.execute(sa.text(f"CREATE INDEX IF NOT EXISTS {name} ON enterprise "
                             f"USING gin ({expression} gin_trgm_ops)"))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for name, _ in INDEXES:
        bind.execute(sa.text(f"DROP INDEX IF EXISTS {name}"))
