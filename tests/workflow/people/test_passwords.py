"""Passwords: 12 to 128 characters, never truncated, not a common one; hashes upgraded."""

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

import models.user
from models import User, db, write_intent
from tests.conftest import PASSWORD, log_in, once_key
from workflow.engine.errors import ValidationFailed
from workflow.people import accounts

from .conftest import logged_in, post_login

COMMON = "This password is among the most common ones; choose another."


def test_the_common_password_list_ships_with_the_project_and_names_its_source():
    lines = accounts.COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    header = [line for line in lines if line.startswith("#")]
    entries = [line for line in lines if line and not line.startswith("#")]
    assert len(entries) == len(set(entries)) == 1000
    assert entries[:3] == ["123456", "password", "12345678"]  # ranked, most common first
    assert any("zxcvbn" in line for line in header)


@pytest.mark.parametrize("password, message", [
    ("eleven char", "at least 12 characters"),
    ("x" * 129, "at most 128 characters"),
    ("123qweasdzxc", COMMON),
    ("1QAZ2wsx3EDC", COMMON),  # the list is matched case-insensitively
])
def test_weak_passwords_are_refused(password, message):
    with pytest.raises(ValidationFailed, match=message):
        accounts.check_password_rules(password)


@pytest.mark.parametrize("password", [
    "twelve chars",
    "x" * 128,
    "合言葉は山と川と海と空です",  # counted in characters, not bytes
    "123qweasdzxc!",  # a common password with more to it is not on the list
])
def test_good_passwords_pass(password):
    accounts.check_password_rules(password)


def test_a_long_password_is_checked_whole_never_truncated(client, make_user):
    long_password = "p" * 100 + "-the tail counts"
    user = make_user("auditor")
    user.set_password(long_password)
    db.session.commit()
    for wrong in (long_password[:72], long_password[:-1] + "X", long_password[:-1]):
        assert post_login(client, user.email, wrong).status_code == 200
        assert not logged_in(client)
    assert post_login(client, user.email, long_password).status_code == 302
    assert logged_in(client)


def test_create_user_refuses_a_common_password(app):
    with write_intent(True), pytest.raises(ValidationFailed, match=COMMON):
        accounts.create_user(email="a@example.org", name="A", password="123QWEasdzxc")
    db.session.rollback()
    assert db.session.scalar(select(User)) is None


def test_update_user_refuses_a_common_password_and_keeps_the_old_one(app, make_user):
    admin, user = make_user("admin"), make_user("auditor")
    with write_intent(True):
        with pytest.raises(ValidationFailed, match=COMMON):
            accounts.update_user(user, actor=admin, email=user.email, name=user.name,
                                 roles=["auditor"], organisation=None, locale="en",
                                 active=True, password="1qaz2wsx3edc")
        db.session.rollback()
        accounts.update_user(user, actor=admin, email=user.email, name=user.name,
                             roles=["auditor"], organisation=None, locale="en", active=True,
                             password="an admin-chosen passphrase")
        db.session.commit()
    assert db.session.get(User, user.id).check_password("an admin-chosen passphrase")


def test_the_password_change_form_refuses_a_common_password(client, login_as):
    user = login_as("auditor")
    response = client.post("/auth/password", data={
        "current_password": PASSWORD, "new_password": "123qweasdzxc",
        "confirm": "123qweasdzxc"})
    assert response.status_code == 200
    assert COMMON in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_the_admin_form_refuses_a_common_password(client, login_as):
    login_as("admin")
    response = client.post("/admin/users/new", data={
        "email": "fresh@example.org", "name": "Fresh", "organisation_id": "0",
        "roles": ["auditor"], "locale": "en", "active": "y", "password": "1qaz2wsx3edc",
        **once_key()})
    assert response.status_code == 200
    assert COMMON in response.get_data(as_text=True)


def test_flask_users_create_refuses_a_common_password(app):
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "--email", "x@example.org", "--name", "X", "--password-stdin",
    ], input="123qweasdzxc\n")
    assert result.exit_code != 0
    assert COMMON in result.output
    assert db.session.scalar(select(User)) is None


@pytest.mark.parametrize("stored_method", ["pbkdf2:sha256:1000", "scrypt:512:8:1"])
def test_an_outdated_hash_is_upgraded_at_login(client, make_user, stored_method):
    user = make_user("auditor")
    user.password_hash = generate_password_hash(PASSWORD, method=stored_method)
    db.session.commit()
    assert post_login(client, user.email).status_code == 302
    db.session.expire_all()
    upgraded = db.session.get(User, user.id)
    assert upgraded.password_hash.startswith(models.user.PASSWORD_METHOD + "$")
    assert upgraded.check_password(PASSWORD)
    assert logged_in(client)  # the upgrade does not log the user out


def test_a_change_of_the_hash_parameters_is_applied_at_the_next_login(client, make_user,
                                                                      monkeypatch):
    user = make_user("auditor")
    made_with = models.user.PASSWORD_METHOD
    monkeypatch.setattr(models.user, "PASSWORD_METHOD", "scrypt:2048:8:1")
    post_login(client, user.email, "not the password")
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash.startswith(made_with + "$")
    log_in(client, user)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash.startswith("scrypt:2048:8:1$")


def test_a_current_hash_is_left_alone(client, make_user):
    user = make_user("auditor")
    before = user.password_hash
    assert log_in(client, user).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before
