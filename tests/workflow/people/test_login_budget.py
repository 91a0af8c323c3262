"""The per-address budget of failed login POSTs (Flask-Limiter): it stops a flood, never a
colleague's login, never the owner at their usual address."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import Config
from tests.conftest import PASSWORD, log_in, ready_for_a_code, totp_code

from .conftest import audit_events, post_login

GENERIC = "The email or password is not correct, or the account is inactive."
OFFICE, ELSEWHERE = "198.51.100.1", "192.0.2.7"


def at(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def test_the_budget_answers_429_with_the_friendly_page(client, make_user, rate_limited):
    user = make_user("auditor")
    for _ in range(3):
        assert post_login(client, user.email, "wrong password!").status_code == 200
    response = post_login(client, user.email, PASSWORD)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many requests" in page and "Please wait a moment" in page
    assert client.get("/auth/login").status_code == 200  # only the POSTs are limited
    elsewhere = post_login(client, user.email, **at(ELSEWHERE))
    assert elsewhere.status_code == 302  # another address has its own budget


def test_the_budget_covers_the_code_step_too(client, make_user, rate_limited):
    user = make_user("admin")
    ready_for_a_code(user)
    assert post_login(client, user.email).status_code == 302  # right: not deducted
    for _ in range(3):
        assert client.post("/auth/two-factor", data={"code": "000000"}).status_code == 200
    assert client.post("/auth/two-factor", data={"code": "000000"}).status_code == 429


def test_right_passwords_and_codes_use_none_of_the_budget(client, make_user, rate_limited):
    users = [make_user("finance_officer") for _ in range(4)] + [make_user("auditor")]
    for user in users * 2:
        assert log_in(client, user).status_code == 302, user.email
        client.post("/auth/logout")
    assert len(audit_events("login")) == 10


def test_fifty_colleagues_behind_one_office_address_all_log_in(app, client, make_user,
                                                               rate_limited, monkeypatch):
    """The production budget, fifty two-factor logins from one NAT within a minute, one in
    ten mistyping their password first: every one gets in (today the 16th is refused)."""
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", Config.LOGIN_RATE_LIMIT)
    colleagues = [make_user("finance_officer") for _ in range(50)]
    for n, colleague in enumerate(colleagues):
        if n % 10 == 0:
            assert GENERIC in post_login(client, colleague.email, "typo!", **at(OFFICE)
                                         ).get_data(as_text=True)
        ready_for_a_code(colleague)
        response = post_login(client, colleague.email, **at(OFFICE))
        assert response.headers["Location"] == "/auth/two-factor", n
        response = client.post("/auth/two-factor", data={"code": totp_code(colleague)},
                               **at(OFFICE))
        assert response.status_code == 302 and response.headers["Location"] == "/home", n
        client.post("/auth/logout", **at(OFFICE))
    assert len(audit_events("login")) == 50


def test_the_owners_usual_address_is_exempt_from_the_budget(client, make_user, rate_limited):
    """Someone behind the owner's office address floods the login: the office's budget is
    spent, yet the owner, who logged in from there before, still gets in."""
    owner = make_user("finance_officer")
    assert log_in(client, owner, **at(OFFICE)).status_code == 302
    client.post("/auth/logout", **at(OFFICE))
    for n in range(3):
        post_login(client, f"guess{n}@example.org", "wrong password!", **at(OFFICE))
    assert post_login(client, "guess3@example.org", **at(OFFICE)).status_code == 429
    assert log_in(client, owner, **at(OFFICE)).status_code == 302
    assert client.get("/home", **at(OFFICE)).status_code == 200


def test_the_budget_is_off_in_the_test_configuration(client, make_user):
    user = make_user("auditor")
    for n in range(12):  # more than the 3 of `rate_limited`, spread so that no wait begins
        assert GENERIC in post_login(client, f"guess{n % 3}@example.org", "wrong!"
                                     ).get_data(as_text=True)
    assert log_in(client, user).status_code == 302


@pytest.mark.parametrize("redis_url, storage", [
    ("redis://127.0.0.1:6379/0", "RedisStorage"),
    ("", "MemoryStorage"),
])
def test_the_budget_is_counted_in_redis_when_redis_url_is_set(redis_url, storage):
    script = ("from config import Config; from webui import create_app; "
              "from webui.auth.limits import limiter; create_app(Config()); "
              "print(type(limiter.storage).__name__)")
    env = {**os.environ, "REDIS_URL": redis_url, "DATABASE_URL": "sqlite:///:memory:",
           "WNF_ENV": "development"}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, cwd=Path(__file__).parents[3], check=True)
    assert result.stdout.strip() == storage
