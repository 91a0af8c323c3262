"""The revisions that what a worker keeps across requests is filed under (workflow.engine.kept)."""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import db


class KeptRevisions(db.Model):
    """One row: a number per kind of kept answer, moved by the workflow service in the
    transaction of every change that answer depends on (a number, never a clock: two
    hosts' clocks need not agree).

    file_lists: what the lists, filter bars and home counts show of the files, their
    organisations, funds and rounds. people: the names, roles, seats and absences of the
    users that kept pages name.
    """

    __tablename__ = "kept_revisions"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    file_lists: Mapped[int] = mapped_column(BigInteger, default=1, server_default="1")
    people: Mapped[int] = mapped_column(BigInteger, default=1, server_default="1")
