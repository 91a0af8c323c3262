"""What verifying the audit chain leaves behind: checkpoints up to which it was verified,
and the full re-verifications asked for from the audit page (workflow.engine.verifying)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Boolean, CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, in_list, utcnow

if TYPE_CHECKING:
    from .user import User


class AuditVerification(db.Model):
    """The chain verified from its start (`full`) or from the checkpoint before, up to the
    event `up_to_seq`, which then had the hash `hash`. Written only after a verification
    that found nothing wrong; the next one starts after the latest."""

    __tablename__ = "audit_verifications"
    __table_args__ = (CheckConstraint("up_to_seq >= 0 AND events_checked >= 0",
                                      name="counts_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    up_to_seq: Mapped[int] = mapped_column(BigInteger, index=True)
    hash: Mapped[str] = mapped_column(String(64))
    # The highest ledger entry matched to its event: the next check matches those after it.
    up_to_entry: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    full: Mapped[bool] = mapped_column(Boolean, default=False)
    events_checked: Mapped[int] = mapped_column(BigInteger, default=0)
    verified_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    by: Mapped[str] = mapped_column(String(40))  # "page", "command", "job"

    by_user: Mapped[User | None] = relationship()


VERIFICATION_JOB_STATES = ("queued", "running", "done", "failed")


class AuditVerificationJob(db.Model):
    """A full re-verification asked for on the audit page and run by `flask audit work`:
    `done` of `total` events so far, then its result in words."""

    __tablename__ = "audit_verification_jobs"
    __table_args__ = (CheckConstraint(in_list("state", VERIFICATION_JOB_STATES),
                                      name="state_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(12), default="queued", index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    done: Mapped[int] = mapped_column(BigInteger, default=0)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    result: Mapped[str] = mapped_column(Text, default="")

    requested_by: Mapped[User | None] = relationship()

    @property
    def waiting(self) -> bool:
        """Queued or running: the audit page refreshes itself until it has finished."""
        return self.state in ("queued", "running")
