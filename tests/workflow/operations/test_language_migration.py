"""The languages' migration on live data: users whose 'en' was only the default have chosen
nothing (their browser's or organisation's language then applies), a saved 'ja' stays; AOTS
and Japanese companies default to Japanese, the societies to English; and back down."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from models import db

from .conftest import app_on

STAMP = "'2026-05-01 09:00:00'"


def _org(conn, org_id: int, kind: str, country: str) -> None:
    conn.execute(text(
        "INSERT INTO organisations (id, kind, name, country_code, city, created_at, updated_at)"
        f" VALUES ({org_id}, '{kind}', 'Org {org_id}', '{country}', '', {STAMP}, {STAMP})"))


def _user(conn, user_id: int, locale: str) -> None:
    conn.execute(text(
        "INSERT INTO users (id, email, name, password_hash, active, locale, session_token,"
        f" created_at, updated_at) VALUES ({user_id}, 'u{user_id}@example.org', 'U', 'x',"
        f" true, '{locale}', 't{user_id}', {STAMP}, {STAMP})"))


def _rows(sql: str) -> dict:
    with db.engine.connect() as conn:
        return {row[0]: tuple(row[1:]) for row in conn.execute(text(sql))}


def test_languages_and_time_zones_up_and_down(empty_database, tmp_path):
    app = app_on(empty_database, tmp_path / "uploads")
    with app.app_context():
        upgrade(revision="0018")
        with db.engine.begin() as conn:
            _org(conn, 1, "aots", "JP")
            _org(conn, 2, "company", "JP")
            _org(conn, 3, "company", "TH")
            _org(conn, 4, "alumni_society", "JP")
            _user(conn, 1, "en")
            _user(conn, 2, "ja")
        upgrade(revision="0019")
        assert _rows("SELECT id, locale FROM organisations") == {
            1: ("ja",), 2: ("ja",), 3: ("en",), 4: ("en",)}
        assert _rows("SELECT id, locale, time_zone, japanese_era FROM users") == {
            1: (None, None, False), 2: ("ja", None, False)}
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE users SET time_zone = 'Asia/Bangkok', japanese_era = true"
                              " WHERE id = 2"))
        downgrade(revision="0018")
        assert _rows("SELECT id, locale FROM users") == {1: ("en",), 2: ("ja",)}
        db.session.remove()
        db.engine.dispose()
