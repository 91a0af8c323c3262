"""Logins, failures, waits, 2FA failures, logouts, role changes and refused pages
join the audit chain, never with a password or a code in them."""

import json

from models import db
from tests.conftest import PASSWORD, log_in, ready_for_a_code, totp_code
from workflow.engine import audit

from .conftest import audit_events, post_login


def test_the_login_story_is_in_the_chain(client, make_user):
    user = make_user("finance_officer")
    ready_for_a_code(user)
    post_login(client, user.email, "wrong password!")
    post_login(client, "nobody@example.org", "wrong password!")
    post_login(client, user.email)
    client.post("/auth/two-factor", data={"code": "000000" if totp_code(user) != "000000"
                                          else "111111"})
    client.post("/auth/two-factor", data={"code": totp_code(user)})
    client.post("/auth/logout")

    events = audit_events("login_failed", "login_2fa_failed", "login", "logout")
    assert [(e.action, e.object_id, e.actor_id) for e in events] == [
        ("login_failed", user.id, None),
        ("login_failed", None, None),  # an unknown email: audited all the same
        ("login_2fa_failed", user.id, None),
        ("login", user.id, user.id),
        ("logout", user.id, user.id),
    ]
    assert events[1].data == {"email": "nobody@example.org", "address": "127.0.0.1"}
    assert audit.verify().ok


def test_a_wait_is_audited_with_its_scope_and_end(client, make_user):
    user = make_user("auditor")
    for _ in range(12):
        post_login(client, user.email, "wrong password!")
    [delayed] = audit_events("login_delayed")
    assert delayed.object_id == user.id and delayed.data["scope"] == "account and address"
    assert delayed.data["address"] == "127.0.0.1" and "until" in delayed.data
    assert len(audit_events("login_failed")) == 5  # refused while waiting: not counted


def test_role_changes_record_before_and_after(app, client, make_user):
    admin, user = make_user("admin"), make_user("auditor")
    log_in(client, admin)
    client.post(f"/admin/users/{user.id}", data={
        "email": user.email, "name": user.name, "organisation_id": "0", "locale": "en",
        "roles": ["auditor", "secretariat"], "active": "y"})
    client.post(f"/admin/users/{user.id}", data={  # same roles, deactivated
        "email": user.email, "name": user.name, "organisation_id": "0", "locale": "en",
        "roles": ["auditor", "secretariat"]})
    [change] = audit_events("roles_changed")
    assert (change.actor_id, change.object_type, change.object_id) == (admin.id, "user",
                                                                       user.id)
    assert change.data == {"before": ["auditor"], "after": ["auditor", "secretariat"]}
    [deactivated] = audit_events("user_deactivated")
    assert deactivated.object_id == user.id


def test_refused_pages_are_audited_in_their_own_transaction(client, login_as):
    user = login_as("applicant")
    assert client.get("/admin/users").status_code == 403
    assert client.post("/admin/funds/new", data={"code": "WNF"}).status_code == 403
    events = audit_events("access_denied")
    assert [(e.actor_id, e.data["method"], e.data["path"]) for e in events] == [
        (user.id, "GET", "/admin/users"), (user.id, "POST", "/admin/funds/new")]
    assert events[0].data["endpoint"] == "admin.users"
    assert "Your roles do not allow you" in client.get("/admin/users").get_data(as_text=True)
    assert audit.verify().ok


def test_no_password_or_code_reaches_the_audit_data(client, make_user):
    user = make_user("admin")
    ready_for_a_code(user)
    post_login(client, user.email, "my secret attempt")
    post_login(client, "Typed-In-The-Wrong-Field", "whatever it was")
    post_login(client, user.email)
    code = totp_code(user)
    client.post("/auth/two-factor", data={"code": code})
    client.post("/auth/password", data={"current_password": PASSWORD,
                                        "new_password": "another long passphrase",
                                        "confirm": "another long passphrase"})
    db.session.expire_all()
    everything = json.dumps([e.data for e in audit_events()])
    for secret in (PASSWORD, "my secret attempt", "another long passphrase", code,
                   user.totp_secret, "typed-in-the-wrong-field", "whatever it was"):
        assert secret not in everything
    assert {"login_failed", "login", "password_changed"} <= {
        e.action for e in audit_events()}
