"""Our own 500 page, whatever state the database session is in: with every security header,
the request id and the JSON log line, never the server's bare 500."""

import json
import logging

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from models import Organisation, db
from tests.conftest import log_in
from webui.request_log import JsonFormatter


def _refuse_every_statement(*_args, **_kwargs):
    raise OperationalError("SELECT …", {}, Exception("the database went away"))


@pytest.fixture
def failing_app(app, make_org):
    """An app with a page whose insert fails at flush (a taken name); `?gone=1` also has the
    database stop answering right after, as when its server restarts mid-request."""
    from webui import create_app

    failing = create_app(app.config_class_instance)
    failing.test_client_class = app.test_client_class
    failing.config["PROPAGATE_EXCEPTIONS"] = False
    make_org(name="Taken name")
    engine = db.engine

    def insert_a_taken_name():
        from flask import request

        db.session.add(Organisation(kind="alumni_society", country_code="TH",
                                    name="Taken name", city="Bangkok"))
        try:
            db.session.flush()
        finally:
            if request.args.get("gone"):
                event.listen(engine, "before_cursor_execute", _refuse_every_statement)
        return "saved"

    insert_a_taken_name.access = "signed_in"
    failing.add_url_rule("/insert-a-taken-name", "insert_a_taken_name", insert_a_taken_name,
                         methods=["GET", "POST"])
    yield failing
    if event.contains(engine, "before_cursor_execute", _refuse_every_statement):
        event.remove(engine, "before_cursor_execute", _refuse_every_statement)


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("gone", ["", "1"])
def test_a_failed_session_still_gets_our_500_page(failing_app, make_user, caplog, method,
                                                  gone):
    client = failing_app.test_client()
    user = make_user("auditor")
    user_id = str(user.id)
    log_in(client, user)
    caplog.clear()  # only the failing request's line: the login's may be captured too
    with caplog.at_level(logging.INFO, logger="wnf.requests"):
        response = client.open(f"/insert-a-taken-name?gone={gone}", method=method,
                               headers={"X-Request-ID": "probe-request-0001"})
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in body and "probe-request-0001" in body
    assert "Traceback" not in body and "uq_organisations_name" not in body
    assert response.headers["X-Request-ID"] == "probe-request-0001"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records
             if r.name == "wnf.requests"]
    assert [(line["status"], line["user_id"], line["request_id"]) for line in lines] == [
        (500, user_id, "probe-request-0001")]


def test_the_next_request_finds_the_database_again(failing_app, make_user):
    client = failing_app.test_client()
    log_in(client, make_user("auditor"))
    assert client.post("/insert-a-taken-name?gone=1").status_code == 500
    event.remove(db.engine, "before_cursor_execute", _refuse_every_statement)
    assert client.get("/home").status_code == 200
