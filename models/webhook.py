"""Webhooks: endpoints an administrator registers for state and money events, and one
delivery per (endpoint, audit event), so that each event reaches each endpoint once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from . import sealing
from .base import db, in_list, utcnow

WEBHOOK_TOPICS = ("state", "money")
DELIVERY_STATES = ("pending", "sending", "delivered", "failed")


class WebhookEndpoint(db.Model):
    """A URL told of events. Its signing secret is sealed at rest (models.sealing)."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(String(200), default="")
    topics: Mapped[str] = mapped_column(String(40))  # "state,money"
    secret_sealed: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Audit events up to this seq have had their deliveries made (or were not for it).
    queued_through: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def secret(self) -> str:
        return sealing.unseal(self.secret_sealed)

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_sealed = sealing.seal(value)

    @property
    def topic_set(self) -> frozenset[str]:
        return frozenset(t for t in self.topics.split(",") if t)


class WebhookDelivery(db.Model):
    """One event for one endpoint: claimed, sent, then delivered; retried with backoff."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "event_seq"),
        CheckConstraint(in_list("state", DELIVERY_STATES), name="state_known"),
        Index("ix_webhook_deliveries_state_next", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id",
                                                        ondelete="CASCADE"))
    event_seq: Mapped[int] = mapped_column(BigInteger)
    topic: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)

    endpoint: Mapped[WebhookEndpoint] = relationship()
