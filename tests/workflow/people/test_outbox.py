"""The outbox against a real local SMTP server that fails, then recovers."""

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from models import OutboxMessage, User, db, utcnow, write_intent
from workflow.people import outbox
from workflow.people.notifications import notify


class FlakyMailbox:
    """Refuses the first `failures` messages with a temporary error, then delivers."""

    def __init__(self, failures: int):
        self.failures = failures
        self.delivered: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        if self.failures > 0:
            self.failures -= 1
            return "451 Try again later"
        self.delivered.append(envelope.content.decode())
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    def start(failures: int = 0):
        handler = FlakyMailbox(failures)
        controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
        controller.start()
        started.append(controller)
        return handler, outbox.MailSettings("127.0.0.1", controller.port)

    started: list[Controller] = []
    yield start
    for controller in started:
        controller.stop()


def _queue(users: list[User], count: int) -> None:
    db.session.commit()
    with write_intent(True):
        for n in range(count):
            notify(users, "reminder", f"Message number {n}")
        db.session.commit()


def test_every_message_is_delivered_exactly_once_despite_failures(app, smtp, make_user):
    users = [make_user("secretariat") for _ in range(3)]
    _queue(users, 4)  # 12 messages
    mailbox, settings = smtp(failures=5)
    transport = outbox.smtp_transport(settings)
    now = utcnow()
    first = outbox.send_pending(transport, "wnf@example.org", now=now)
    assert (first.sent, first.retried) == (7, 5)
    # Nothing is due again until the backoff has passed: no message goes twice.
    again = outbox.send_pending(transport, "wnf@example.org", now=now)
    assert again.sent == 0
    later = outbox.send_pending(transport, "wnf@example.org", now=now + timedelta(minutes=5))
    assert later.sent == 5 and later.stuck == 0
    assert len(mailbox.delivered) == 12
    ids = [line for m in mailbox.delivered for line in m.splitlines()
           if line.lower().startswith("message-id")]
    assert len(set(ids)) == 12
    db.session.rollback()
    states = db.session.execute(select(OutboxMessage.state, func.count())
                                .group_by(OutboxMessage.state)).all()
    assert dict(states) == {"sent": 12}
    retried = db.session.scalars(select(OutboxMessage).where(OutboxMessage.attempts == 2)).all()
    assert len(retried) == 5 and all("451" in m.last_error or m.last_error == ""
                                     for m in retried)


def test_a_message_that_keeps_failing_ends_failed_and_visible(app, smtp, make_user):
    _queue([make_user("auditor")], 1)
    _, settings = smtp(failures=100)
    transport, now = outbox.smtp_transport(settings), utcnow()
    for attempt in range(outbox.MAX_ATTEMPTS):
        outbox.send_pending(transport, "wnf@example.org", now=now + timedelta(days=attempt))
    db.session.rollback()
    message = db.session.scalar(select(OutboxMessage))
    assert message.state == "failed" and message.attempts == outbox.MAX_ATTEMPTS
    assert "451" in message.last_error


def test_an_unreachable_server_is_retried_later(app, make_user):
    _queue([make_user("auditor")], 1)
    settings = outbox.MailSettings("127.0.0.1", _free_port())  # nobody listens
    report = outbox.send_pending(outbox.smtp_transport(settings), "wnf@example.org")
    assert report.retried == 1
    db.session.rollback()
    assert db.session.scalar(select(OutboxMessage.state)) == "pending"


def test_email_choices_are_respected(app, client, login_as, make_user):
    user = login_as("secretariat")
    client.post("/notifications/email", data={"email": ["ballot_opened"]})
    _queue([user], 1)  # a reminder: not chosen
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Message number 0" in page  # still shown in the app


def test_the_cli_without_a_server_writes_to_the_log(app, make_user, caplog):
    _queue([make_user("auditor")], 2)
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "2 sent" in result.output
