"""Request logs: one JSON line each, with the request id, and nothing secret."""

import json
import logging

from webui.request_log import JsonFormatter, RequestContextFilter


def test_each_response_carries_a_request_id(client):
    first, second = client.get("/auth/login"), client.get("/auth/login")
    assert len(first.headers["X-Request-ID"]) == 32
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    given = client.get("/auth/login", headers={"X-Request-ID": "proxy-abc-123456"})
    assert given.headers["X-Request-ID"] == "proxy-abc-123456"
    odd = client.get("/auth/login", headers={"X-Request-ID": "<script>"})
    assert odd.headers["X-Request-ID"] != "<script>"


def test_the_log_line_is_json_without_form_contents(client, make_user, caplog):
    user = make_user("auditor")
    with caplog.at_level(logging.INFO, logger="wnf.requests"):
        response = client.post("/auth/login", data={"email": user.email,
                                                    "password": "correct horse battery staple"})
    records = [r for r in caplog.records if r.name == "wnf.requests"]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["method"] == "POST" and line["path"] == "/auth/login"
    assert line["status"] == 302 and line["request_id"] == response.headers["X-Request-ID"]
    assert line["user_id"] == str(user.id)
    assert "duration_ms" in line
    text = JsonFormatter().format(records[0])
    assert "correct horse" not in text and user.email not in text


def test_the_filter_adds_nothing_outside_requests():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", (), None)
    assert RequestContextFilter().filter(record)
    assert json.loads(JsonFormatter().format(record))["message"] == "hello"
