"""Webhooks: state and money events told to the endpoints an administrator registered.

The events are the audit chain's: a change and its audit event commit together, so an event
told is an event that happened. Delivering goes as the email outbox does
(workflow.people.outbox): `queue` makes one delivery row per (endpoint, event) — a unique
key, so never two — and `send_due` claims one (pending → sending, committed) before posting
it, marks it delivered on a 2xx, or puts it back with a later attempt (1, 2, 4 … minutes).
A sender that dies between the POST and "delivered" leaves it in `sending`: reported, never
re-sent blindly. Each POST is signed: `WNF-Signature: t=<unix time>,v1=<HMAC-SHA256 of
"<t>.<body>" with the endpoint's secret>`, so the receiver checks it came from us, recently.
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import json
import secrets
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from models import (
    WEBHOOK_TOPICS,
    AuditEvent,
    User,
    WebhookDelivery,
    WebhookEndpoint,
    db,
    utcnow,
    write_intent,
)
from workflow.engine import audit
from workflow.engine.errors import NotFound, ValidationFailed

MAX_ATTEMPTS = 10
TIMEOUT_SECONDS = 10
TOPIC_LABELS = {"state": "State changes of applications", "money": "Ledger entries (money)"}
SIGNATURE_HEADER = "WNF-Signature"

# One POST (url, body, headers) answering its status; raises OSError on a network failure.
Post = Callable[[str, bytes, dict], int]


def topic_of(event: AuditEvent) -> str | None:
    """What an audit event is about for a webhook: a state change, money, or neither."""
    if event.action.startswith("ledger."):
        return "money"
    if event.object_type == "application" and event.from_state != event.to_state:
        return "state"
    return None


def register(url: str, topics: list[str], description: str, actor: User
             ) -> tuple[WebhookEndpoint, str]:
    """A new endpoint, told of events from now on; returns it and its secret (shown once)."""
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationFailed(_("Give the endpoint's full address, starting with https://."),
                               "url")
    chosen = [t for t in WEBHOOK_TOPICS if t in topics]
    if not chosen:
        raise ValidationFailed(_("Choose the events the endpoint is told of."), "topics")
    secret = secrets.token_urlsafe(32)
    head = db.session.scalar(select(func.coalesce(func.max(AuditEvent.seq), 0)))
    endpoint = WebhookEndpoint(url=url.strip(), description=(description or "").strip()[:200],
                               topics=",".join(chosen), queued_through=head,
                               created_by_id=actor.id)
    endpoint.secret = secret
    db.session.add(endpoint)
    db.session.flush()
    audit.record("webhook_registered", actor=actor, object_type="webhook_endpoint",
                 object_id=endpoint.id, data={"url": endpoint.url, "topics": chosen})
    return endpoint, secret


def deactivate(endpoint_id: int, actor: User) -> WebhookEndpoint:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound(_("There is no such webhook endpoint."))
    if endpoint.active:
        endpoint.active = False
        audit.record("webhook_deactivated", actor=actor, object_type="webhook_endpoint",
                     object_id=endpoint.id, data={"url": endpoint.url})
    return endpoint


def endpoints() -> list[WebhookEndpoint]:
    return list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def _body(event: AuditEvent, topic: str) -> str:
    return json.dumps({"event": event.seq, "topic": topic, "action": event.action,
                       "object_type": event.object_type, "object_id": event.object_id,
                       "from_state": event.from_state, "to_state": event.to_state,
                       "data": event.data, "occurred_at": event.occurred_at.isoformat() + "Z",
                       "hash": event.hash}, sort_keys=True, ensure_ascii=False)


def queue(batch: int = 1000) -> int:
    """Make the deliveries of every active endpoint for the events since it was last queued,
    in one transaction (run again, it makes none twice). Returns how many were made."""
    made = 0
    with write_intent(True):
        conn = db.session.connection()
        insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        for endpoint in db.session.scalars(select(WebhookEndpoint).where(
                WebhookEndpoint.active.is_(True)).with_for_update()):
            wanted = endpoint.topic_set
            events = db.session.scalars(select(AuditEvent).where(
                AuditEvent.seq > endpoint.queued_through).order_by(AuditEvent.seq)
                .limit(batch)).all()
            for event in events:
                topic = topic_of(event)
                if topic in wanted:
                    made += conn.execute(insert(WebhookDelivery).values(
                        endpoint_id=endpoint.id, event_seq=event.seq, topic=topic,
                        body=_body(event, topic), state="pending", attempts=0,
                        next_attempt_at=utcnow(), last_error="", created_at=utcnow())
                        .on_conflict_do_nothing()
                        .returning(WebhookDelivery.id)).first() is not None
            if events:
                endpoint.queued_through = events[-1].seq
        db.session.commit()
    return made


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def http_post(url: str, body: bytes, headers: dict) -> int:
    """POST with the standard library; a status of 4xx/5xx is returned, not raised."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** (attempts - 1), 24 * 60))


@dataclass
class DeliveryReport:
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    stuck: int = 0

    def __str__(self) -> str:
        return (f"{self.delivered} delivered, {self.retried} to retry, {self.failed} failed "
                f"for good, {self.stuck} stuck in sending")


def _claim_next(now: datetime) -> WebhookDelivery | None:
    with write_intent(True):
        candidate = db.session.scalar(
            select(WebhookDelivery.id).where(WebhookDelivery.state == "pending",
                                             WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.id).limit(1))
        claimed = 0
        if candidate is not None:
            claimed = db.session.execute(
                update(WebhookDelivery).where(WebhookDelivery.id == candidate,
                                              WebhookDelivery.state == "pending")
                .values(state="sending", attempts=WebhookDelivery.attempts + 1)).rowcount
        db.session.commit()
    if candidate is None:
        return None
    if not claimed:
        return _claim_next(now)  # another sender took it first
    return db.session.get(WebhookDelivery, candidate)


def _settle(delivery_id: int, **values) -> None:
    with write_intent(True):
        db.session.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
                           .values(**values))
        db.session.commit()


def send_due(post: Post = http_post, now: datetime | None = None,
             limit: int = 500) -> DeliveryReport:
    """Post every delivery that is due, each once; failures wait and are tried again."""
    report, now = DeliveryReport(), now or utcnow()
    for _attempt in range(limit):
        delivery = _claim_next(now)
        if delivery is None:
            break
        body = delivery.body.encode()
        headers = {"Content-Type": "application/json", "User-Agent": "WNF-Workflow-Webhooks",
                   "WNF-Delivery": str(delivery.id), "WNF-Event": str(delivery.event_seq),
                   SIGNATURE_HEADER: signature(delivery.endpoint.secret,
                                               calendar.timegm(utcnow().timetuple()), body)}
        try:
            status = post(delivery.endpoint.url, body, headers)
            error = "" if 200 <= status < 300 else f"The endpoint answered {status}."
        except OSError as failure:  # refused, timed out, unreachable
            error = str(failure) or type(failure).__name__
        if not error:
            _settle(delivery.id, state="delivered", delivered_at=utcnow(), last_error="")
            report.delivered += 1
            continue
        final = delivery.attempts >= MAX_ATTEMPTS
        _settle(delivery.id, state="failed" if final else "pending", last_error=error[:2000],
                next_attempt_at=now + backoff(delivery.attempts))
        report.failed += final
        report.retried += not final
    with write_intent(False):
        report.stuck = len(db.session.scalars(select(WebhookDelivery.id).where(
            WebhookDelivery.state == "sending")).all())
        db.session.rollback()
    return report


DONE_STATES = ("delivered", "failed")


def purge_deliveries(before: datetime) -> int:
    """Delete the deliveries made before `before` that are done (delivered, or failed for
    good); how many. None is made again: each endpoint queues only events after the last it
    queued."""
    return db.session.execute(
        delete(WebhookDelivery).where(WebhookDelivery.state.in_(DONE_STATES),
                                      WebhookDelivery.created_at < before)
        .execution_options(synchronize_session=False)).rowcount


def deliveries_in_trouble(limit: int = 50) -> list[WebhookDelivery]:
    """The deliveries not through yet that have been tried (waiting for a retry, stuck in
    sending, failed for good), the latest first: what the administrator looks into."""
    return list(db.session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.state != "delivered",
                                      WebhookDelivery.attempts > 0)
        .order_by(WebhookDelivery.id.desc()).limit(limit)))
