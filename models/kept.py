"""The revisions that what a worker keeps across requests is filed under (workflow.engine.kept)."""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import db

# Stripes of the lists' revision: a change of a file moves the stripe of its id only, so
# writers of different files seldom wait for one another's row lock on PostgreSQL.
FILE_LIST_STRIPES = 32


class KeptRevisions(db.Model):
    """One row: the revision of the people, moved by the workflow service in the
    transaction of every change to the names, roles, seats and absences of the users
    that kept pages name (a number, never a clock: two hosts' clocks need not agree)."""

    __tablename__ = "kept_revisions"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    people: Mapped[int] = mapped_column(BigInteger, default=1, server_default="1")


class FileListRevision(db.Model):
    """A stripe of the revision of what the lists, filter bars and home counts show of the
    files, their organisations, funds and rounds. The lists' revision is the sum of the
    stripes: each only grows, so the sum moves whenever any stripe does."""

    __tablename__ = "file_list_revisions"
    __table_args__ = (CheckConstraint(f"stripe >= 0 AND stripe < {FILE_LIST_STRIPES}",
                                      name="stripe_in_range"),)

    stripe: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(BigInteger, default=1, server_default="1")
