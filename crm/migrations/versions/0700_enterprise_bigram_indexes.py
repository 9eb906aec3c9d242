"""enterprise list: character-bigram indexes so two-character searches (健身, 赛事) use an index (PostgreSQL)

Trigram indexes (0500) cannot serve a term shorter than three characters, and most Chinese search
terms are two: at 100,000 enterprises such a search was a sequential scan (p95 ~190 ms in
bench/bench_store.py). ``huiqi_bigrams(text)`` is the set of two-character substrings; a name
contains a two-character term exactly when the term is in that set, so a GIN index on it answers
``huiqi_bigrams(name) @> ARRAY['健身']`` without a recheck.

Revision ID: 0700_bigram_indexes
Revises: 0600_pipeline_indexes
Create Date: 2026-11-28 13:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0700_bigram_indexes'
down_revision = '0600_pipeline_indexes'
branch_labels = None
depends_on = None

FUNCTION = """
CREATE OR REPLACE FUNCTION huiqi_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}')
  FROM generate_series(1, greatest(length(t) - 1, 0)) AS i
$$
"""
# (index name, indexed expression): the expressions must match what crm.store renders
INDEXES = (
    ("ix_enterprise_name_bigrams", "huiqi_bigrams(name)"),
    ("ix_enterprise_former_names_bigrams", "huiqi_bigrams(CAST(former_names AS VARCHAR))"),
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    bind.execute(sa.text(FUNCTION))
    for name, expression in INDEXES:
        bind.execute(sa.text(f"CREATE INDEX IF NOT EXISTS {name} ON enterprise USING gin ({expression})"))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for name, _ in INDEXES:
        bind.execute(sa.text(f"DROP INDEX IF EXISTS {name}"))
    bind.execute(sa.text("DROP FUNCTION IF EXISTS huiqi_bigrams(text)"))
