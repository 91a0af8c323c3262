"""Login throttling: the account lock counted in the database, and the per-address limit."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from models import db, write_intent
from models.security import LoginAttempt
from workflow import security

from ..conftest import PASSWORD, log_in, ready_for_a_code
from .conftest import logged_in, post_login

GENERIC = "The email or password is not correct, or the account is inactive."
LOCKED = "Too many failed attempts: this account is locked until"


def fail(client, email, times):
    pages = [post_login(client, email, "wrong password!").get_data(as_text=True)
             for _ in range(times)]
    return pages[-1] if pages else ""


@pytest.mark.parametrize("known", [True, False], ids=["known email", "unknown email"])
def test_ten_failures_lock_the_account_for_fifteen_minutes(client, make_user, known):
    email = make_user("auditor").email if known else "nobody@example.org"
    with freeze_time("2027-04-01 09:00:00") as clock:
        for _ in range(9):
            page = fail(client, email, 1)
            assert GENERIC in page and LOCKED not in page  # nothing said before the lock
            clock.tick(timedelta(seconds=20))
        page = fail(client, email, 1)  # the tenth, at 09:03:00
        assert f"{LOCKED} 09:18 UTC." in page and GENERIC not in page
        clock.tick(timedelta(minutes=14, seconds=59))
        page = post_login(client, email).get_data(as_text=True)
        assert f"{LOCKED} 09:18 UTC." in page  # even the right password waits
        assert not logged_in(client)
        clock.tick(timedelta(seconds=2))
        response = post_login(client, email)
        if known:
            assert response.status_code == 302 and logged_in(client)
        else:
            assert GENERIC in response.get_data(as_text=True)


def test_unknown_and_known_emails_look_alike_until_the_lock(client, make_user):
    user = make_user("auditor")
    for email in (user.email, "nobody@example.org"):
        assert GENERIC in fail(client, email, 9)
        assert LOCKED in fail(client, email, 1)


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(client, make_user):
    user = make_user("auditor")
    with freeze_time("2027-04-01 09:00:00") as clock:
        for _ in range(12):
            assert LOCKED not in fail(client, user.email, 1)
            clock.tick(timedelta(minutes=2))
        assert log_in(client, user).status_code == 302


def test_a_completed_login_starts_the_count_again(app, client, make_user):
    user = make_user("auditor")
    fail(client, user.email, 9)
    assert log_in(client, user).status_code == 302
    client.post("/auth/logout")
    assert LOCKED not in fail(client, user.email, 9)
    assert LOCKED in fail(client, user.email, 1)


def test_attempts_while_locked_do_not_extend_the_lock(client, make_user):
    user = make_user("auditor")
    with freeze_time("2027-04-01 09:00:00") as clock:
        fail(client, user.email, 10)
        for _ in range(14):
            clock.tick(timedelta(minutes=1))
            assert "09:15 UTC." in fail(client, user.email, 1)
        clock.tick(timedelta(minutes=1, seconds=1))
        assert log_in(client, user).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.succeeded.is_(False))) == 10


def test_the_lock_holds_across_workers(app, client, make_user):
    """Another worker (a second app on the same database) sees the same count."""
    from webui import create_app

    other_worker = create_app(app.config_class_instance)
    other_worker.test_client_class = app.test_client_class
    other_client = other_worker.test_client()
    user = make_user("auditor")
    fail(client, user.email, 5)
    assert GENERIC in fail(other_client, user.email, 4)
    assert LOCKED in fail(other_client, user.email, 1)
    assert LOCKED in post_login(client, user.email).get_data(as_text=True)


def test_a_wrong_two_factor_code_counts_towards_the_lock(client, make_user):
    user = make_user("finance_officer")
    fail(client, user.email, 9)
    # The password is right, but the code is wrong: the tenth failure locks the account.
    ready_for_a_code(user)
    assert post_login(client, user.email).headers["Location"] == "/auth/two-factor"
    response = client.post("/auth/two-factor", data={"code": "000000"})
    assert response.headers["Location"] == "/auth/login"
    assert LOCKED in client.get("/auth/login").get_data(as_text=True)
    assert not logged_in(client)


def test_the_address_limit_answers_429_with_the_friendly_page(client, make_user, rate_limited):
    user = make_user("auditor")
    for _ in range(3):
        assert post_login(client, user.email, "wrong password!").status_code == 200
    response = post_login(client, user.email, PASSWORD)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many requests" in page and "Please wait a moment" in page
    assert client.get("/auth/login").status_code == 200  # only the POSTs are limited
    elsewhere = post_login(client, user.email, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert elsewhere.status_code == 302  # another address has its own budget


def test_the_address_limit_covers_the_code_step_too(client, make_user, rate_limited):
    user = make_user("admin")
    ready_for_a_code(user)
    assert post_login(client, user.email).status_code == 302
    for _ in range(2):
        assert client.post("/auth/two-factor", data={"code": "000000"}).status_code == 200
    assert client.post("/auth/two-factor", data={"code": "000000"}).status_code == 429


def test_the_address_limit_is_off_in_the_test_configuration(client, make_user):
    user = make_user("auditor")
    assert GENERIC in fail(client, user.email, 9)  # more than the 3 of `rate_limited`
    assert log_in(client, user).status_code == 302


@pytest.mark.parametrize("redis_url, storage", [
    ("redis://127.0.0.1:6379/0", "RedisStorage"),
    ("", "MemoryStorage"),
])
def test_the_address_limit_is_counted_in_redis_when_redis_url_is_set(redis_url, storage):
    script = ("from config import Config; from webui import create_app; "
              "from webui.auth.limits import limiter; create_app(Config()); "
              "print(type(limiter.storage).__name__)")
    env = {**os.environ, "REDIS_URL": redis_url, "DATABASE_URL": "sqlite:///:memory:",
           "WNF_ENV": "development"}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, cwd=Path(__file__).parents[2], check=True)
    assert result.stdout.strip() == storage


@pytest.mark.parametrize("email", ["  SPACED@Example.org\t", "é" * 300, "no at sign"])
def test_odd_emails_are_refused_politely(client, email):
    page = post_login(client, email, "wrong password!").get_data(as_text=True)
    assert GENERIC in page or "Field cannot be longer than 254 characters." in page


def test_a_nul_in_the_email_is_counted_without_it(app):
    """PostgreSQL refuses NUL in text: the attempt is counted, not turned into an error."""
    with write_intent(True):
        step = security.check_password_step("nul\x00@example.org", "wrong password!",
                                            address="192.0.2.1")
        db.session.commit()
    assert step == security.PasswordStep()
    assert db.session.scalar(select(LoginAttempt.email)) == "nul@example.org"
