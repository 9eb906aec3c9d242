"""Alembic environment: runs against the engine handed over by crm.db (or the URL in the config)."""

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import crm.models  # registers the tables on SQLModel.metadata
from crm.migrations import include_object

config = context.config


def render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Render our Money type as the plain BIGINT it is, so migrations never import app code."""
    if type_ == "type" and isinstance(obj, crm.models.Money):
        return "sa.BigInteger()"
    return False


target_metadata = SQLModel.metadata


def run_migrations() -> None:
    engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by rebuilding it (DROP, CREATE, copy): with foreign keys enforced, dropping a
            # table other rows point at fails. Off for the migration (outside any transaction, or it is ignored),
            # checked once at the end, and on again for the connection's next user.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            render_item=render_item,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()):
                raise RuntimeError(f"migration left rows pointing at nothing: {broken[:5]}")
        connection.commit()
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")


run_migrations()
