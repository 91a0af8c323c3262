"""The audit trail: append-only and hash-chained (see workflow.engine.audit)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db

if TYPE_CHECKING:
    from .user import User

GENESIS_HASH = "0" * 64


class AuditEvent(db.Model):
    """Who did what, when, to which object, from which state to which, with what data.

    `hash` = SHA-256 of `prev_hash` and the canonical JSON of the other fields, so
    that a changed, removed or reordered event breaks the chain.
    """

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id", "seq"),
                      # an export's date range read from the index alone (its first and last seq)
                      Index("ix_audit_events_occurred_at", "occurred_at", "seq"))

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None]
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AuditEvent {self.seq} {self.action}>"
