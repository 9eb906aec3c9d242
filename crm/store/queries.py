"""The enterprise list: filters, search, sort and paging as indexed queries."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, Text, cast, func, or_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session, col, select

from crm.models import Contact, Enterprise, FiscalYear
from crm.store.core import table_of

SORTABLE = (
    "name",
    "registration_date",
    "street",
    "sports_division",
    "registered_capital",
    "updated_at",
    "id",
)


@dataclass(frozen=True)
class EnterpriseQuery:
    """Filters, sort and page of the enterprise list."""

    search: str | None = None
    streets: tuple[str, ...] = ()
    divisions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    ids: tuple[int, ...] | None = None
    # enterprises the search index found for ``search`` (pinyin, initials, contacts): matched as well
    search_ids: tuple[int, ...] = ()
    deleted: bool = False
    sort: str = "name"
    descending: bool = False
    page: int = 1
    page_size: int = 25


@dataclass
class Page:
    rows: list[Enterprise]
    total: int
    page: int
    page_size: int


def list_enterprises(*, session: Session, query: EnterpriseQuery) -> Page:
    """One page of enterprises matching the filters, with the total count."""
    where = enterprise_filters(query, session.get_bind().dialect.name)
    total = session.exec(select(func.count()).select_from(Enterprise).where(*where)).one()
    sort_col = getattr(Enterprise, query.sort if query.sort in SORTABLE else "name")
    order = [sort_col.desc() if query.descending else sort_col.asc(), col(Enterprise.id).asc()]
    stmt = (
        select(Enterprise)
        .where(*where)
        .order_by(*order)
        .offset((max(query.page, 1) - 1) * query.page_size)
        .limit(query.page_size)
    )
    return Page(list(session.exec(stmt)), int(total), query.page, query.page_size)


def enterprise_filters(query: EnterpriseQuery, dialect: str = "sqlite") -> list[Any]:
    where: list[Any] = [
        col(Enterprise.deleted_at).isnot(None) if query.deleted else col(Enterprise.deleted_at).is_(None)
    ]
    if query.streets:
        where.append(col(Enterprise.street).in_(query.streets))
    if query.divisions:
        where.append(col(Enterprise.sports_division).in_(query.divisions))
    for tag in query.tags:
        where.append(
            cast(table_of(Enterprise).c.tags, String).contains(
                json.dumps(tag, ensure_ascii=False), autoescape=True
            )
        )
    if query.ids is not None:
        where.append(col(Enterprise.id).in_(query.ids))
    if query.search and query.search.strip():
        found = _search(query.search.strip(), dialect)
        where.append(or_(found, col(Enterprise.id).in_(query.search_ids)) if query.search_ids else found)
    return where


_USCC_CHARS = re.compile(r"[0-9A-Za-z]+")


def _search(text: str, dialect: str) -> Any:
    """Name or former name containing ``text``, or a credit code starting with it."""
    former = cast(table_of(Enterprise).c.former_names, String)
    if dialect == "postgresql" and len(text) == 2:
        # exact and indexed (0700): trigram indexes cannot serve two-character terms
        clauses = [_bigrams(col(Enterprise.name)).contains([text]), _bigrams(former).contains([text])]
    else:
        clauses = [
            col(Enterprise.name).contains(text, autoescape=True),
            former.contains(text, autoescape=True),
        ]
    if _USCC_CHARS.fullmatch(text):  # a credit code holds only digits and capitals
        clauses.append(col(Enterprise.uscc).startswith(text.upper(), autoescape=True))
    return or_(*clauses)


def _bigrams(expr: Any) -> Any:
    return func.huiqi_bigrams(expr, type_=ARRAY(Text))


# --- what an import matches against ----------------------------------------------------------------


def enterprise_keys(*, session: Session) -> list[tuple[int, str, str | None]]:
    """(id, name, credit code) of every live enterprise: what an import matches its rows against."""
    rows = session.exec(
        select(Enterprise.id, Enterprise.name, Enterprise.uscc).where(col(Enterprise.deleted_at).is_(None))
    ).all()
    return [(i or 0, n, u) for i, n, u in rows]


def import_targets(
    *, session: Session, ids: list[int]
) -> tuple[list[Enterprise], list[FiscalYear], list[Contact]]:
    """The live enterprises ``ids``, all their fiscal years and their live contacts: three queries per 500."""
    enterprises: list[Enterprise] = []
    years: list[FiscalYear] = []
    contacts: list[Contact] = []
    for k in range(0, len(ids), 500):
        chunk = ids[k : k + 500]
        enterprises += session.exec(
            select(Enterprise).where(col(Enterprise.id).in_(chunk), col(Enterprise.deleted_at).is_(None))
        )
        years += session.exec(select(FiscalYear).where(col(FiscalYear.enterprise_id).in_(chunk)))
        contacts += session.exec(
            select(Contact).where(col(Contact.enterprise_id).in_(chunk), col(Contact.deleted_at).is_(None))
        )
    return enterprises, years, contacts


def live_by_uscc(*, session: Session, code: str) -> Enterprise | None:
    """The live enterprise with this credit code, if any (what a clashing import row names)."""
    query = select(Enterprise).where(Enterprise.uscc == code, col(Enterprise.deleted_at).is_(None))
    return session.exec(query).first()
