"""The login limits on real gunicorn workers and hosts: the address budget is shared through
Redis, the waits through the database, and production refuses workers that would each
count alone. The client's address comes from X-Forwarded-For (PROXY_COUNT=1)."""

from __future__ import annotations

import subprocess
import uuid

import pytest
import redis
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from config import Config
from models import db
from models.security import LoginAttempt

from ..conftest import PASSWORD, ready_for_a_code
from .serving import GUNICORN, PROJECT_ROOT, _environment, free_port, served, served_hosts
from .web_client import FlashReader, WebSession, at_once

REDIS_URL = "redis://127.0.0.1:6379/0"
OFFICE, TRAVELLER = "198.51.100.10", "192.0.2.50"
WAIT = "Too many failed attempts: please wait until"


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own in the shared Redis; its keys go afterwards."""
    prefix = f"wnf-test-{uuid.uuid4().hex}"
    yield prefix
    store = redis.Redis.from_url(REDIS_URL)
    for key in store.scan_iter(f"*{prefix}*"):
        store.delete(key)
    store.close()


@pytest.fixture(scope="module")
def proxied_hosts(_app, database_url, tmp_path_factory):
    """Two hosts of two workers behind a proxy (PROXY_COUNT=1), the login limits counted in
    each worker's memory: shared by the tests whose waits are kept in the database, which
    the `app` fixture empties after each (tests/conftest.py keeps them on one worker)."""
    with served_hosts(database_url, secret_key=_app.config["SECRET_KEY"],
                      run_dir=tmp_path_factory.mktemp("proxied"), hosts=2, workers=2,
                      extra_env={"PROXY_COUNT": "1"}) as servers:
        yield servers


def browser_at(server_url: str, secret_key: str, address: str) -> WebSession:
    return WebSession(server_url, FlashReader(secret_key), headers={"X-Forwarded-For": address})


def try_password(browser: WebSession, email: str, password: str, base_url: str):
    fields = browser.form("/auth/login", "", base_url=base_url)
    return browser.post("/auth/login", {**fields, "email": email, "password": password},
                        base_url=base_url)


def test_the_address_budget_holds_across_workers_and_hosts(app, _app, database_url, tmp_path,
                                                           redis_prefix, make_user):
    """Two hosts of two workers, a budget of 5: the sixth failure from one address is
    refused whichever worker it reaches (counted per worker, 20 would pass)."""
    user = make_user("auditor")
    secret_key = _app.config["SECRET_KEY"]
    settings = {"REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": redis_prefix,
                "LOGIN_RATE_LIMIT": "5 per 15 minutes", "PROXY_COUNT": "1"}
    with served_hosts(database_url, secret_key=secret_key, run_dir=tmp_path, hosts=2,
                      workers=2, extra_env=settings) as servers:
        attacker = browser_at(servers[0].url, secret_key, "203.0.113.66")
        statuses = [try_password(attacker, f"guess{n}@example.org", "wrong password!",
                                 servers[n % 2].url).status for n in range(12)]
        assert statuses == [200] * 5 + [429] * 7
        colleague = browser_at(servers[1].url, secret_key, OFFICE)  # another address
        colleague.log_in(user.email, PASSWORD)
        assert not [line for server in servers for line in server.errors_logged()]


def test_fifty_colleagues_behind_one_office_address_log_in_over_every_worker(
        app, _app, database_url, tmp_path, redis_prefix, make_user):
    """The production budget counted in Redis, two hosts of two workers, fifty two-factor
    logins from one office address, one in ten mistyping first: all of them get in."""
    colleagues = [make_user("finance_officer") for _ in range(50)]
    for colleague in colleagues:
        ready_for_a_code(colleague)
    secrets = {c.id: c.totp_secret for c in colleagues}
    secret_key = _app.config["SECRET_KEY"]
    settings = {"REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": redis_prefix,
                "LOGIN_RATE_LIMIT": Config.LOGIN_RATE_LIMIT, "PROXY_COUNT": "1"}
    with served_hosts(database_url, secret_key=secret_key, run_dir=tmp_path, hosts=2,
                      workers=2, extra_env=settings) as servers:
        for n, colleague in enumerate(colleagues):
            host = servers[n % 2].url
            browser = browser_at(host, secret_key, OFFICE)
            if n % 10 == 0:
                assert try_password(browser, colleague.email, "typo!", host).status == 200
            browser.log_in(colleague.email, PASSWORD, secrets[colleague.id])
        assert not [line for server in servers for line in server.errors_logged()]


def test_an_attack_across_hosts_slows_the_attacker_not_the_owner(app, _app, proxied_hosts,
                                                                 make_user):
    """Ten failures from four addresses against an account, spread over two hosts of two
    workers: from the tenth, every address the account does not know waits; its owner, at
    the office address they logged in from before, gets in at once."""
    owner = make_user("finance_officer")
    ready_for_a_code(owner)
    secret, secret_key = owner.totp_secret, _app.config["SECRET_KEY"]
    servers = proxied_hosts
    log_starts = [server.log_size() for server in servers]
    browser_at(servers[0].url, secret_key, OFFICE).log_in(owner.email, PASSWORD, secret)
    attackers = [browser_at(servers[0].url, secret_key, f"203.0.113.{n}")
                 for n in range(1, 5)]
    answers = [try_password(attackers[n % 4], owner.email, "wrong password!",
                            servers[n % 2].url) for n in range(10)]
    assert [WAIT in answer.text for answer in answers] == [False] * 9 + [True]
    right = try_password(browser_at(servers[1].url, secret_key, TRAVELLER), owner.email,
                         PASSWORD, servers[1].url)
    assert right.status == 200 and WAIT in right.text  # the password was not even tried
    again = try_password(attackers[0], owner.email, "wrong password!", servers[1].url)
    assert WAIT in again.text
    db.session.commit()  # a fresh read: the server has written its last accepted step
    ready_for_a_code(owner)  # this 30-second step's code was used at the first login
    owner_at_office = browser_at(servers[1].url, secret_key, OFFICE)
    owner_at_office.log_in(owner.email, PASSWORD, secret)  # asserts the login completes
    assert not [line for server, start in zip(servers, log_starts, strict=True)
                for line in server.errors_logged(since=start)]


def test_guesses_sent_together_are_tried_one_at_a_time(app, _app, proxied_hosts, make_user):
    """Four failures, then eight guesses at once over two hosts of two workers: the first
    to be tried is the fifth failure, which starts a wait; the seven others meet it."""
    user = make_user("auditor")
    secret_key = _app.config["SECRET_KEY"]
    servers = proxied_hosts
    log_starts = [server.log_size() for server in servers]
    attacker = browser_at(servers[0].url, secret_key, "203.0.113.66")
    for n in range(4):
        answer = try_password(attacker, user.email, "wrong password!", servers[n % 2].url)
        assert WAIT not in answer.text
    fields = {**attacker.form("/auth/login", ""), "email": user.email,
              "password": "wrong password!"}
    answers = at_once([
        lambda url=servers[n % 2].url: attacker.post("/auth/login", fields, base_url=url,
                                                     keep_cookies=False)
        for n in range(8)])
    assert [getattr(answer, "status", answer) for answer in answers] == [200] * 8
    assert all(WAIT in answer.text for answer in answers)
    db.session.commit()
    failures = db.session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.email == user.email, LoginAttempt.succeeded.is_(False)))
    assert failures == 5
    assert not [line for server, start in zip(servers, log_starts, strict=True)
                for line in server.errors_logged(since=start)]


@pytest.mark.parametrize("redis_url, workers, starts", [
    ("", 2, False),
    ("", 1, True),
    (REDIS_URL, 2, True),
], ids=["memory, 2 workers", "memory, 1 worker", "redis, 2 workers"])
def test_production_refuses_several_workers_counting_in_memory(_app, database_url, tmp_path,
                                                               redis_url, workers, starts):
    settings = {"WNF_ENV": "production", "SECRET_KEY": "s" * 48, "REDIS_URL": redis_url,
                "TOTP_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    if starts:
        with served(database_url, secret_key="s" * 48, run_dir=tmp_path, workers=workers,
                    extra_env=settings) as server:
            assert not server.errors_logged()
        return
    env = _environment(database_url, "s" * 48, tmp_path, free_port(), workers, settings)
    result = subprocess.run(
        [str(GUNICORN), "-c", str(PROJECT_ROOT / "gunicorn.conf.py"), "--chdir",
         str(PROJECT_ROOT), "tests.concurrency.served_app:app"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "2 workers would each count the login limits in their own memory" in result.stderr
    assert "set REDIS_URL" in result.stderr
