"""The API's housekeeping (`flask api purge`, from cron): the answers kept for
Idempotency-Keys and the webhook deliveries that are done are deleted after their
retention periods. What was purged is told in the audit chain, which keeps every event the
deliveries carried."""

from __future__ import annotations

from datetime import datetime, timedelta

from models import utcnow
from workflow.engine import audit
from workflow.people import api_tokens

from . import webhooks


def purge(answer_days: int, delivery_days: int, now: datetime | None = None) -> dict[str, int]:
    """Delete what is older than its retention (in days); returns how many of each."""
    if answer_days < 1 or delivery_days < 1:
        raise ValueError("Retention periods are at least one day.")
    now = now or utcnow()
    report = {"idempotency_answers": api_tokens.forget_answers(now - timedelta(days=answer_days)),
              "webhook_deliveries": webhooks.purge_deliveries(
                  now - timedelta(days=delivery_days)),
              "answer_days": answer_days, "delivery_days": delivery_days}
    audit.record("api_purged", actor=None, object_type="api", object_id=None, data=report)
    return report
