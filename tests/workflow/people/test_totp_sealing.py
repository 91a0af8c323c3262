"""TOTP secrets are sealed at rest with keys from the environment, and the key rotates."""

import logging
import re

import pyotp
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from config import DEV_TOTP_ENCRYPTION_KEY
from models import User, db, sealing
from tests.conftest import log_in, ready_for_a_code, totp_code
from webui.auth.two_factor import CODE_REFUSED

from .conftest import audit_events, logged_in, post_login


def stored_secrets() -> dict[int, str]:
    """What the database itself holds, read past the model."""
    db.session.commit()
    return dict(db.session.execute(text(
        "SELECT id, totp_secret_sealed FROM users WHERE totp_secret_sealed IS NOT NULL")).all())


@pytest.fixture
def keys(app):
    """Change the configured keys for one test; the suite's key is put back afterwards."""
    yield sealing.use_keys
    sealing.use_keys(app.config["TOTP_ENCRYPTION_KEYS"])


def test_an_enrolled_secret_is_stored_sealed(client, make_user):
    user = make_user("finance_officer")
    post_login(client, user.email)
    page = client.get("/auth/enrol").get_data(as_text=True)
    secret = re.search(r"<code[^>]*>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")
    client.post("/auth/enrol", data={"code": pyotp.TOTP(secret).now()})
    assert logged_in(client)
    stored = stored_secrets()[user.id]
    assert secret not in stored and stored.startswith("gAAAAA")  # a Fernet token
    assert Fernet(DEV_TOTP_ENCRYPTION_KEY).decrypt(stored.encode()).decode() == secret
    assert db.session.get(User, user.id).totp_secret == secret


def test_without_the_key_no_code_is_accepted_and_the_operator_is_told(client, make_user, keys,
                                                                      caplog):
    user = make_user("admin")
    ready_for_a_code(user)
    code = totp_code(user)
    keys([Fernet.generate_key().decode()])  # a copy of the database on a host without the key
    assert post_login(client, user.email).headers["Location"] == "/auth/two-factor"
    with caplog.at_level(logging.ERROR, logger="workflow.people.security"):
        response = client.post("/auth/two-factor", data={"code": code})
    assert response.status_code == 200 and CODE_REFUSED in response.get_data(as_text=True)
    assert not logged_in(client)
    assert "does not open with TOTP_ENCRYPTION_KEYS" in caplog.text


def test_rotating_the_key_reseals_every_secret(app, client, make_user, keys):
    users = [make_user("finance_officer"), make_user("committee_chair")]
    for user in users:
        ready_for_a_code(user)
    before = stored_secrets()
    newer = Fernet.generate_key().decode()
    keys([newer, DEV_TOTP_ENCRYPTION_KEY])  # the new key first, the old one still known
    db.session.commit()  # the command writes in a transaction of its own
    result = app.test_cli_runner().invoke(args=["security", "rotate-totp-key"])
    assert result.exit_code == 0, result.output
    assert "2 TOTP secrets sealed with the first key" in result.output
    after = stored_secrets()
    assert set(after) == set(before) and not set(after.values()) & set(before.values())
    keys([newer])  # the old key removed: every secret still opens
    for user in users:
        assert log_in(client, user).status_code == 302, user.email
        client.post("/auth/logout")
    [event] = audit_events("totp_secrets_resealed")
    assert event.data == {"secrets": 2}


def test_a_rotation_that_meets_a_secret_no_key_opens_changes_nothing(app, make_user, keys):
    sealed_elsewhere, ours = make_user("admin"), make_user("admin")
    keys([Fernet.generate_key().decode()])
    ready_for_a_code(sealed_elsewhere)
    keys([DEV_TOTP_ENCRYPTION_KEY])
    ready_for_a_code(ours)
    before = stored_secrets()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["security", "rotate-totp-key"])
    assert result.exit_code != 0
    assert "does not open with any key" in result.output and "Nothing was changed" in result.output
    assert stored_secrets() == before and audit_events("totp_secrets_resealed") == []
