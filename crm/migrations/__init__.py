"""Alembic migrations of the Huiqi schema.

Some indexes exist only on one database and are made with raw SQL in their migration (pg_trgm GIN
indexes on expressions): the models cannot describe them, so schema comparison leaves them out.
"""

from __future__ import annotations

from typing import Any

# made by 0500_enterprise_list_trigram_indexes on PostgreSQL only
DIALECT_ONLY_INDEXES = frozenset(
    {
        "ix_enterprise_name_trgm",
        "ix_enterprise_uscc_trgm",
        "ix_enterprise_former_names_trgm",
        "ix_enterprise_tags_trgm",
        # made by 0700_bigram_indexes on PostgreSQL only
        "ix_enterprise_name_bigrams",
        "ix_enterprise_former_names_bigrams",
    }
)


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic filter: compare everything except the indexes the models cannot describe."""
    return not (type_ == "index" and name in DIALECT_ONLY_INDEXES)
