"""The committee's migration on live data: the one committee of before becomes a member's
seat on each programme's committee, the first chair chairs both and the second deputises;
every file ever submitted keeps the time of its last submission, and one never submitted
has none (so the staff do not see it)."""

from flask_migrate import upgrade
from sqlalchemy import text

from models import db

from .conftest import app_on

STAMP = "'2026-05-01 09:00:00'"


def _user(conn, user_id: int, email: str, *roles: str, active: bool = True) -> None:
    conn.execute(text(
        "INSERT INTO users (id, email, name, password_hash, active, locale, session_token,"
        f" created_at, updated_at) VALUES ({user_id}, '{email}', '{email}', 'x', "
        f"{'true' if active else 'false'}, 'en', 't{user_id}', {STAMP}, {STAMP})"))
    for n, role in enumerate(roles):
        conn.execute(text(f"INSERT INTO role_assignments (id, user_id, role) VALUES "
                          f"({user_id * 10 + n}, {user_id}, '{role}')"))


def _application(conn, app_id: int, fund_id: int, kind: str, state: str) -> None:
    conn.execute(text(
        "INSERT INTO applications (id, reference, kind, fund_id, fiscal_year, number,"
        " organisation_id, title, state, workflow_name, workflow_version, requested_yen,"
        " version, state_changed_at, created_at, updated_at) VALUES"
        f" ({app_id}, 'REF-{app_id}', '{kind}', {fund_id}, 2026, {app_id}, 1, 'A file',"
        f" '{state}', '{kind}', 1, 1000, 1, {STAMP}, '2026-04-0{app_id} 10:00:00', {STAMP})"))


def _event(conn, seq: int, app_id: int, action: str, when: str) -> None:
    conn.execute(text(
        "INSERT INTO audit_events (seq, occurred_at, action, object_type, object_id, data,"
        f" prev_hash, hash) VALUES ({seq}, '{when}', '{action}', 'application', {app_id},"
        f" '{{}}', 'p{seq}', 'h{seq}')"))


def _fill_before_the_committees(conn) -> None:
    conn.execute(text(
        "INSERT INTO organisations (id, kind, name, country_code, city, created_at,"
        f" updated_at) VALUES (1, 'company', 'Osaka Tools', 'JP', 'Osaka', {STAMP}, {STAMP})"))
    for fund_id, code, kind in ((1, "WNF", "grant"), (2, "SME", "loan")):
        conn.execute(text(
            "INSERT INTO funds (id, code, name, currency, kind, created_at, updated_at)"
            f" VALUES ({fund_id}, '{code}', '{code}', 'JPY', '{kind}', {STAMP}, {STAMP})"))
    _user(conn, 1, "gone.chair@example.org", "committee_chair", active=False)
    _user(conn, 2, "chair@example.org", "committee_chair", "committee_member")
    _user(conn, 3, "second@example.org", "committee_chair")
    _user(conn, 4, "member@example.org", "committee_member")
    _user(conn, 5, "third@example.org", "committee_chair")
    _application(conn, 1, 2, "loan", "screening")  # submitted (an event says when)
    _event(conn, 1, 1, "submit", "2026-04-02 11:00:00")
    _application(conn, 2, 2, "loan", "withdrawn")  # withdrawn after submitting
    _event(conn, 2, 2, "submit", "2026-04-03 11:00:00")
    _event(conn, 3, 2, "withdraw", "2026-04-04 11:00:00")
    _application(conn, 3, 2, "loan", "withdrawn")  # withdrawn as a draft
    _application(conn, 4, 2, "loan", "draft")
    _application(conn, 5, 1, "grant", "committee_review")  # put there without an event


def test_role_holders_take_seats_and_submitted_files_keep_their_time(empty_database,
                                                                      tmp_path):
    app = app_on(empty_database, tmp_path / "uploads")
    with app.app_context():
        upgrade(revision="0007")
        with db.engine.begin() as conn:
            _fill_before_the_committees(conn)
        upgrade(revision="heads")
        with db.engine.connect() as conn:
            seats = {tuple(row) for row in conn.execute(text(
                "SELECT user_id, fund_id, seat FROM committee_seats"))}
            submitted = dict(conn.execute(text(
                "SELECT id, submitted_at FROM applications ORDER BY id")).all())
        db.session.remove()
        db.engine.dispose()
    assert seats == {(2, fund, "member") for fund in (1, 2)} | {
        (4, fund, "member") for fund in (1, 2)} | {
        (2, fund, "chair") for fund in (1, 2)} | {(3, fund, "deputy_chair") for fund in (1, 2)}
    assert [str(submitted[n])[:16] if submitted[n] else None for n in range(1, 6)] == [
        "2026-04-02 11:00", "2026-04-03 11:00", None, None, "2026-04-05 10:00"]
