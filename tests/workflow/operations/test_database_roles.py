"""`flask db roles` sets up an owner that migrates and the application's login, which may only
SELECT and INSERT on the audit and ledger tables and owns nothing, so that it cannot lift a
trigger; the application works under that login; production warns at start-up about a
login that could (a superuser, the owner)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import date

import pytest
from cryptography.fernet import Fernet
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError

from models import Application, Fund, Organisation, OutboxMessage, Round, User, db, write_intent
from tests.conftest import PASSWORD, log_in
from tests.database import is_postgres
from webui.startup_checks import warn_about_the_database_login
from workflow.engine import audit, service
from workflow.files.applications import create_application
from workflow.money.donations import record_donation
from workflow.operations import database_login

from .roles import PROJECT_ROOT, app_for, roles_database, running

APPEND_ONLY = ("audit_events", "ledger_entries")


@pytest.fixture(scope="module")
def roles(database_url, tmp_path_factory):
    """A database migrated to 0003 by a superuser, set up by `flask db roles`, then migrated
    to the head by its owner, as a production upgrade runs."""
    if not is_postgres(database_url):
        pytest.skip("roles and privileges are PostgreSQL's (SQLite: see test_on_sqlite…)")
    with roles_database(database_url) as setup:
        folder = tmp_path_factory.mktemp("roles")
        with running(app_for(setup.superuser_url, folder)) as app:
            upgrade(revision="0003")  # the audit and ledger tables, not what follows
            setup.first_run = _roles_command(app, setup.owner, setup.login, setup.password)
        with running(app_for(setup.owner_url, folder)):
            upgrade(revision="heads")
        setup.folder = folder
        yield setup


def _roles_command(app, owner, login, password="", exit_code=0) -> str:
    result = app.test_cli_runner().invoke(
        args=["db", "roles", "--owner", owner, "--login", login],
        env={"WNF_OWNER_PASSWORD": password, "WNF_LOGIN_PASSWORD": password})
    assert result.exit_code == exit_code, result.output
    return result.output


def _as(url):
    return create_engine(url, isolation_level="AUTOCOMMIT")


INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL's SQLSTATE for "permission denied", "must be owner"


def _refused_for_want_of_privilege(conn, statement: str, refusal: str) -> None:
    with pytest.raises(DBAPIError) as refused:
        conn.execute(text(statement))
    assert refused.value.orig.sqlstate == INSUFFICIENT_PRIVILEGE, str(refused.value)
    assert refusal in str(refused.value)


def test_the_command_says_what_it_did_and_again_changes_nothing(roles):
    said = roles.first_run
    assert f"Created role {roles.owner}: it will own the schema" in said
    assert f"Created role {roles.login}: the application connects as it" in said
    assert f"Set the password of {roles.login}." in said
    assert f"to {roles.owner} (it was postgres's)" in said
    assert f"Checked: {roles.login} owns nothing and may only SELECT and INSERT on " \
           "audit_events, ledger_entries." in said
    with running(app_for(roles.superuser_url, roles.folder)) as app:
        again = _roles_command(app, roles.owner, roles.login)
    assert f"Role {roles.owner} exists." in again and f"Role {roles.login} exists." in again
    assert "Created" not in again and "Gave" not in again and "password" not in again


@pytest.mark.parametrize("table", APPEND_ONLY)
@pytest.mark.parametrize("statement, refusal", [
    ("UPDATE {table} SET memo = memo", "permission denied"),
    ("DELETE FROM {table}", "permission denied"),
    ("TRUNCATE {table}", "permission denied"),
    ("ALTER TABLE {table} DISABLE TRIGGER ALL", "must be owner"),
    ("ALTER TABLE {table} DISABLE TRIGGER USER", "must be owner"),
    ("DROP TABLE {table} CASCADE", "must be owner"),
    ("ALTER TABLE {table} RENAME TO {table}_old", "must be owner"),
])
def test_the_login_cannot_change_empty_or_unguard_the_evidence(roles, table, statement,
                                                                refusal):
    if table == "audit_events":
        statement = statement.replace("memo = memo", "action = action")
    engine = _as(roles.login_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() >= 0
            _refused_for_want_of_privilege(conn, statement.format(table=table), refusal)
    finally:
        engine.dispose()


@pytest.mark.parametrize("statement, refusal", [
    ("SET session_replication_role = replica", "permission denied"),
    ("CREATE TABLE somewhere_to_hide (id int)", "permission denied for schema public"),
    ("GRANT {owner} TO {login}", "{owner}"),
    ("TRUNCATE funds CASCADE", "permission denied"),
    ("ALTER FUNCTION append_only_no_truncate() RENAME TO lifted", "must be owner"),
])
def test_the_login_cannot_lift_the_triggers_another_way(roles, statement, refusal):
    engine = _as(roles.login_url)
    try:
        with engine.connect() as conn:
            names = {"owner": roles.owner, "login": roles.login}
            _refused_for_want_of_privilege(conn, statement.format(**names),
                                           refusal.format(**names))
    finally:
        engine.dispose()


def test_the_login_owns_nothing_and_later_tables_are_granted(roles):
    """0004 onwards were migrated by the owner after the set-up: its tables are the owner's
    and the login may use them, by the default privileges."""
    engine = _as(roles.superuser_url)
    try:
        with engine.connect() as conn:
            assert database_login.problems_of(conn, roles.login) == []
            owners = dict(conn.execute(text(
                "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public'")).all())
            assert set(owners.values()) == {roles.owner}
            for table in ("notifications", "outbox_messages", "login_attempts"):
                assert conn.execute(text(
                    "SELECT has_table_privilege(:login, :table, 'INSERT, UPDATE, DELETE')"),
                    {"login": roles.login, "table": table}).scalar(), table
            assert not conn.execute(text(
                "SELECT has_table_privilege(:login, 'alembic_version', 'UPDATE')"),
                {"login": roles.login}).scalar()
    finally:
        engine.dispose()


def test_the_application_works_under_the_login(roles):
    """A transition, a donation (a ledger post), a checkpoint, a login and a page, all as
    the login; the chain and the ledger verify."""
    with running(app_for(roles.login_url, roles.folder)) as app:
        with write_intent(True):
            society = Organisation(kind="alumni_society", name="Alumni Society of Kenya",
                                   country_code="KE", city="Nairobi")
            staff = User(email="staff@example.org", name="Staff", organisation=society)
            applicant = User(email="applicant@example.org", name="Applicant",
                             organisation=society)
            auditor = User(email="auditor@example.org", name="Auditor")
            for user, role in ((staff, "secretariat"), (applicant, "applicant"),
                               (auditor, "auditor")):
                user.set_password(PASSWORD)
                user.set_roles([role])
            fund = Fund(code="WNF", name="WNF fund", kind="grant")
            today = date.today()
            round_ = Round(fund=fund, name="FY", opens_on=today, closes_on=today,
                           budget_yen=10_000_000, cap_yen=2_000_000, min_own_percent=20)
            db.session.add_all([society, staff, applicant, auditor, fund, round_])
            db.session.flush()
            application = create_application(fund=fund, organisation=society, actor=applicant,
                                             title="Seminar", round_=round_,
                                             requested_yen=1_000_000)
            application.state = "submitted"  # the scene: submitted with a complete form
            db.session.commit()
        with write_intent(True):
            service.fire(application, "start_screening", staff)
            record_donation(fund, donor_kind="person", donor_name="A friend",
                            donor_organisation=None, received_on=today,
                            amount_yen=3_000_000, note="", actor=staff, today=today)
            db.session.commit()
        assert db.session.get(Application, application.id).state == "screening"
        checkpoint = app.test_cli_runner().invoke(args=["audit", "checkpoint"])
        assert checkpoint.exit_code == 0, checkpoint.output
        assert db.session.scalar(select(OutboxMessage.to_address).where(
            OutboxMessage.subject.contains("anchored"))) == "auditor@example.org"
        result = audit.verify()
        assert result.ok and result.entries == 1, str(result)
        client = app.test_client()
        assert log_in(client, applicant).status_code == 302
        page = client.get(f"/applications/{application.id}")
        assert page.status_code == 200 and "Seminar" in page.get_data(as_text=True)
        assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("who, problem", [("superuser", "is a superuser"),
                                          ("owner", "owns the database"),
                                          ("login", None)])
def test_production_warns_at_start_up_about_a_login_that_could_wipe(roles, caplog, who,
                                                                     problem):
    url = {"superuser": roles.superuser_url, "owner": roles.owner_url,
           "login": roles.login_url}[who]
    app = app_for(url, roles.folder)
    app.config["WNF_ENV"] = "production"
    with caplog.at_level(logging.WARNING, logger="wnf.startup"):
        warning = warn_about_the_database_login(app)
    with app.app_context():
        db.engine.dispose()
    if problem is None:
        assert warning is None and not caplog.records
        return
    assert problem in warning and "could then lift the append-only triggers" in warning
    assert caplog.records[0].getMessage() == warning
    if who == "owner":
        assert "may UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES audit_events" in warning


def test_the_server_entry_point_warns(roles):
    """gunicorn's app (webui.wsgi) checks its login as it starts."""
    env = {**os.environ, "WNF_ENV": "production", "SECRET_KEY": "s" * 40,
           "DATABASE_URL": roles.superuser_url.render_as_string(hide_password=False),
           "GUNICORN_WORKERS": "1", "AUDIT_ANCHOR_DIR": str(roles.folder / "anchors"),
           "TOTP_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    env.pop("FLASK_DEBUG", None)
    started = subprocess.run([sys.executable, "-c", "import webui.wsgi"], cwd=PROJECT_ROOT,
                             env=env, capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stderr
    assert "is a superuser" in started.stderr and "flask db roles" in started.stderr


def test_a_login_that_could_lift_a_trigger_is_refused(roles):
    engine = _as(roles.superuser_url)
    mighty = roles.owner.replace("owner", "super")
    member = roles.owner.replace("owner", "member")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE ROLE "{mighty}" SUPERUSER'))
            conn.execute(text(f'CREATE ROLE "{member}" LOGIN IN ROLE "{roles.owner}"'))
    finally:
        engine.dispose()
    with running(app_for(roles.superuser_url, roles.folder)) as app:
        said = _roles_command(app, roles.owner, mighty, exit_code=1)
        assert f"{mighty} is a superuser: it cannot be the application's login" in said
        said = _roles_command(app, roles.owner, member, exit_code=1)
        assert f"{member} is a member of {roles.owner}: it cannot be" in said
        said = _roles_command(app, roles.owner, "postgres", exit_code=1)
        assert "cannot be postgres, the role this command runs as" in said
        said = _roles_command(app, roles.login, roles.login, exit_code=1)
        assert "two different roles" in said
        said = _roles_command(app, roles.owner, 'x"; DROP TABLE audit_events; --', exit_code=1)
        assert "A role name is 1 to 63 lower-case letters" in said


def test_on_sqlite_the_command_says_what_holds_instead(app, on_postgres):
    if on_postgres:
        pytest.skip("the SQLite answer")
    result = app.test_cli_runner().invoke(args=["db", "roles", "--owner", "a", "--login", "b"])
    assert result.exit_code == 1
    assert "SQLite has no roles" in result.output and "refuse UPDATE and DELETE" in result.output


def test_a_new_installation_in_the_documented_order(database_url, tmp_path):
    """docs/deploy.md: roles on the empty database, the owner migrates, roles again."""
    if not is_postgres(database_url):
        pytest.skip("roles and privileges are PostgreSQL's")
    with roles_database(database_url) as setup:
        with running(app_for(setup.superuser_url, tmp_path)) as app:
            said = _roles_command(app, setup.owner, setup.login, setup.password)
        assert "not made yet: run this again after `flask db upgrade`" in said
        with running(app_for(setup.owner_url, tmp_path)):
            upgrade(revision="heads")
        with running(app_for(setup.superuser_url, tmp_path)) as app:
            said = _roles_command(app, setup.owner, setup.login)
            with db.engine.connect() as conn:
                assert database_login.problems_of(conn, setup.login) == []
        assert f"Checked: {setup.login} owns nothing and may only SELECT and INSERT" in said
