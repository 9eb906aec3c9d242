"""An officer's named filter sets per list screen (table ``savedfilter``).

Personal view settings, not business records: no version column and no audit row.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from crm.models import SavedFilter, utcnow


def saved_filters(*, session: Session, officer: str, screen: str) -> list[SavedFilter]:
    """The officer's saved filters on a screen, by name."""
    query = (
        select(SavedFilter)
        .where(SavedFilter.officer == officer, SavedFilter.screen == screen)
        .order_by(col(SavedFilter.name))
    )
    return list(session.exec(query).all())


def save_filter(
    *, session: Session, officer: str, screen: str, name: str, filters: dict[str, Any]
) -> SavedFilter:
    """Save a filter set under a name; an existing one of that name is replaced."""
    row = _find(session, officer, screen, name)
    if row is None:
        row = SavedFilter(officer=officer, screen=screen, name=name, filters=dict(filters))
    else:
        row.filters, row.updated_at = dict(filters), utcnow()
    session.add(row)
    return row


def delete_filter(*, session: Session, officer: str, screen: str, name: str) -> bool:
    """Delete one saved filter; False when there was none of that name."""
    row = _find(session, officer, screen, name)
    if row is None:
        return False
    session.delete(row)
    return True


def _find(session: Session, officer: str, screen: str, name: str) -> SavedFilter | None:
    query = select(SavedFilter).where(
        SavedFilter.officer == officer, SavedFilter.screen == screen, SavedFilter.name == name
    )
    return session.exec(query).first()
