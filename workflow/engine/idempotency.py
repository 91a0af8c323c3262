"""One-time form keys: the same submission sent twice has one effect.

A form that changes money carries a random key, made when the form is shown.
The view claims the key in the same transaction as the change: the second
submission of that form (a double click, a reload) finds the key taken and is
answered politely instead of acting again. If the change is refused and rolled
back, the claim goes with it, so the user may correct the form and send it again.

The claim is one INSERT … ON CONFLICT DO NOTHING: PostgreSQL makes a concurrent
second insert of the same key wait for the first transaction and then skip;
SQLite runs it under its write lock. Neither raises an IntegrityError.

A form that creates something (a donation, a draft, a round…) also records what it
created with its key: the second submission is then shown the first one's result.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from models import IdempotencyKey, User, db, utcnow
from models.i18n import N_

from .errors import ValidationFailed
from .locking import ensure_write_transaction

KEY_LENGTH = 64  # the column's size
ALREADY_RECEIVED = N_("This request was already received.")  # gettext it where it is said


def new_key() -> str:
    """A fresh random key for a form about to be shown (URL-safe, 43 characters)."""
    return secrets.token_urlsafe(32)


def _usable(key: str) -> bool:
    """A key a form of ours could have sent: not empty, not too long, and no control
    character (PostgreSQL refuses NUL in text; new_key never makes one)."""
    return bool(key) and len(key) <= KEY_LENGTH and key.isprintable()


def claim(key: str, user: User | None, endpoint: str) -> bool:
    """Record the key as used; False when it was used before (the form came twice)."""
    key = (key or "").strip()
    if not _usable(key):
        raise ValidationFailed(_("The form is incomplete or has expired; reload the page."))
    conn = ensure_write_transaction(db.session)
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    inserted = conn.execute(
        insert(IdempotencyKey)
        .values(key=key, user_id=user.id if user else None, endpoint=endpoint[:100],
                created_at=utcnow())
        .on_conflict_do_nothing()
        .returning(IdempotencyKey.key)
    ).first()
    return inserted is not None


@dataclass(frozen=True)
class Earlier:
    """What the first submission of a form created (object_type None: it said nothing, or
    it was another user's)."""

    object_type: str | None
    object_id: int | None


def claim_or_earlier(key: str, user: User | None, endpoint: str) -> Earlier | None:
    """Claim the key for this submission: None when it is the first (go on and create);
    else what the first one created. On PostgreSQL a second submission racing the first
    waits here until the first commits, and then finds its result."""
    if claim(key, user, endpoint):
        return None
    return earlier(key, user) or Earlier(None, None)


def earlier(key: str | None, user: User | None) -> Earlier | None:
    """What an earlier submission with this key created, if one was received (without
    claiming the key: a form whose action is no longer possible asks only this)."""
    key = (key or "").strip()
    if not _usable(key):
        return None
    row = db.session.execute(
        select(IdempotencyKey.user_id, IdempotencyKey.object_type, IdempotencyKey.object_id)
        .where(IdempotencyKey.key == key)).first()
    if row is None:
        return None
    if row.user_id != (user.id if user else None):
        return Earlier(None, None)
    return Earlier(row.object_type, row.object_id)


def remember(key: str, object_type: str, object_id: int) -> None:
    """Record with the claimed key what its submission created."""
    db.session.execute(update(IdempotencyKey).where(IdempotencyKey.key == key.strip())
                       .values(object_type=object_type, object_id=object_id))
