"""Login throttling: waits that grow per account and address, counted in the database, that
slow an attacker and lock nobody out."""

from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from models import db, write_intent
from models.security import LoginAttempt
from tests.conftest import log_in, ready_for_a_code, totp_code
from workflow.people import security, throttle

from .conftest import audit_events, post_login

GENERIC = "The email or password is not correct, or the account is inactive."
WAIT = "Too many failed attempts: please wait until"
OFFICE, ATTACKER, TRAVELLER = "198.51.100.10", "203.0.113.66", "192.0.2.50"


def at(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def fail(client, email, times=1, address=ATTACKER) -> str:
    pages = [post_login(client, email, "wrong password!", **at(address)).get_data(as_text=True)
             for _ in range(times)]
    return pages[-1] if pages else ""


def usual_address(client, user, address=OFFICE) -> None:
    """Scene-setting: the user has logged in from this address before."""
    assert log_in(client, user, **at(address)).status_code == 302
    client.post("/auth/logout", **at(address))


def logged_in_at(client, address: str) -> bool:
    """Whether the client, at this address, is logged in (sessions are bound to the address
    they began at: Flask-Login's strong session protection)."""
    return client.get("/home", **at(address)).status_code == 200


def failures_recorded() -> int:
    return db.session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.succeeded.is_(False)))


@pytest.mark.parametrize("known", [True, False], ids=["known email", "unknown email"])
def test_failures_from_an_address_make_it_wait_longer_each_time(client, make_user, known):
    email = make_user("auditor").email if known else "nobody@example.org"
    with freeze_time("2027-04-01 09:00:00") as clock:
        for _ in range(4):
            page = fail(client, email)
            assert GENERIC in page and WAIT not in page  # nothing said before the wait
        page = fail(client, email)  # the fifth failure from this address
        assert f"{WAIT} 09:00:30 UTC" in page and GENERIC not in page
        clock.tick(timedelta(seconds=29))
        page = post_login(client, email, **at(ATTACKER)).get_data(as_text=True)
        assert f"{WAIT} 09:00:30 UTC" in page  # even the right password waits
        assert not logged_in_at(client, ATTACKER)
        clock.tick(timedelta(seconds=2))
        assert f"{WAIT} 09:01:31 UTC" in fail(client, email)  # 60 s after the sixth
        clock.tick(timedelta(seconds=61))
        assert f"{WAIT} 09:03:32 UTC" in fail(client, email)  # 120 s after the seventh
        clock.tick(timedelta(seconds=121))
        response = post_login(client, email, **at(ATTACKER))
        if known:
            assert response.status_code == 302 and logged_in_at(client, ATTACKER)
        else:  # no password is right for no one: the eighth failure, 240 s
            assert f"{WAIT} 09:07:33 UTC" in response.get_data(as_text=True)


def test_the_wait_grows_no_longer_than_fifteen_minutes(client, make_user):
    user = make_user("auditor")
    with freeze_time("2027-04-01 09:00:00") as clock:
        fail(client, user.email, 5)
        for _ in range(8):
            clock.tick(throttle.PAIR.longest_wait)
            page = fail(client, user.email)
        assert f"{WAIT} 11:15:00 UTC" in page  # 09:00 + 8 × 15 min, then 15 min more


def test_unknown_and_known_emails_look_alike(client, make_user):
    user = make_user("auditor")
    with freeze_time("2027-04-01 09:00:00"):
        pages = [[fail(client, email).replace(email, "EMAIL") for _ in range(7)]
                 for email in (user.email, "nobody@example.org")]
    assert pages[0] == pages[1]


def test_attempts_during_a_wait_are_not_recorded_and_do_not_extend_it(client, make_user):
    user = make_user("auditor")
    with freeze_time("2027-04-01 09:00:00") as clock:
        fail(client, user.email, 5)
        for _ in range(29):
            clock.tick(timedelta(seconds=1))
            assert f"{WAIT} 09:00:30 UTC" in fail(client, user.email)
        clock.tick(timedelta(seconds=1, microseconds=1))
        assert log_in(client, user, **at(ATTACKER)).status_code == 302
    assert failures_recorded() == 5


def test_an_attackers_failures_do_not_stop_the_owner_at_their_usual_address(client,
                                                                            make_user):
    """A password spray from many addresses makes every unknown address wait; the owner
    logs in from the address they used before, at once."""
    owner = make_user("auditor")
    with freeze_time("2027-04-01 09:00:00") as clock:
        usual_address(client, owner)
        clock.tick(timedelta(minutes=5))
        for n in range(4):  # four addresses, four failures each: under each address's limit
            fail(client, owner.email, 4, address=f"203.0.113.{n + 1}")
        page = post_login(client, owner.email, **at(TRAVELLER)).get_data(as_text=True)
        assert WAIT in page  # any address the account does not know now waits
        assert not logged_in_at(client, TRAVELLER)
        response = post_login(client, owner.email, **at(OFFICE))
        assert response.status_code == 302 and logged_in_at(client, OFFICE)


def test_a_flood_from_one_address_does_not_stop_the_owner_either(client, make_user):
    owner = make_user("finance_officer")
    ready_for_a_code(owner)
    with freeze_time("2027-04-01 09:00:00") as clock:
        usual_address(client, owner)
        for _ in range(20):
            fail(client, owner.email, address=ATTACKER)
            clock.tick(timedelta(seconds=10))
        assert WAIT in post_login(client, owner.email, **at(ATTACKER)).get_data(as_text=True)
        ready_for_a_code(owner)
        response = post_login(client, owner.email, **at(OFFICE))
        assert response.headers["Location"] == "/auth/two-factor"
        response = client.post("/auth/two-factor", data={"code": totp_code(owner)},
                               **at(OFFICE))
        assert response.status_code == 302 and logged_in_at(client, OFFICE)


def test_an_address_that_sprays_many_accounts_waits_on_every_account_it_does_not_know(
        client, make_user):
    victim, neighbour = make_user("auditor"), make_user("secretariat")
    with freeze_time("2027-04-01 09:00:00"):
        usual_address(client, neighbour, ATTACKER)  # someone logs in legitimately from there
        for n in range(19):  # one guess each at nineteen accounts
            assert WAIT not in fail(client, f"guess{n}@example.org")
        assert WAIT in fail(client, "guess19@example.org")  # the twentieth: a wait begins
        page = post_login(client, victim.email, **at(ATTACKER)).get_data(as_text=True)
        assert WAIT in page and not logged_in_at(client, ATTACKER)
        assert log_in(client, victim, **at(OFFICE)).status_code == 302  # from elsewhere: in
        client.post("/auth/logout", **at(OFFICE))
        assert log_in(client, neighbour, **at(ATTACKER)).status_code == 302  # knows it: in


def test_a_login_of_its_own_does_not_clear_an_addresses_failures(client, make_user):
    """The attacker's own account cannot buy their address a fresh allowance."""
    attacker, victim = make_user("applicant"), make_user("auditor")
    with freeze_time("2027-04-01 09:00:00"):
        for n in range(19):
            fail(client, f"guess{n}@example.org")
        usual_address(client, attacker, ATTACKER)
        assert WAIT in fail(client, "guess19@example.org")
        page = post_login(client, victim.email, **at(ATTACKER)).get_data(as_text=True)
        assert WAIT in page


def test_failures_older_than_a_day_count_no_more(client, make_user):
    user = make_user("auditor")
    with freeze_time("2027-04-01 09:00:00") as clock:
        fail(client, user.email, 4)
        clock.tick(throttle.WINDOW + timedelta(seconds=1))
        assert WAIT not in fail(client, user.email, 4)
        assert WAIT in fail(client, user.email)


def test_a_completed_login_starts_the_pairs_count_again(client, make_user):
    user = make_user("auditor")
    fail(client, user.email, 4, address=OFFICE)
    assert log_in(client, user, **at(OFFICE)).status_code == 302
    client.post("/auth/logout", **at(OFFICE))
    assert WAIT not in fail(client, user.email, 4, address=OFFICE)
    assert WAIT in fail(client, user.email, 1, address=OFFICE)


def test_the_waits_hold_across_workers(app, client, make_user):
    """Another worker (a second app on the same database) sees the same count."""
    from webui import create_app

    other_worker = create_app(app.config_class_instance)
    other_worker.test_client_class = app.test_client_class
    other_client = other_worker.test_client()
    user = make_user("auditor")
    fail(client, user.email, 3)
    assert GENERIC in fail(other_client, user.email, 1)
    assert WAIT in fail(other_client, user.email, 1)
    assert WAIT in post_login(client, user.email, **at(ATTACKER)).get_data(as_text=True)


def test_a_wrong_two_factor_code_counts_like_a_wrong_password(client, make_user):
    user = make_user("finance_officer")
    with freeze_time("2027-04-01 09:00:00"):
        fail(client, user.email, 4)
        ready_for_a_code(user)
        # The password is right, but the code is wrong: the fifth failure starts a wait.
        response = post_login(client, user.email, **at(ATTACKER))
        assert response.headers["Location"] == "/auth/two-factor"
        page = client.post("/auth/two-factor", data={"code": "000000"},
                           **at(ATTACKER)).get_data(as_text=True)
        assert f"{WAIT} 09:00:30 UTC" in page
        page = client.post("/auth/two-factor", data={"code": totp_code(user)},
                           **at(ATTACKER)).get_data(as_text=True)
        assert f"{WAIT} 09:00:30 UTC" in page  # even the right code waits
        assert not logged_in_at(client, ATTACKER)
    assert [e.data["scope"] for e in audit_events("login_delayed")] == ["account and address"]


@pytest.mark.parametrize("email", ["  SPACED@Example.org\t", "é" * 300, "no at sign"])
def test_odd_emails_are_refused_politely(client, email):
    page = post_login(client, email, "wrong password!").get_data(as_text=True)
    assert GENERIC in page or "Field cannot be longer than 254 characters." in page


def test_a_nul_in_the_email_or_a_long_address_is_counted_without_it(app):
    """PostgreSQL refuses NUL in text: the attempt is counted, not turned into an error."""
    with write_intent(True):
        step = security.check_password_step("nul\x00@example.org", "wrong password!",
                                            address="192.0.2.1\x00" + "9" * 100)
        db.session.commit()
    assert step == security.PasswordStep()
    attempt = db.session.scalars(select(LoginAttempt)).one()
    assert attempt.email == "nul@example.org" and attempt.remote_addr == "192.0.2.1" + "9" * 55
