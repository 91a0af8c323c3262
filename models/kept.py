"""The revisions that what a worker keeps across requests is filed under (workflow.engine.kept).

Each revision is the sum of a table of stripes: a change moves the stripe of the row it
changed (its id modulo the stripes) only, so writers of different rows seldom wait for one
another's row lock on PostgreSQL. Each stripe only grows, so the sum moves whenever any
stripe does (numbers, never a clock: two hosts' clocks need not agree).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import db

FILE_LIST_STRIPES = 32
PEOPLE_STRIPES = 32


class FileListRevision(db.Model):
    """A stripe of the revision of what the lists, filter bars and home counts show of the
    files, their organisations, funds and rounds."""

    __tablename__ = "file_list_revisions"
    __table_args__ = (CheckConstraint(f"stripe >= 0 AND stripe < {FILE_LIST_STRIPES}",
                                      name="stripe_in_range"),)

    stripe: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(BigInteger, default=1, server_default="1")


class PeopleRevision(db.Model):
    """A stripe of the revision of the people: the names, roles, seats and absences of the
    users and the organisations that kept pages name, moved by the workflow service in the
    transaction of every change to them."""

    __tablename__ = "people_revisions"
    __table_args__ = (CheckConstraint(f"stripe >= 0 AND stripe < {PEOPLE_STRIPES}",
                                      name="stripe_in_range"),)

    stripe: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(BigInteger, default=1, server_default="1")


class FigureRevision(db.Model):
    """The revision of one table of kept figures (models.kept_figures, its name): the
    portfolio's figures are filed under those of the tables they read, so that a change
    that moves none of them (a vote, a note) leaves them kept. Written by
    workflow.engine.kept_sums.add_to with the figures themselves, under the audit chain's
    lock like them: a row every writer of that table shares, as its rows are."""

    __tablename__ = "figure_revisions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger, default=1, server_default="1")
