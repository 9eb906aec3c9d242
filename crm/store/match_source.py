"""Where the pipeline, radar and dashboard read match results from: one small interface.

A source gives a SQL selectable with the columns ``enterprise_id`` (int), ``policy_id`` (str),
``outcome`` (a code of ``crm.domain.OUTCOMES``), ``to_collect`` (facts to collect, joined by "、", or
NULL) and ``value_low``/``value_high`` (the policy's estimated benefit in CNY, NULL where unknown), so the
radar can anti-join it against applications inside the database.
The stored match results (``crm.store.matches``) are the default; tests and the benchmark install their
own rows with ``use``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

import sqlalchemy as sa
from sqlmodel import Session

from crm.store.matches import match_rows_select

COLUMNS = ("enterprise_id", "policy_id", "outcome", "to_collect", "value_low", "value_high")


@dataclass(frozen=True)
class MatchRow:
    """One stored verdict: this enterprise x this policy came out ``outcome``."""

    enterprise_id: int
    policy_id: str
    outcome: str
    to_collect: str | None = None
    value_low: Decimal | None = None
    value_high: Decimal | None = None


class MatchSource(Protocol):
    def select(self) -> Any:
        """A selectable with the columns of ``COLUMNS``."""
        ...


@dataclass(frozen=True)
class RowsSource:
    """Match rows held in memory (tests, before the rule engine stores its results)."""

    rows: Sequence[MatchRow] = ()

    def select(self) -> Any:
        rows = list(self.rows) or [MatchRow(0, "", "")]
        parts = [
            sa.select(
                sa.literal(r.enterprise_id, sa.Integer).label("enterprise_id"),
                sa.literal(r.policy_id, sa.String).label("policy_id"),
                sa.literal(r.outcome, sa.String).label("outcome"),
                sa.literal(r.to_collect, sa.String).label("to_collect"),
                # cast: PostgreSQL types a bare NULL parameter as text, which a union cannot mix with numbers
                sa.cast(sa.literal(r.value_low, sa.Numeric(18, 2)), sa.Numeric(18, 2)).label("value_low"),
                sa.cast(sa.literal(r.value_high, sa.Numeric(18, 2)), sa.Numeric(18, 2)).label("value_high"),
            )
            for r in rows
        ]
        if not self.rows:
            parts = [parts[0].where(sa.false())]
        return (sa.union_all(*parts) if len(parts) > 1 else parts[0]).subquery("matches")


_override: MatchSource | None = None


def use(source: MatchSource | None) -> None:
    """Install a source (None: back to the rule engine's stored results)."""
    global _override
    _override = source


def current() -> MatchSource:
    """The installed source, else the stored match results."""
    return _override if _override is not None else _Stored()


class _Stored:
    def select(self) -> Any:
        return match_rows_select().subquery("matches")


def matched(*, session: Session, outcomes: tuple[str, ...]) -> list[tuple[int, str, str]]:
    """(enterprise id, policy, outcome) of the current source's rows with one of ``outcomes``, in that order."""
    m = current().select()
    query = (
        sa.select(m.c.enterprise_id, m.c.policy_id, m.c.outcome)
        .where(m.c.outcome.in_(outcomes))
        .order_by(m.c.enterprise_id, m.c.policy_id)
    )
    return [(eid, pid, outcome) for eid, pid, outcome in session.execute(query)]
