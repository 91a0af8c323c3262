"""Personal access tokens for the JSON API, and the answers kept for its Idempotency-Key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, in_list, utcnow
from .user import User

TOKEN_SCOPES = ("read", "write")


class ApiToken(db.Model):
    """A token a user made for scripts: only the SHA-256 of its secret is kept.

    `prefix` (the first characters of the secret) lets its owner tell tokens apart on the
    profile page without the secret ever being shown again.
    """

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint(in_list("scope", TOKEN_SCOPES), name="scope_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(8))
    prefix: Mapped[str] = mapped_column(String(12))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()

    def usable_at(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at

    def __repr__(self) -> str:
        return f"<ApiToken {self.prefix}… {self.scope} user={self.user_id}>"


class ApiAnswer(db.Model):
    """The first answer to a write sent with an Idempotency-Key, repeated to the same key."""

    __tablename__ = "api_answers"
    __table_args__ = (Index("ix_api_answers_created_at", "created_at"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(300))
    status: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
