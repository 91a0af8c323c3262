"""Helpers for the authentication tests: logging in step by step, reading the audit chain."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from models import AuditEvent, db
from tests.conftest import PASSWORD, ready_for_a_code, totp_code  # noqa: F401 - re-exported


def post_login(client, email: str, password: str = PASSWORD, remember: bool = False,
               **kwargs):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post("/auth/login", data=data, **kwargs)


def audit_events(*actions: str) -> list[AuditEvent]:
    db.session.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.seq)
    if actions:
        query = query.where(AuditEvent.action.in_(actions))
    return list(db.session.scalars(query))


def logged_in(client) -> bool:
    """Whether the client reaches a page for signed-in users (not sent to the login)."""
    return client.get("/home").status_code == 200


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def rate_limited(app, monkeypatch):
    """Switch the per-address login limit on (off in TestConfig), with a small budget."""
    from webui.auth.limits import limiter

    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_ENABLED", True)
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per 15 minutes")
    limiter.reset()
    yield limiter
    limiter.reset()
