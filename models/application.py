"""Applications (grant proposals and loan applications) and their comments."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, db, in_list, utcnow

if TYPE_CHECKING:
    from .fund import Fund, Round
    from .organisation import Organisation
    from .user import User

APPLICATION_KINDS = ("grant", "loan")


class Application(TimestampMixin, db.Model):
    """One grant proposal or loan application, whichever its kind.

    `state` is moved only by workflow.engine.service.fire, which also bumps `version`
    (the optimistic-locking counter SQLAlchemy checks on every UPDATE).
    """

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("fund_id", "fiscal_year", "number"),
        CheckConstraint(in_list("kind", APPLICATION_KINDS), name="kind_known"),
        CheckConstraint("requested_yen >= 0", name="requested_not_negative"),
        CheckConstraint("approved_yen IS NULL OR approved_yen >= 0", name="approved_not_negative"),
        CheckConstraint("number > 0", name="number_positive"),
        CheckConstraint("version > 0", name="version_positive"),
        # Migration 0006: each sort order of the application list, the file's id last (the
        # list pages by key, not by OFFSET); a state's files newest first; the home page's
        # counts by state from the index alone.
        Index("ix_applications_created_at_id", "created_at", "id"),
        Index("ix_applications_state_changed_at_id", "state_changed_at", "id"),
        Index("ix_applications_reference_order", "fiscal_year", "fund_id", "number", "id"),
        Index("ix_applications_title_id", "title", "id"),
        Index("ix_applications_requested_yen_id", "requested_yen", "id"),
        Index("ix_applications_state_created_at_id", "state", "created_at", "id"),
        Index("ix_applications_state_kind_due_on", "state", "kind", "due_on"),
        # Migration 0007: the portfolio's sums by round from the index alone (it also serves
        # the foreign key it starts with).
        Index("ix_applications_round_approved", "round_id", "approved_yen"),
        # Migration 0011: the portfolio's sums by organisation, kind and year, and the loans'
        # ids to find their investment country, from the index alone (0007's index by
        # organisation and year, which it replaces, had no kind; it serves the foreign key).
        Index("ix_applications_organisation_kind_year_approved", "organisation_id", "kind",
              "fiscal_year", "approved_yen", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    # active_history on the columns the portfolio's kept counts are keyed on: a change
    # loads the value it replaces, so the count can leave its old row
    # (workflow.files.application_totals).
    kind: Mapped[str] = mapped_column(String(10), active_history=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"))
    fiscal_year: Mapped[int] = mapped_column(active_history=True)
    number: Mapped[int]  # within the fund and fiscal year: the 42 of WNF-2027-0042
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"),
                                                 active_history=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), active_history=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(32), active_history=True)
    workflow_name: Mapped[str] = mapped_column(String(20))
    workflow_version: Mapped[int]
    requested_yen: Mapped[int] = mapped_column(BigInteger, default=0)
    approved_yen: Mapped[int | None] = mapped_column(BigInteger, active_history=True)
    version: Mapped[int] = mapped_column(default=1)
    # What the workers keep of this file's page (timeline, ballots, tranches, figures) is
    # filed under this number: the workflow service adds one whenever any of it changes
    # (workflow.engine.kept). Unlike `version`, it never makes a user's open form stale.
    revision: Mapped[int] = mapped_column(default=1, server_default="1")
    state_changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    # When whoever holds it now should have acted (screening, a report review…); None: no clock.
    due_on: Mapped[date | None] = mapped_column(Date, index=True)

    fund: Mapped[Fund] = relationship()
    round: Mapped[Round | None] = relationship()
    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship()
    comments: Mapped[list[Comment]] = relationship(
        back_populates="application", order_by="Comment.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Application {self.reference} {self.state}>"


class ReferenceCounter(db.Model):
    """The last number handed out per fund and fiscal year (see workflow.engine.references)."""

    __tablename__ = "reference_counters"
    __table_args__ = (CheckConstraint("last_number >= 0", name="last_number_not_negative"),)

    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


COMMENT_VISIBILITY = ("everyone", "staff")


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        CheckConstraint(in_list("visibility", COMMENT_VISIBILITY), name="visibility_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(10), default="everyone")
    # The transition it was written for (e.g. request_revision), if any.
    trigger: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()
