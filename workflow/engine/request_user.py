"""The user behind a request, loaded once per request by the login manager."""

from __future__ import annotations

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from models import Notification, User, db

_SIGNED_IN = (
    select(User, select(func.count(Notification.id))
           .where(Notification.user_id == User.id, Notification.read_at.is_(None))
           .scalar_subquery())
    .where(User.id == bindparam("user_id"))
    # The organisation too: the home page and every applicant's page name it.
    .options(joinedload(User.role_assignments), joinedload(User.organisation))
)


def load_signed_in(user_id: int) -> tuple[User | None, int]:
    """The user with their roles and organisation, and how many notifications they have not
    read, in one statement: every page shows that count in its menu."""
    row = db.session.execute(_SIGNED_IN, {"user_id": user_id}).unique().first()
    return (None, 0) if row is None else (row[0], row[1])
