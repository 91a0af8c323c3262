"""Two-factor login (TOTP) for finance officers, the committee chair and admins."""

import re
import time
from datetime import timedelta

import pyotp
import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from models import User, db, write_intent
from models.security import RecoveryCode
from tests.conftest import log_in, ready_for_a_code, totp_code
from webui.auth.session_policy import NEEDS_SECOND_FACTOR
from webui.auth.two_factor import CODE_REFUSED, qr_svg
from workflow.people import second_factor, security

from .conftest import audit_events, logged_in, post_login

TWO_FACTOR_ROLES = ["finance_officer", "committee_chair", "admin"]
OTHER_ROLES = ["applicant", "secretariat", "committee_member", "auditor"]


def wrong_code(secret: str) -> str:
    """A six-digit code that matches none of the steps accepted now."""
    totp, now = pyotp.TOTP(secret), time.time()
    valid = {totp.at(now + 30 * offset) for offset in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)


@pytest.mark.parametrize("role", TWO_FACTOR_ROLES)
def test_money_roles_are_logged_in_only_once_the_code_passes(client, make_user, role):
    user = make_user(role)
    ready_for_a_code(user)
    response = post_login(client, user.email)
    assert response.headers["Location"] == "/auth/two-factor"
    assert not logged_in(client)
    response = client.post("/auth/two-factor", data={"code": wrong_code(user.totp_secret)})
    assert response.status_code == 200 and CODE_REFUSED in response.get_data(as_text=True)
    assert not logged_in(client)
    response = client.post("/auth/two-factor", data={"code": totp_code(user)})
    assert response.status_code == 302 and response.headers["Location"] == "/home"
    assert logged_in(client)
    [login] = audit_events("login")
    assert login.data["second_factor"] == "totp" and login.actor_id == user.id


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_log_in_with_the_password_alone(client, make_user, role):
    user = make_user(role)
    response = post_login(client, user.email)
    assert response.headers["Location"] == "/home"
    assert logged_in(client)


def test_the_page_asked_for_before_login_is_reached_after_the_code(client, make_user):
    user = make_user("admin")
    ready_for_a_code(user)
    post_login(client, user.email, query_string={"next": "/admin/users"})
    response = client.post("/auth/two-factor", data={"code": totp_code(user)})
    assert response.headers["Location"] == "/admin/users"


def test_first_login_enrols_by_qr_code_and_shows_ten_recovery_codes_once(client, make_user):
    user = make_user("finance_officer")
    assert post_login(client, user.email).headers["Location"] == "/auth/enrol"
    assert not logged_in(client)
    response = client.get("/auth/enrol")
    page = response.get_data(as_text=True)
    secret = re.search(r"<code[^>]*>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")
    assert client.get("/auth/enrol").get_data(as_text=True).count(secret[:4]) >= 1  # stable
    svg = re.search(r"<svg.*?</svg>", page, re.DOTALL).group(0)
    assert svg == str(qr_svg(second_factor.provisioning_uri(user, secret)))  # the QR is the URI
    assert "<script" not in svg.lower() and not re.search(r"\son\w+=|href=", svg)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "img-src 'self' data:" in csp

    refused = client.post("/auth/enrol", data={"code": wrong_code(secret)})
    assert "This code does not match" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret is None

    response = client.post("/auth/enrol", data={"code": pyotp.TOTP(secret).now()})
    page = response.get_data(as_text=True)
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", page)
    assert response.status_code == 200 and len(set(codes)) == 10
    assert response.headers["Cache-Control"] == "no-store"
    assert logged_in(client)
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret == secret
    stored = set(db.session.scalars(select(RecoveryCode.code_hash)))
    assert len(stored) == 10 and not stored & {c.replace("-", "") for c in codes}
    assert not any(code in client.get("/home").get_data(as_text=True) for code in codes)


def test_a_recovery_code_stands_in_for_the_app_once(app, client, make_user):
    user = make_user("admin")
    ready_for_a_code(user)
    with write_intent(True):
        codes = second_factor.replace_recovery_codes(user)
        db.session.commit()
    post_login(client, user.email)
    typed = codes[3].upper().replace("-", " ")  # typed loosely
    assert client.post("/auth/two-factor", data={"code": typed}).status_code == 302
    assert logged_in(client)
    assert audit_events("login")[-1].data == {
        "address": "127.0.0.1", "second_factor": "recovery_code", "remember": False,
        "recovery_codes_left": 9}
    client.post("/auth/logout")
    post_login(client, user.email)
    response = client.post("/auth/two-factor", data={"code": codes[3]})
    assert CODE_REFUSED in response.get_data(as_text=True)
    assert client.post("/auth/two-factor", data={"code": codes[4]}).status_code == 302


def test_a_code_is_accepted_once_even_in_another_browser(app, client, make_user):
    user = make_user("committee_chair")
    ready_for_a_code(user)
    with freeze_time("2027-04-01 09:00:05") as clock:
        code, previous = totp_code(user), pyotp.TOTP(user.totp_secret).at(time.time() - 30)
        post_login(client, user.email)
        assert client.post("/auth/two-factor", data={"code": code}).status_code == 302
        other = app.test_client()
        post_login(other, user.email)
        for replayed in (code, previous):
            response = other.post("/auth/two-factor", data={"code": replayed})
            assert CODE_REFUSED in response.get_data(as_text=True)
        assert not logged_in(other)
        clock.tick(timedelta(seconds=30))
        assert other.post("/auth/two-factor", data={"code": totp_code(user)}).status_code == 302


@pytest.mark.parametrize("steps_away, accepted", [
    (-2, False), (-1, True), (0, True), (1, True), (2, False)])
def test_codes_one_step_either_side_of_now_are_accepted(client, make_user, steps_away,
                                                         accepted):
    user = make_user("admin")
    ready_for_a_code(user)
    with freeze_time("2027-04-01 09:00:15"):
        code = pyotp.TOTP(user.totp_secret).at(time.time() + 30 * steps_away)
        post_login(client, user.email)
        response = client.post("/auth/two-factor", data={"code": code})
        assert (response.status_code == 302) is accepted
        assert logged_in(client) is accepted


def test_the_half_logged_in_state_lasts_five_minutes(client, make_user):
    user = make_user("finance_officer")
    ready_for_a_code(user)
    with freeze_time("2027-04-01 09:00:00") as clock:
        post_login(client, user.email)
        clock.tick(timedelta(minutes=5, seconds=30))
        response = client.post("/auth/two-factor", data={"code": totp_code(user)})
        assert response.headers["Location"] == "/auth/login"
        assert not logged_in(client)


def test_a_money_role_granted_later_requires_enrolment(app, client, make_user):
    user = make_user("secretariat")
    log_in(client, user)
    assert logged_in(client)
    admin_browser = app.test_client()
    log_in(admin_browser, make_user("admin"))
    admin_browser.post(f"/admin/users/{user.id}", data={
        "email": user.email, "name": user.name, "organisation_id": "0", "locale": "en",
        "roles": ["secretariat", "finance_officer"], "active": "y"})
    response = client.get("/home")  # the very next request
    assert response.headers["Location"].startswith("/auth/login")
    assert NEEDS_SECOND_FACTOR in client.get("/auth/login").get_data(as_text=True)
    assert post_login(client, user.email).headers["Location"] == "/auth/enrol"


def test_an_admin_reset_sends_the_user_back_to_enrolment(app, client, make_user):
    user, admin = make_user("finance_officer"), make_user("admin")
    log_in(client, user)
    with write_intent(True):
        second_factor.replace_recovery_codes(user)
        second_factor.reset_second_factor(user, actor=admin)
        db.session.commit()
    assert not logged_in(client)
    assert post_login(client, user.email).headers["Location"] == "/auth/enrol"
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0
    [reset] = audit_events("totp_reset")
    assert (reset.actor_id, reset.object_id) == (admin.id, user.id)


def test_the_demo_enrols_the_two_factor_users_with_the_documented_secret(demo_app):
    """The living demo as `flask demo seed` made it (seeded once per test process)."""
    users = db.session.scalars(select(User)).all()
    for user in users:
        expected = (second_factor.DEMO_TOTP_SECRET if security.requires_second_factor(user)
                    else None)
        assert user.totp_secret == expected, user.email
    assert sum(u.totp_secret is not None for u in users) >= 4
