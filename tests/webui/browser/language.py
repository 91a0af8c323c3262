"""A demo user reading the pages in a chosen language for the length of a test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from models import User, db
from tests.conftest import speaks


@contextmanager
def speaking(email: str, locale: str) -> Iterator[None]:
    """The demo user's saved language is `locale` inside the block, their own again after it
    (the seeded demo is shared by the tests of the process)."""
    user = db.session.scalar(db.select(User).where(User.email == email))
    own = user.locale
    speaks(user, locale)
    db.session.commit()
    try:
        yield
    finally:
        user = db.session.scalar(db.select(User).where(User.email == email))
        speaks(user, own)
        db.session.commit()
