"""Officer accounts: creation, look-ups, password hashes, session epochs, the sign-in attempt counters, and
the sign-in events kept in the audit trail.

Field updates of an account go through the generic version-checked write (``crm.store.core``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from crm.i18n import register
from crm.models import AuditEntry, LoginThrottle, Officer, utcnow
from crm.records import fields, validation
from crm.store.core import insert_one, table_of, write_audit
from crm.store.tx import lock_rows, serialise

# --- officers -------------------------------------------------------------------------------------

register(
    {
        "officer.error.taken": (
            "{field}“{value}”已被使用，请换一个",
            "{field} “{value}” is already taken: choose another",
        )
    }
)


def create_officer(
    *, session: Session, data: dict[str, Any], actor: str, password_hash: str | None = None
) -> Officer:
    """Validate and insert an officer account; a username already taken is a field error, never a raw
    database error (which would print the new password's hash)."""
    clean = validation.clean("officer", data)
    if officer_by_username(session=session, username=clean["username"]) is not None:
        raise _taken(clean["username"])
    try:
        with session.begin_nested():  # a concurrent insert of the same name: the unique index decides
            return insert_one(session, Officer(**clean, password_hash=password_hash), actor=actor)
    except IntegrityError:
        raise _taken(clean["username"]) from None


def _taken(username: str) -> validation.ValidationFailed:
    spec = fields.spec("officer", "username")
    return validation.ValidationFailed(
        [validation.FieldError("username", "officer.error.taken", spec.zh, spec.en, {"value": username})]
    )


def officer_by_id(*, session: Session, officer_id: int) -> Officer | None:
    """The account with this id, deactivated or deleted ones too (None: no such id)."""
    return session.get(Officer, officer_id)


def officer_by_username(*, session: Session, username: str, live: bool = False) -> Officer | None:
    """The account with this username (``live``: not deleted), if any."""
    query = select(Officer).where(Officer.username == username)
    if live:
        query = query.where(col(Officer.deleted_at).is_(None))
    return session.exec(query).first()


def every_officer(*, session: Session) -> list[Officer]:
    """Every account ever made, deleted ones too (the audit trail names whoever did something)."""
    return list(session.exec(select(Officer)).all())


def active_officers(*, session: Session) -> list[Officer]:
    """Accounts with the active flag set (the owner choices of the enterprise forms)."""
    return list(session.exec(select(Officer).where(Officer.active == True)))  # noqa: E712


def live_officers(*, session: Session) -> list[Officer]:
    """Every account that is not deleted, by username (the settings' account list)."""
    query = select(Officer).where(col(Officer.deleted_at).is_(None)).order_by(col(Officer.username))
    return list(session.exec(query).all())


def active_admins(
    *, session: Session, except_id: int | None = None, with_password: bool = False
) -> list[Officer]:
    """Live, active administrators (but ``except_id``; only those with a password when asked)."""
    query = select(Officer).where(
        Officer.role == "admin",
        Officer.active == True,  # noqa: E712
        col(Officer.deleted_at).is_(None),
    )
    if except_id is not None:
        query = query.where(Officer.id != except_id)
    if with_password:
        query = query.where(col(Officer.password_hash).isnot(None))
    return list(session.exec(query).all())


def lock_admins(*, session: Session, officer_id: int) -> None:
    """Lock every active administrator's row and ``officer_id``'s until commit, before the last-admin
    guard reads them: two admins demoting each other at once are served one after the other."""
    serialise(session)
    ids = [o.id or 0 for o in active_admins(session=session)]
    lock_rows(session, Officer, [*ids, officer_id])


# --- sign-in bookkeeping: kept in the audit trail (entity ``officer``) --------------------------------


def sign_in_events(
    *, session: Session, username: str, actions: tuple[str, ...], limit: int
) -> list[AuditEntry]:
    """The newest ``limit`` sign-in events (``actions``) recorded under ``username``, newest first."""
    query = (
        select(AuditEntry)
        .where(
            AuditEntry.entity == "officer", AuditEntry.actor == username, col(AuditEntry.action).in_(actions)
        )
        .order_by(col(AuditEntry.id).desc())
        .limit(limit)
    )
    return list(session.exec(query))


def record_sign_in_event(
    *, session: Session, username: str, action: str, officer_id: int, note: str | None = None
) -> None:
    """One sign-in event (login, login_failed, unlock) of ``username``, as an audit row under that name."""
    write_audit(
        session=session, actor=username, action=action, entity="officer", entity_id=officer_id, new=note
    )


def set_password_hash(
    *,
    session: Session,
    officer: Officer,
    password_hash: str,
    actor: str,
    note: str,
    end_sessions: bool = True,
) -> None:
    """Store a new password hash (version bumped); the audit row says that it changed, never the hash.

    Not version-checked: a password is set whole (an admin's reset, the owner's change, a re-hash at login).
    ``end_sessions``: the account's browser sessions end (not for the re-hash of a password that just verified).
    """
    table = table_of(Officer)
    epoch = table.c.session_epoch + (1 if end_sessions else 0)
    session.execute(
        update(table)
        .where(table.c.id == officer.id)
        .values(
            password_hash=password_hash, version=table.c.version + 1, updated_at=utcnow(), session_epoch=epoch
        )
    )
    write_audit(
        session=session,
        actor=actor,
        action="update",
        entity="officer",
        entity_id=officer.id or 0,
        field="password",
        new=note,
    )
    session.refresh(officer)


def end_sessions(*, session: Session, officer_id: int) -> None:
    """Raise the account's session epoch: every browser signed in before ends on its next request."""
    table = table_of(Officer)
    session.execute(
        update(table).where(table.c.id == officer_id).values(session_epoch=table.c.session_epoch + 1)
    )


# --- sign-in attempt counters: one atomic statement per attempt ---------------------------------------------


def count_attempt(*, session: Session, key: str, since: datetime) -> int:
    """Add one attempt to ``key``'s counter and return the new count, in one statement (no read-then-write:
    parallel attempts each get their own number). A counter idle since before ``since`` starts again at 1."""
    table = table_of(LoginThrottle)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    now = utcnow()
    statement = (
        dialect.insert(table)
        .values(key=key, attempts=1, last_at=now)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "attempts": case((table.c.last_at < since, 1), else_=table.c.attempts + 1),
                "last_at": now,
            },
        )
        .returning(table.c.attempts)
    )
    return int(session.execute(statement).scalar_one())


def attempts(*, session: Session, key: str, since: datetime) -> int:
    """``key``'s count of attempts not proven good, 0 when idle since before ``since``."""
    row = session.get(LoginThrottle, key)
    return row.attempts if row is not None and _aware(row.last_at) >= since else 0


def forgive_attempt(*, session: Session, key: str, all_of_them: bool = False) -> None:
    """Take back one counted attempt (it proved good), or all of them (a good login, an admin's unlock)."""
    table = table_of(LoginThrottle)
    if all_of_them:
        session.execute(delete(table).where(table.c.key == key))
    else:
        session.execute(
            update(table)
            .where(table.c.key == key, table.c.attempts > 0)
            .values(attempts=table.c.attempts - 1)
        )


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=utcnow().tzinfo)
