"""Logging in and out, passwords, and the session cookie."""

import pytest

from models import User, db
from tests.conftest import PASSWORD, log_in, sign_in


def test_login_shows_the_dashboard_of_the_users_roles(client, make_user):
    user = make_user("secretariat", "auditor", name="Sato Secretariat")
    response = log_in(client, user)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Welcome, Sato Secretariat" in page
    assert "Secretariat" in page and "Auditor" in page
    assert "Administration" not in page


@pytest.mark.parametrize("roles", [("auditor",), ("finance_officer",), ("admin",)])
def test_the_suites_sign_in_leaves_the_session_a_login_leaves(app, make_user, roles):
    """tests.conftest.sign_in stands in for the login form in most tests: its session holds
    the same keys, is honoured the same way (a second factor's role included), and the
    same logout ends it."""
    user = make_user(*roles)
    through_the_form, signed_in = app.test_client(), app.test_client()
    assert log_in(through_the_form, user).status_code == 302
    sign_in(signed_in, user)
    for client in (through_the_form, signed_in):
        assert client.get("/home").status_code == 200
        assert f"{user.name}" in client.get("/home").get_data(as_text=True)
    with through_the_form.session_transaction() as one, signed_in.session_transaction() as other:
        assert set(one) - {"_flashes"} == set(other)
        assert {k: one[k] for k in ("_user_id", "_id", "mfa", "remember")} == (
            {k: other[k] for k in ("_user_id", "_id", "mfa", "remember")})
    assert signed_in.post("/auth/logout").status_code == 302
    assert signed_in.get("/home").status_code == 302


def test_email_is_matched_case_insensitively(client, make_user):
    user = make_user("auditor", email="mixed@example.org")
    response = client.post("/auth/login", data={"email": "MIXED@Example.org ",
                                                "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/home").status_code == 200
    assert user.email == "mixed@example.org"


@pytest.mark.parametrize("case", ["wrong password", "inactive", "unknown email"])
def test_refused_logins_all_get_the_same_message(client, make_user, case):
    user = make_user("auditor", active=(case != "inactive"))
    email = "nobody@example.org" if case == "unknown email" else user.email
    password = "not the password" if case == "wrong password" else PASSWORD
    response = client.post("/auth/login", data={"email": email, "password": password})
    assert response.status_code == 200
    assert "The email or password is not correct, or the account is inactive." in (
        response.get_data(as_text=True))
    assert client.get("/home").status_code == 302  # still logged out


def test_logout_ends_the_session(client, login_as):
    login_as("auditor")
    assert client.get("/home").status_code == 200
    assert client.post("/auth/logout").status_code == 302
    response = client.get("/home")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_logout_is_post_only(client, login_as):
    login_as("auditor")
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/home").status_code == 200


def test_pages_ask_anonymous_users_to_log_in(client, app):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_changing_the_password_logs_out_other_sessions(app, client, login_as):
    user = login_as("auditor")
    other_browser = app.test_client()
    log_in(other_browser, user)
    assert other_browser.get("/home").status_code == 200

    response = client.post("/auth/password", data={
        "current_password": PASSWORD, "new_password": "a brand new passphrase",
        "confirm": "a brand new passphrase"})
    assert response.status_code == 302
    assert client.get("/home").status_code == 200  # this browser stays in
    assert other_browser.get("/home").status_code == 302  # the other one is out
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("a brand new passphrase")


@pytest.mark.parametrize("current, new, confirm, message", [
    ("wrong current pass", "a brand new passphrase", "a brand new passphrase",
     "The current password is not correct."),
    (PASSWORD, "short", "short", "at least 12 characters"),
    (PASSWORD, "x" * 129, "x" * 129, "at most 128 characters"),
    (PASSWORD, "a brand new passphrase", "something else entirely", "The two passwords differ."),
])
def test_password_change_refusals_keep_the_old_password(client, login_as, current, new,
                                                        confirm, message):
    user = login_as("auditor")
    response = client.post("/auth/password", data={
        "current_password": current, "new_password": new, "confirm": confirm})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_deactivated_user_is_logged_out_on_the_next_request(app, client, login_as, make_user):
    user = login_as("auditor")
    admin_browser = app.test_client()
    admin = make_user("admin")
    log_in(admin_browser, admin)
    response = admin_browser.post(f"/admin/users/{user.id}", data={
        "email": user.email, "name": user.name, "organisation_id": "0", "locale": "en",
        "roles": ["auditor"]})  # the "active" box left unticked
    assert response.status_code == 302
    assert client.get("/home").status_code == 302


def test_open_redirects_after_login_are_refused(client, make_user):
    user = make_user("auditor")
    response = client.post("/auth/login?next=//evil.example/x",
                           data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/home"
