"""Committee ballots, votes and declared conflicts of interest."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, in_list, utcnow

if TYPE_CHECKING:
    from .application import Application
    from .user import User

BALLOT_STATES = ("open", "closed")
BALLOT_OUTCOMES = ("approved", "rejected", "deferred")
VOTE_CHOICES = ("approve", "reject", "abstain")


class Ballot(db.Model):
    """One committee review round of an application; a deferral opens the next one."""

    __tablename__ = "ballots"
    __table_args__ = (
        UniqueConstraint("application_id", "number"),
        CheckConstraint(in_list("state", BALLOT_STATES), name="state_known"),
        CheckConstraint(f"outcome IS NULL OR {in_list('outcome', BALLOT_OUTCOMES)}",
                        name="outcome_known"),
        CheckConstraint("(state = 'closed') = (closed_at IS NOT NULL)", name="closed_has_time"),
        CheckConstraint("casting_vote IS NULL OR casting_vote IN ('approve', 'reject')",
                        name="casting_vote_known"),
        # Migration 0007: the open ballots oldest first, a page at a time.
        Index("ix_ballots_state_opened_at", "state", "opened_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    state: Mapped[str] = mapped_column(String(8), default="open")
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str | None] = mapped_column(String(10))
    # The tally when it closed, kept as it was then.
    eligible_count: Mapped[int | None]
    approvals: Mapped[int | None]
    rejections: Mapped[int | None]
    abstentions: Mapped[int | None]
    casting_vote: Mapped[str | None] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(default=1)

    application: Mapped[Application] = relationship()
    votes: Mapped[list[Vote]] = relationship(back_populates="ballot", order_by="Vote.id")
    conflicts: Mapped[list[ConflictDeclaration]] = relationship(back_populates="ballot")

    __mapper_args__ = {"version_id_col": version}


class Vote(db.Model):
    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("ballot_id", "member_id"),
        CheckConstraint(in_list("choice", VOTE_CHOICES), name="choice_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    choice: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str] = mapped_column(Text, default="")
    cast_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    changed_at: Mapped[datetime | None] = mapped_column(DateTime)
    changes: Mapped[int] = mapped_column(default=0)

    ballot: Mapped[Ballot] = relationship(back_populates="votes")
    member: Mapped[User] = relationship()


class ConflictDeclaration(db.Model):
    __tablename__ = "conflict_declarations"
    __table_args__ = (UniqueConstraint("ballot_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    declared_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    ballot: Mapped[Ballot] = relationship(back_populates="conflicts")
    member: Mapped[User] = relationship()
