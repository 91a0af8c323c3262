"""Sessions: a fresh one at login, every copy voided at logout, password change and
deactivation (remember-me cookie included), idle and absolute timeouts, cookie flags."""

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from freezegun import freeze_time

from config import Config
from models import User, db
from tests.conftest import PASSWORD, log_in

from .conftest import logged_in, post_login

EXPIRED = "Your session has expired; please log in again."
COOKIES = ("session", "remember_token", "wnf_session_times")


def copy_cookies(source, target, names=COOKIES) -> None:
    for name in names:
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.value)


def test_login_starts_a_new_session(client, make_user):
    user = make_user("auditor")
    with client.session_transaction() as before:
        before["planted"] = "by someone else"  # e.g. a fixated session
    planted_cookie = client.get_cookie("session").value
    log_in(client, user)
    assert client.get_cookie("session").value != planted_cookie
    with client.session_transaction() as after:
        assert "planted" not in after and after["_user_id"] == user.get_id()


def test_logout_voids_every_copy_of_the_cookies_remember_me_included(app, client, make_user):
    user = make_user("auditor")
    assert post_login(client, user.email, remember=True).status_code == 302
    assert client.get_cookie("remember_token") is not None
    stolen, stolen_remember_only = app.test_client(), app.test_client()
    copy_cookies(client, stolen)
    copy_cookies(client, stolen_remember_only, ("remember_token", "wnf_session_times"))
    assert logged_in(stolen) and logged_in(stolen_remember_only)

    assert client.post("/auth/logout").status_code == 302
    assert not logged_in(client)
    assert not logged_in(stolen)
    assert not logged_in(stolen_remember_only)


@pytest.mark.parametrize("how", ["password change", "deactivation"])
def test_password_change_and_deactivation_void_remembered_copies(app, client, make_user,
                                                                 how):
    user = make_user("auditor")
    post_login(client, user.email, remember=True)
    copy = app.test_client()
    copy_cookies(client, copy, ("remember_token", "wnf_session_times"))
    assert logged_in(copy)
    if how == "password change":
        client.post("/auth/password", data={"current_password": PASSWORD,
                                            "new_password": "a brand new passphrase",
                                            "confirm": "a brand new passphrase"})
        assert logged_in(client)  # the browser that changed it stays in
    else:
        admin_browser = app.test_client()
        log_in(admin_browser, make_user("admin"))
        admin_browser.post(f"/admin/users/{user.id}", data={
            "email": user.email, "name": user.name, "organisation_id": "0", "locale": "en",
            "roles": ["auditor"]})  # "active" left unticked
        db.session.expire_all()
        assert not db.session.get(User, user.id).active
    assert not logged_in(copy)


def test_a_remembered_login_survives_closing_the_browser(app, client, make_user):
    user = make_user("auditor")
    post_login(client, user.email, remember=True)
    reopened = app.test_client()  # the session cookie died with the browser
    copy_cookies(client, reopened, ("remember_token", "wnf_session_times"))
    assert logged_in(reopened)


def test_a_remember_cookie_without_its_times_is_refused(app, client, make_user):
    user = make_user("auditor")
    post_login(client, user.email, remember=True)
    bare = app.test_client()
    copy_cookies(client, bare, ("remember_token",))
    response = bare.get("/home")
    assert response.status_code == 302
    assert EXPIRED in bare.get(response.headers["Location"]).get_data(as_text=True)


def test_an_idle_session_expires_after_thirty_minutes(client, make_user):
    user = make_user("auditor")
    with freeze_time("2027-04-01 09:00:00") as clock:
        log_in(client, user)
        for _ in range(4):  # activity keeps it alive past thirty minutes in total
            clock.tick(timedelta(minutes=29))
            assert logged_in(client)
        clock.tick(timedelta(minutes=31))
        response = client.get("/home")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login")
        assert EXPIRED in client.get(response.headers["Location"]).get_data(as_text=True)
        assert not logged_in(client)


def test_the_idle_limit_is_configurable(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 5)
    user = make_user("auditor")
    with freeze_time("2027-04-01 09:00:00") as clock:
        log_in(client, user)
        clock.tick(timedelta(minutes=4))
        assert logged_in(client)
        clock.tick(timedelta(minutes=6))
        assert not logged_in(client)


def test_a_session_ends_twelve_hours_after_login_however_active(client, make_user):
    user = make_user("auditor")
    with freeze_time("2027-04-01 09:00:00") as clock:
        log_in(client, user)
        for _ in range(47):
            clock.tick(timedelta(minutes=15))
            assert logged_in(client)  # 20:45
        clock.tick(timedelta(minutes=14))
        assert logged_in(client)  # 20:59
        clock.tick(timedelta(minutes=2))
        response = client.get("/home")
        assert response.status_code == 302
        assert EXPIRED in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("idle_minutes, hours_later, still_in", [
    (10, 0, True), (40, 0, False), (10, 13, False)])
def test_timeouts_hold_for_sessions_restored_from_the_remember_cookie(
        app, client, make_user, idle_minutes, hours_later, still_in):
    user = make_user("auditor")
    with freeze_time("2027-04-01 09:00:00") as clock:
        post_login(client, user.email, remember=True)
        for _ in range(hours_later * 4):  # active all along in the first browser
            clock.tick(timedelta(minutes=15))
            client.get("/home")
        clock.tick(timedelta(minutes=idle_minutes))
        reopened = app.test_client()
        copy_cookies(client, reopened, ("remember_token", "wnf_session_times"))
        assert logged_in(reopened) is still_in


def test_cookies_are_httponly_and_samesite_lax(client, make_user):
    user = make_user("auditor")
    response = post_login(client, user.email, remember=True)
    headers = response.headers.getlist("Set-Cookie")
    names = {header.split("=", 1)[0] for header in headers}
    assert {"session", "remember_token", "wnf_session_times"} <= names
    for header in headers:
        assert "HttpOnly" in header and "SameSite=Lax" in header, header
        assert "Secure" not in header  # plain HTTP in development and tests


def test_cookies_are_secure_in_production(monkeypatch):
    monkeypatch.setattr(Config, "WNF_ENV", "production")
    monkeypatch.setattr(Config, "SECRET_KEY", "s" * 40)
    monkeypatch.setattr(Config, "SQLALCHEMY_DATABASE_URI", "postgresql+psycopg://db/wnf")
    monkeypatch.setattr(Config, "TOTP_ENCRYPTION_KEYS", (Fernet.generate_key().decode(),))
    config = Config()
    assert config.SESSION_COOKIE_SECURE and config.REMEMBER_COOKIE_SECURE
    assert config.SESSION_COOKIE_HTTPONLY and config.REMEMBER_COOKIE_HTTPONLY
    assert config.SESSION_COOKIE_SAMESITE == config.REMEMBER_COOKIE_SAMESITE == "Lax"


def test_the_times_cookie_is_secure_when_the_remember_cookie_is(app, client, make_user,
                                                                 monkeypatch):
    monkeypatch.setitem(app.config, "REMEMBER_COOKIE_SECURE", True)
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    user = make_user("auditor")
    response = post_login(client, user.email, remember=True)
    headers = response.headers.getlist("Set-Cookie")
    assert len(headers) == 3 and all("Secure" in header for header in headers)
