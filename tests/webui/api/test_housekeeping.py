"""The API's housekeeping: `flask api purge` deletes the Idempotency-Key answers and the
finished webhook deliveries past their retention (and nothing else), and the admin's
webhooks page shows each delivery that did not get through, with its error and next try."""

from __future__ import annotations

from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy import func, select

from models import ApiAnswer, AuditEvent, User, WebhookDelivery, db, utcnow, write_intent
from tests.conftest import fire
from workflow.operations import webhooks

from .conftest import bearer, make_token_for


def _endpoint(admin: User) -> None:
    with write_intent(True):
        webhooks.register("https://accounting.example/hooks", ["state"], "Accounting", admin)
        db.session.commit()


def _count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_delivery_that_did_not_get_through_shows_its_error_and_next_try(
        client, login_as, make_application, make_user):
    admin = login_as("admin")
    _endpoint(admin)
    fire(make_application("grant", state="submitted"), "start_screening",
         make_user("secretariat"))
    assert webhooks.queue() == 2  # the file made, then screened
    assert webhooks.send_due(post=lambda url, body, headers: 503).retried == 2
    delivery = db.session.scalar(select(WebhookDelivery).order_by(WebhookDelivery.id.desc()))
    page = client.get("/admin/webhooks").get_data(as_text=True)
    row = page[page.index(f'<tr data-delivery="{delivery.id}">'):]
    row = row[:row.index("</tr>")]
    assert "The endpoint answered 503." in row
    assert "Waiting to be tried again" in row
    assert f'datetime="{delivery.next_attempt_at.isoformat()}Z"' in row
    assert "<td>1</td>" in row  # attempts


def test_purge_deletes_only_what_is_past_its_retention(app, client, login_as, make_application,
                                                       make_user):
    admin = login_as("admin")
    _endpoint(admin)
    secretariat = make_user("secretariat")
    start = utcnow()
    with freeze_time(start - timedelta(days=100)):
        token = bearer(make_token_for(secretariat, "write"))
        old = make_application("grant", state="submitted")
        fire(old, "start_screening", secretariat)
        assert webhooks.queue() == 2  # made and screened: delivered long ago
        webhooks.send_due(post=lambda url, body, headers: 204)
        sent = client.post(f"/api/v1/applications/{old.id}/actions/request_revision",
                           json={"comment": "Add the budget"},
                           headers={**token, "Idempotency-Key": "old-key"})
        assert sent.status_code == 200
        fire(make_application("grant", state="submitted"), "start_screening", secretariat)
        assert webhooks.queue() == 3  # still pending: never purged
    with freeze_time(start - timedelta(days=2)):
        token = bearer(make_token_for(secretariat, "write"))
        client.post("/api/v1/notifications/read", headers={**token, "Idempotency-Key": "new"})
    assert (_count(ApiAnswer), _count(WebhookDelivery)) == (2, 5)

    db.session.rollback()  # the command starts its own transaction, as from cron
    result = app.test_cli_runner().invoke(args=["api", "purge"])
    assert result.exit_code == 0, result.output
    assert "1 Idempotency-Key answers older than 7 days" in result.output
    assert "2 finished webhook deliveries older than 90 days" in result.output
    db.session.rollback()
    assert db.session.scalars(select(ApiAnswer.key)).all() == ["new"]
    assert db.session.scalars(select(WebhookDelivery.state)).all() == ["pending"] * 3
    assert webhooks.queue() == 0  # nothing purged is queued again
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api_purged"))
    assert event.data["idempotency_answers"] == 1 and event.data["webhook_deliveries"] == 2

    db.session.rollback()
    shorter = app.test_cli_runner().invoke(args=["api", "purge", "--answer-days", "1"])
    assert "1 Idempotency-Key answers older than 1 days" in shorter.output
    assert _count(ApiAnswer) == 0
