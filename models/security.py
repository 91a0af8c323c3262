"""Login attempts (for throttling across workers and hosts) and two-factor recovery codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import db, in_list, utcnow

LOGIN_STAGES = ("password", "code")


class LoginAttempt(db.Model):
    """One try at logging in: counted in the database so that every worker sees it.

    `email` is what was typed, normalised, whether or not such a user exists (an
    unknown email is throttled like a known one, so the lock reveals nothing).
    """

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_remote_addr_at", "remote_addr", "at"),
        CheckConstraint(in_list("stage", LOGIN_STAGES), name="stage_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(16), default="password")
    succeeded: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    def __repr__(self) -> str:
        outcome = "ok" if self.succeeded else "failed"
        return f"<LoginAttempt {self.email} {self.stage} {outcome}>"


class RecoveryCode(db.Model):
    """A one-time code that stands in for a TOTP code; only its SHA-256 is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)

    def __repr__(self) -> str:
        return f"<RecoveryCode user={self.user_id} used={self.used_at is not None}>"
