"""What users are told: in-app notifications, email preferences, the email outbox."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, in_list, utcnow
from .i18n import N_

if TYPE_CHECKING:
    from .application import Application
    from .user import User

NOTIFICATION_KINDS = (
    "status_changed",     # the applicant: any change of state of their file
    "ballot_opened",      # committee members
    "quorum_reached",     # the chair
    "awaiting_tranche",   # finance: an approval waits for its first tranche
    "report_submitted",   # the secretariat
    "tranche_requested",  # finance: a tranche waits for a second officer
    "reminder",           # an overdue item (flask reminders send)
)
KIND_LABELS = {
    "status_changed": N_("A file of my organisation changes state"),
    "ballot_opened": N_("A ballot opens"),
    "quorum_reached": N_("A ballot reaches quorum"),
    "awaiting_tranche": N_("An approval waits for a tranche"),
    "report_submitted": N_("A final report arrives"),
    "tranche_requested": N_("A tranche waits for authorisation"),
    "reminder": N_("Reminders of overdue items"),
}
OUTBOX_STATES = ("pending", "sending", "sent", "failed")


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(in_list("kind", NOTIFICATION_KINDS), name="kind_known"),
        Index("ix_notifications_user_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()
    application: Mapped[Application | None] = relationship()


class EmailPreference(db.Model):
    """A user's choice to receive (or not) email for one kind of notification."""

    __tablename__ = "email_preferences"
    __table_args__ = (
        UniqueConstraint("user_id", "kind"),
        CheckConstraint(in_list("kind", NOTIFICATION_KINDS), name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    email: Mapped[bool] = mapped_column(default=True)


class DailyDigest(db.Model):
    """A user who takes one email a day summing up their notifications instead of one email
    each (workflow.people.digest); no row, one email each."""

    __tablename__ = "daily_digests"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    # The moment the last digest covered: the next one holds what is newer.
    sent_through: Mapped[datetime | None] = mapped_column(DateTime)


class OutboxMessage(db.Model):
    """An email written in the same transaction as its event, sent later by `flask outbox send`."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(in_list("state", OUTBOX_STATES), name="state_known"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index("ix_outbox_messages_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notifications.id", ondelete="SET NULL"))
    message_id: Mapped[str] = mapped_column(String(200), unique=True)  # the Message-ID header
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class SentReminder(db.Model):
    """A reminder of a due date that has been sent (workflow.people.due_reminders): the same event
    (a report due soon, an instalment overdue…) is never reminded of twice."""

    __tablename__ = "sent_reminders"
    __table_args__ = (UniqueConstraint("application_id", "event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"))
    # What was reminded of, with the due date it concerned: "report_overdue:2027-06-30",
    # "instalment_due:12:2027-07-31" (a changed due date is a new event).
    event: Mapped[str] = mapped_column(String(80))
    sent_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
