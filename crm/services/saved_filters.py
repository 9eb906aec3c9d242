"""An officer's named filter sets on a list screen: save (same name = replace), list, delete.

Kept in the database (table ``savedfilter``) rather than in the browser's user storage so that an officer
finds them again on any workstation in server mode. They are personal view settings, not business
records: no version column and no audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crm.auth import current_principal, require
from crm.db import session_scope
from crm.errors import HuiqiError
from crm.store import filters as filters_store

NAME_MAX = 80


class BadFilterName(HuiqiError):
    """The name is empty or too long (message in Chinese)."""


@dataclass(frozen=True)
class Saved:
    name: str
    filters: dict[str, Any]


def saved_filters(screen: str = "enterprises") -> list[Saved]:
    """The signed-in officer's saved filters on a screen, by name."""
    officer = current_principal().username
    with session_scope() as session:
        rows = filters_store.saved_filters(session=session, officer=officer, screen=screen)
        return [Saved(r.name, dict(r.filters)) for r in rows]


def save_filter(name: str, filters: dict[str, Any], screen: str = "enterprises") -> Saved:
    """Save the filter set under a name for the signed-in officer; an existing one of that name is replaced."""
    principal = require("write")
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise BadFilterName(f"筛选名称不能为空，且不超过 {NAME_MAX} 个字")
    with session_scope() as session:
        filters_store.save_filter(
            session=session, officer=principal.username, screen=screen, name=name, filters=filters
        )
    return Saved(name, dict(filters))


def delete_filter(name: str, screen: str = "enterprises") -> bool:
    """Delete one of the signed-in officer's saved filters; False when there was none of that name."""
    principal = require("write")
    with session_scope() as session:
        return filters_store.delete_filter(
            session=session, officer=principal.username, screen=screen, name=name
        )
