"""The migration that seals the TOTP secrets: a database of the release before, with secrets
in clear (the demo's shared one among them), keeps every second factor working."""

import pyotp
from alembic.script import ScriptDirectory
from cryptography.fernet import Fernet
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from models import User, db, write_intent
from workflow.people import second_factor, security

from .conftest import app_on

REVISION = "0012"  # the migration that seals the secrets
OTHER_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _user_in_clear(conn, user_id: int, secret: str) -> None:
    conn.execute(text(
        "INSERT INTO users (id, email, name, password_hash, active, locale, session_token,"
        " totp_secret, created_at, updated_at) VALUES (:id, :email, 'Officer', 'x', true,"
        " 'en', 'token', :secret, '2026-04-01 09:00:00', '2026-04-01 09:00:00')"),
        {"id": user_id, "email": f"officer{user_id}@example.org", "secret": secret})


def test_secrets_in_clear_are_sealed_and_still_accept_their_codes(empty_database, tmp_path):
    app = app_on(empty_database, tmp_path / "uploads")
    with app.app_context():
        migrate = app.extensions["migrate"]
        script = ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory))
        before = script.get_revision(REVISION).down_revision
        upgrade(revision=before)
        with db.engine.begin() as conn:
            _user_in_clear(conn, 1, second_factor.DEMO_TOTP_SECRET)
            _user_in_clear(conn, 2, OTHER_SECRET)
            conn.execute(text("INSERT INTO users (id, email, name, password_hash, active,"
                              " locale, session_token, created_at, updated_at) VALUES (3,"
                              " 'plain@example.org', 'Plain', 'x', true, 'en', 't',"
                              " '2026-04-01 09:00:00', '2026-04-01 09:00:00')"))
        upgrade(revision=REVISION)
        with db.engine.connect() as conn:
            stored = dict(conn.execute(text("SELECT id, totp_secret_sealed FROM users")).all())
        key = Fernet(app.config["TOTP_ENCRYPTION_KEYS"][0])
        assert key.decrypt(stored[1].encode()).decode() == second_factor.DEMO_TOTP_SECRET
        assert key.decrypt(stored[2].encode()).decode() == OTHER_SECRET
        assert stored[3] is None
        assert OTHER_SECRET not in stored[2]
        code = pyotp.TOTP(second_factor.DEMO_TOTP_SECRET).now()
        upgrade(revision="heads")  # the model maps the users' columns of the latest schema
        with write_intent(True):
            demo_user = db.session.get(User, 1)
            step = security.check_code_step(demo_user, code, address="192.0.2.1")
            db.session.rollback()
        assert step.method == "totp"
        downgrade(revision=before)
        with db.engine.connect() as conn:
            clear = dict(conn.execute(text("SELECT id, totp_secret FROM users")).all())
        assert clear == {1: second_factor.DEMO_TOTP_SECRET, 2: OTHER_SECRET, 3: None}
        db.session.remove()
        db.engine.dispose()
