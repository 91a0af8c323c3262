"""Sending the outbox: each message exactly once, retried with backoff when SMTP fails.

A message is claimed (pending → sending) and committed before it is handed to
SMTP, then marked sent; two senders running at once never claim the same one.
A failure puts it back to pending with the error and a later next attempt
(1, 2, 4 … minutes, at most a day); after MAX_ATTEMPTS it is failed and stays
visible. A sender that dies between SMTP and "sent" leaves the message in
`sending`: it is reported, never re-sent blindly, so nobody gets it twice.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select, update

from models import OutboxMessage, db, utcnow, write_intent

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    stuck: int = 0

    def __str__(self) -> str:
        return (f"{self.sent} sent, {self.retried} to retry, {self.failed} failed for good, "
                f"{self.stuck} stuck in sending")


@dataclass(frozen=True)
class MailSettings:
    server: str
    port: int = 25
    use_tls: bool = False
    username: str = ""
    password: str = ""
    sender: str = "wnf-workflow@localhost"


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** (attempts - 1), 24 * 60))


def _claim_next(now: datetime) -> OutboxMessage | None:
    """Take the oldest due message, committed as `sending` so that no one else takes it."""
    with write_intent(True):
        candidate = db.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.state == "pending",
                                           OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id).limit(1))
        if candidate is None:
            db.session.rollback()
            return None
        claimed = db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == candidate,
                                        OutboxMessage.state == "pending")
            .values(state="sending", attempts=OutboxMessage.attempts + 1)
        ).rowcount
        db.session.commit()
    if not claimed:
        return _claim_next(now)  # another sender took it first
    return db.session.get(OutboxMessage, candidate)


def _email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"], email["To"] = sender, message.to_address
    email["Subject"], email["Message-ID"] = message.subject, message.message_id
    email.set_content(message.body)
    return email


def smtp_transport(settings: MailSettings) -> Callable[[EmailMessage], None]:
    def send(email: EmailMessage) -> None:
        with smtplib.SMTP(settings.server, settings.port, timeout=30) as smtp:
            if settings.use_tls:
                smtp.starttls()
            if settings.username:
                smtp.login(settings.username, settings.password)
            smtp.send_message(email)

    return send


def log_transport(email: EmailMessage) -> None:
    """Development: the message goes to the log instead of a mail server."""
    log.info("email to %s: %s\n%s", email["To"], email["Subject"], email.get_content())


def send_pending(transport: Callable[[EmailMessage], None], sender: str,
                 now: datetime | None = None, limit: int = 500) -> SendReport:
    report = SendReport()
    now = now or utcnow()
    for _ in range(limit):
        message = _claim_next(now)
        if message is None:
            break
        try:
            transport(_email(message, sender))
        except Exception as error:  # any SMTP or network failure: retry later
            final = message.attempts >= MAX_ATTEMPTS
            with write_intent(True):
                db.session.execute(update(OutboxMessage).where(
                    OutboxMessage.id == message.id).values(
                    state="failed" if final else "pending", last_error=str(error)[:2000],
                    next_attempt_at=now + backoff(message.attempts)))
                db.session.commit()
            report.failed += final
            report.retried += not final
            continue
        with write_intent(True):
            db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message.id)
                               .values(state="sent", sent_at=utcnow(), last_error=""))
            db.session.commit()
        report.sent += 1
    with write_intent(False):
        report.stuck = len(db.session.scalars(select(OutboxMessage.id).where(
            OutboxMessage.state == "sending")).all())
        db.session.rollback()
    return report
