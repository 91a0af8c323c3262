"""Migrations on live data: a database made at the first migration and filled, upgraded
through every later one, keeps its data; the latest migration downgrades one step."""

from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from models import db

from .conftest import app_on


def _fill_at_first_migration(conn) -> None:
    conn.execute(text(
        "INSERT INTO organisations (id, kind, name, country_code, city, created_at, updated_at)"
        " VALUES (1, 'alumni_society', 'Alumni Society of Kenya', 'KE', 'Nairobi',"
        " '2026-04-01 09:00:00', '2026-04-01 09:00:00')"))
    conn.execute(text(
        "INSERT INTO users (id, email, name, password_hash, active, locale, organisation_id,"
        " session_token, created_at, updated_at) VALUES (1, 'old@example.org', 'Old User',"
        " 'scrypt:1024:8:1$x$y', true, 'en', 1, 'token', '2026-04-01 09:00:00',"
        " '2026-04-01 09:00:00')"))
    conn.execute(text("INSERT INTO role_assignments (id, user_id, role) VALUES (1, 1, "
                      "'applicant')"))
    conn.execute(text(
        "INSERT INTO funds (id, code, name, currency, kind, created_at, updated_at) VALUES"
        " (1, 'WNF', 'World Network of Friendship', 'JPY', 'grant', '2026-04-01 09:00:00',"
        " '2026-04-01 09:00:00')"))
    conn.execute(text(
        "INSERT INTO rounds (id, fund_id, name, opens_on, closes_on, budget_yen, cap_yen,"
        " min_own_percent, created_at, updated_at) VALUES (1, 1, 'FY2026', '2026-04-01',"
        " '2027-03-31', 30000000, 3000000, 20, '2026-04-01 09:00:00', '2026-04-01 09:00:00')"))


def test_data_survives_every_migration_and_the_latest_downgrades(empty_database, tmp_path):
    app = app_on(empty_database, tmp_path / "uploads")
    with app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as conn:
            _fill_at_first_migration(conn)
        upgrade(revision="heads")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT email FROM users")).scalar() == "old@example.org"
            assert conn.execute(text("SELECT role FROM role_assignments")).scalar() == (
                "applicant")
            fund = conn.execute(text(
                "SELECT code, screening_days, voting_days FROM funds")).one()
            assert tuple(fund) == ("WNF", 14, 21)  # columns added later got their defaults
            assert conn.execute(text("SELECT cap_yen FROM rounds")).scalar() == 3_000_000
        migrate = app.extensions["migrate"]
        script = ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory))
        (head,) = script.get_heads()
        previous = script.get_revision(head).down_revision
        downgrade(revision=previous)
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
                previous)
            assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 1
        upgrade(revision="heads")
        db.session.remove()
        db.engine.dispose()
