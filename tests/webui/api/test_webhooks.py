"""Webhooks: an administrator registers an endpoint; state changes and ledger entries reach
it through the deliveries, signed, once each — across a failing endpoint and a restart of
the sender."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from models import WebhookDelivery, db, utcnow, write_intent
from tests.conftest import csrf_token_from, fire, once_key
from workflow.money import ledger
from workflow.operations import webhooks


class Receiver:
    """A real HTTP endpoint on a free port: answers 503 to the first `failures` POSTs, then
    204; keeps what it accepted."""

    def __init__(self, failures: int):
        self.failures, self.accepted, self.refused = failures, [], 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.refused < receiver.failures:
                    receiver.refused += 1
                    self.send_response(503)
                else:
                    receiver.accepted.append(({k.lower(): v for k, v in self.headers.items()},
                                              body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver():
    made = Receiver(failures=1)
    yield made
    made.server.shutdown()


def _verified(secret: str, headers: dict, body: bytes) -> bool:
    parts = dict(p.split("=", 1) for p in headers["wnf-signature"].split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body,
                        hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


def test_events_reach_the_endpoint_signed_once_across_a_failure_and_a_restart(
        app, _app, client, login_as, make_user, make_application, make_fund, receiver):
    login_as("admin")
    page = client.get("/admin/webhooks").get_data(as_text=True)
    answer = client.post("/admin/webhooks", data={
        "csrf_token": csrf_token_from(page), "url": receiver.url,
        "topics": ["state", "money"], "description": "Accounting", **once_key(page)})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200, html
    secret = html.split('<code class="new-secret user-select-all">')[1].split("<")[0]

    application = make_application("grant", state="submitted")
    fire(application, "start_screening", make_user("secretariat"))
    db.session.commit()
    with write_intent(True):
        ledger.post(make_fund("SME"), "donation", 1_000, actor=None, memo="gift")
        db.session.commit()

    assert webhooks.queue() == 3  # the file made, then screened; the donation
    assert webhooks.queue() == 0  # queued once, however often it runs
    first = webhooks.send_due()
    assert (first.delivered, first.retried) == (2, 1) and receiver.refused == 1

    # The sender restarts (a new process: a new app on the same database); the failed one
    # waits for its backoff, then goes; nothing already delivered goes again.
    from webui import create_app

    restarted = create_app(_app.config_class_instance)
    runner = restarted.test_cli_runner()
    assert "0 delivered" in runner.invoke(args=["webhooks", "deliver"]).output
    with freeze_time(utcnow() + timedelta(minutes=2)):
        result = runner.invoke(args=["webhooks", "deliver"])
    assert "1 delivered" in result.output, result.output
    assert "0 delivered" in runner.invoke(args=["webhooks", "deliver"]).output

    events = [json.loads(body) for _, body in receiver.accepted]
    assert sorted(e["topic"] for e in events) == ["money", "state", "state"]
    assert len({e["event"] for e in events}) == 3
    state = next(e for e in events if e["action"] == "start_screening")
    assert (state["action"], state["to_state"]) == ("start_screening", "screening")
    assert all(_verified(secret, headers, body) for headers, body in receiver.accepted)
    assert not _verified("another secret", *receiver.accepted[0])
    db.session.rollback()
    states = db.session.scalars(select(WebhookDelivery.state)).all()
    assert states == ["delivered"] * 3
    assert "Accounting" in client.get("/admin/webhooks").get_data(as_text=True)


def test_a_webhook_needs_a_real_address(client, login_as):
    login_as("admin")
    page = client.get("/admin/webhooks").get_data(as_text=True)
    answer = client.post("/admin/webhooks", data={"csrf_token": csrf_token_from(page),
                                                  "url": "ftp://x", "topics": ["state"],
                                                  **once_key(page)})
    assert answer.status_code == 400 and "https://" in answer.get_data(as_text=True)
    assert webhooks.endpoints() == []
