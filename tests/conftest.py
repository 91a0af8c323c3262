"""Fixtures: the app on a fresh migrated schema, a client, users by role, factories."""

from __future__ import annotations

import contextvars
import itertools
import re
import shutil
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import select
from sqlalchemy.engine import make_url

import models.user
from config import TestConfig
from models import Application, Fund, Organisation, Round, User, db, set_write_intent
from webui import create_app
from workflow.engine import kept
from workflow.engine.locking import ensure_write_transaction

from . import CHEAP_PASSWORD_METHOD, kept_guard, temporary
from .database import (
    create_database,
    drop_database,
    empty_all_tables,
    is_postgres,
    reset_schema,
    test_database_url,
    xdist_worker,
)
from .demo_database import drop_template, seeded_demo_app, seeded_once

models.user.PASSWORD_METHOD = CHEAP_PASSWORD_METHOD
PASSWORD = "correct horse battery staple"


class IsolatedClient(FlaskClient):
    """A test client whose requests run as in a real server: in their own app context.

    Without this, requests would share the test's app context, its `g` and its
    database session, and hide bugs such as a stale logged-in user. The test's
    own transaction is ended before each request so that it sees the result.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A browser set to English, as the tests' words are; a test of the language order
        # sends its own Accept-Language (an empty one: none).
        self.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    def open(self, *args, **kwargs):
        db.session.commit()
        # Buffered: a streamed body is read while the request's context is still there.
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


kept_guard.install()


@pytest.hookimpl(tryfirst=True)  # before pytest reads --basetemp to make its folders
def pytest_configure(config) -> None:
    temporary.choose_basetemp(config)


def pytest_unconfigure(config) -> None:
    temporary.remove_basetemp(config)


def pytest_sessionfinish(session) -> None:
    """The demo that one pytest-xdist worker seeded for all (tests/demo_database.py) goes
    with the run, once the workers are done with it (on SQLite it is a file in the run's
    temporary folder, which goes with the folder)."""
    if session.config.pluginmanager.has_plugin("dsession"):  # xdist's controller
        drop_template(test_database_url(""))


@pytest.fixture(autouse=True)
def kept_answers_cannot_go_stale():
    """Fails the test if a transaction changed what workers keep without moving its
    revision (tests/kept_guard.py). Each test starts with nothing kept, whatever fixtures it
    uses: ids and revisions restart with every test, and the guard would otherwise hold a
    test that uses no `app` (the migrations' on a database of their own) to the answers an
    earlier test's pages kept."""
    kept.forget_in_every_app()
    kept_guard.faults.clear()
    yield
    faults, kept_guard.faults[:] = list(kept_guard.faults), []
    if faults:
        pytest.fail("Kept answers could go stale:\n" + "\n".join(dict.fromkeys(faults)))


# Fixtures that start a costly server of their own, once per test process: under
# pytest-xdist (`--dist loadgroup`, as tests/run_suites.py runs it) the tests that use one
# go to one worker, which starts it once. (Chromium starts in a second or so: the browser
# tests spread over the workers, each starting its own, as the demo's walks take minutes.)
SHARED_SERVERS = {"web_server": "gunicorn", "proxied_hosts": "gunicorn behind a proxy"}


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        for fixture, group in SHARED_SERVERS.items():
            if fixture in item.fixturenames:
                item.add_marker(pytest.mark.xdist_group(group))
                break


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """The suite's database, empty. Under pytest-xdist on PostgreSQL: this worker's own,
    named after TEST_DATABASE_URL's (…_gw0), made now and dropped at the end, so that two
    workers never empty each other's tables. (On SQLite the file is in this worker's own
    temporary folder already.)"""
    url = test_database_url(str(tmp_path_factory.mktemp("db")))
    worker = xdist_worker()
    if not (worker and is_postgres(url)):
        reset_schema(url)
        yield url
        return
    name = f"{make_url(url).database}_{worker}"
    own = create_database(url, name, throwaway=True)
    try:
        yield own
    finally:
        drop_database(url, name)


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    config.UPLOAD_DIR = str(tmp_path_factory.mktemp("uploads"))
    config.AUDIT_ANCHOR_DIR = str(tmp_path_factory.mktemp("audit-anchors"))
    app = create_app(config)
    app.test_client_class = IsolatedClient
    app.config_class_instance = config  # lets a test build a second app alike
    with app.app_context():
        upgrade(revision="heads")  # the schema comes from the migrations, as in production
    yield app
    with app.app_context():
        db.engine.dispose()  # the database can then be dropped without ending sessions


@pytest.fixture
def app(_app):
    with _app.app_context():
        # The test's own queries never hold SQLite's write lock while a request runs.
        set_write_intent(False)
        yield _app
        db.session.remove()
        with kept_guard.behind_the_services_back():
            empty_all_tables(db.engine, db.metadata)
        # The chain starts again in the next test: so do its anchors.
        shutil.rmtree(_app.config["AUDIT_ANCHOR_DIR"], ignore_errors=True)


@pytest.fixture(scope="session")
def seeded_demo(database_url, tmp_path_factory):
    """The living demo in its own database (tests/demo_database.py): under pytest-xdist a
    copy of the one the run seeds once, else seeded by this process."""
    copied = None
    if xdist_worker():
        run_folder = tmp_path_factory.getbasetemp().parent  # the xdist run's, its workers'
        copied = seeded_once(test_database_url(str(run_folder)), run_folder)
    with seeded_demo_app(database_url, tmp_path_factory.mktemp("demo"), IsolatedClient,
                         copied) as app:
        yield app


@pytest.fixture
def demo_app(seeded_demo):
    """The seeded demo's app, for a test that only reads the demo: its tables stay as they
    are after the test (unlike `app`'s), for the next test that reads them."""
    with seeded_demo.app_context():
        set_write_intent(False)
        yield seeded_demo
        db.session.remove()


@pytest.fixture
def on_postgres(database_url) -> bool:
    return is_postgres(database_url)


@pytest.fixture
def client(app):
    return app.test_client()


_counter = itertools.count(1)


@pytest.fixture
def make_org():
    def make(kind="alumni_society", country_code="TH", name=None, **fields) -> Organisation:
        org = Organisation(kind=kind, country_code=country_code,
                           name=name or f"Organisation {next(_counter)}", city="City", **fields)
        db.session.add(org)
        kept.catalogue_changed(db.session.connection())  # as workflow.people.accounts would
        db.session.commit()
        return org

    return make


def fund_of(code: str) -> Fund:
    """The fund of this code, made if the test has none yet (scene-setting)."""
    fund = db.session.scalar(select(Fund).where(Fund.code == code))
    if fund is None:
        fund = Fund(code=code, name=f"{code} fund", kind="grant" if code == "WNF" else "loan")
        db.session.add(fund)
        db.session.flush()
        kept.catalogue_changed(db.session.connection())  # as workflow.money.fund_records would
    return fund


def file_changed(application_id: int, connection=None) -> None:
    """Scene-setting: move what the service moves with a change of the file, its own
    revision and its stripe of the lists (the stripe after the audit chain's lock, as
    every writer takes them), in the transaction of the scene's write."""
    conn = connection if connection is not None else ensure_write_transaction(db.session)
    kept.file_changed(application_id, conn)
    kept.lists_changed(application_id, conn)


def scene_changed(*applications: Application, people: bool = False,
                  catalogue: bool = False) -> None:
    """Scene-setting written straight to the tables (a file put into a state, rows added to
    it): move the revisions the service would have moved with it, in the same transaction,
    so that no answer a worker keeps goes stale (tests/kept_guard.py)."""
    conn = db.session.connection()
    for application in applications:
        file_changed(application.id, conn)
    if people:
        kept.people_changed(conn)
    if catalogue:
        kept.catalogue_changed(conn)


def speaks(user: User, locale: str) -> None:
    """Scene-setting: the user's language, as their settings page saves it (the people's
    revision moved with it: whom a transition tells is kept with each person's language)."""
    user.locale = locale
    kept.people_changed(db.session.connection())


def seat(user: User, code: str, *seats: str) -> None:
    """Scene-setting: give the user these seats on the committee of the fund `code`."""
    from models import CommitteeSeat

    fund = fund_of(code)
    db.session.add_all(CommitteeSeat(user_id=user.id, fund_id=fund.id, seat=s) for s in seats)
    kept.people_changed(db.session.connection())  # as workflow.people.committees would
    db.session.commit()


def _seat_committee_roles(user: User, codes: tuple[str, ...]) -> None:
    """A committee role given to a test user seats them on these committees: a member's
    seat for committee_member; for committee_chair the chair's seat, or the deputy chair's
    when the chair's is taken (and none when both are)."""
    from models import CommitteeSeat

    if not user.has_role("committee_member", "committee_chair"):
        return
    for code in codes:
        fund = fund_of(code)
        seats = ["member"] if "committee_member" in user.roles else []
        if "committee_chair" in user.roles:
            taken = set(db.session.scalars(select(CommitteeSeat.seat).where(
                CommitteeSeat.fund_id == fund.id, CommitteeSeat.seat.in_(
                    ("chair", "deputy_chair")))))
            seats += [s for s in ("chair", "deputy_chair") if s not in taken][:1]
        db.session.add_all(CommitteeSeat(user_id=user.id, fund_id=fund.id, seat=s)
                           for s in seats)


@pytest.fixture
def make_user(make_org):
    def make(*roles: str, email=None, organisation=None, active=True, name=None,
             committees=("WNF", "SME"), locale="en") -> User:
        """committees: the committees a committee role seats the user on. locale: English
        unless a test says otherwise (None: not chosen, so the organisation's)."""
        n = next(_counter)
        if organisation is None and "applicant" in roles:
            organisation = make_org()
        user = User(email=email or f"user{n}@example.org", name=name or f"User {n}",
                    organisation=organisation, active=active, locale=locale)
        user.set_password(PASSWORD)
        user.set_roles(roles)
        db.session.add(user)
        db.session.flush()
        _seat_committee_roles(user, committees)
        kept.people_changed(db.session.connection())  # as workflow.people.accounts would
        db.session.commit()
        return user

    return make


def log_in(client, user: User, password: str = PASSWORD, **request_args):
    """Log the client in as the user, with a TOTP code when their roles require one
    (`request_args` go to both requests, e.g. environ_base for the client's address).

    Returns the last response: the redirect after a completed login, or the refusal.
    """
    from workflow.people.security import requires_second_factor

    needs_code = requires_second_factor(user)
    if needs_code:
        ready_for_a_code(user)
    response = client.post("/auth/login", data={"email": user.email, "password": password},
                           **request_args)
    if needs_code and response.headers.get("Location", "").startswith("/auth/two-factor"):
        response = client.post("/auth/two-factor", data={"code": totp_code(user)},
                               **request_args)
    return response


def ready_for_a_code(user: User) -> None:
    """Scene-setting: enrol the user with a fresh TOTP secret unless enrolled, and let the
    current 30-second step be used again (each code is accepted once per user)."""
    import pyotp

    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
    user.totp_last_step = None
    db.session.commit()


def totp_code(user: User, at=None) -> str:
    """The code the user's authenticator app shows now, or `at` (a Unix time or an aware
    datetime)."""
    import pyotp

    return pyotp.TOTP(user.totp_secret).at(at) if at else pyotp.TOTP(user.totp_secret).now()


def sign_in(client, user: User) -> None:
    """Scene-setting: give the client the session a completed login leaves (with the
    second factor when the user's roles require one), without the login itself: no attempt
    row, no audit event, no welcome message. For the tests that are not about logging in;
    those that are (or that see its traces) go through the form with `log_in`."""
    signed_in = signed_in_session(client.application, user, dict(client.environ_base))
    with client.session_transaction() as session:
        session.clear()
        session.update(signed_in)


def signed_in_session(app, user: User, environ_base: dict) -> dict:
    """The session a completed login leaves for the user, on a client with this address
    and browser (`environ_base`: REMOTE_ADDR, HTTP_USER_AGENT), which Flask-Login ties the
    session to (sign_in)."""
    import flask

    from webui.auth import session_policy
    from workflow.people.security import requires_second_factor

    needs_code = requires_second_factor(user)
    if needs_code:
        ready_for_a_code(user)  # enrolled, as logging in with a code would have them
    with app.test_request_context(environ_base=environ_base):
        session_policy.begin(user, remember=False, second_factor=needs_code)
        return dict(flask.session)


@pytest.fixture
def login_as(client, make_user):
    """Create a user with the roles, sign the client in as them (`sign_in`; through the
    login form with `through_the_form=True`) and return the user."""

    def login(*roles: str, through_the_form: bool = False, **kwargs) -> User:
        user = make_user(*roles, **kwargs)
        if not through_the_form:
            sign_in(client, user)
            return user
        response = log_in(client, user)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return login


@pytest.fixture
def make_fund():
    def make(code="WNF", kind=None) -> Fund:
        """The fund of this code (a committee member made earlier may have made it)."""
        kind = kind or ("grant" if code == "WNF" else "loan")
        fund = fund_of(code)
        if fund.kind != kind:
            fund.kind = kind
            kept.catalogue_changed(db.session.connection())
        db.session.commit()
        return fund

    return make


@pytest.fixture
def make_round():
    def make(fund, name=None, opens_on=None, closes_on=None, budget_yen=None,
             cap_yen=2_000_000, min_own_percent=20) -> Round:
        # A loan round lends in tens of millions: its budget binds approvals too.
        if budget_yen is None:
            budget_yen = 10_000_000 if fund.kind == "grant" else 1_000_000_000
        today = date.today()
        round_ = Round(fund=fund, name=name or f"Round {next(_counter)}",
                       opens_on=opens_on or today - timedelta(days=30),
                       closes_on=closes_on or today + timedelta(days=60),
                       budget_yen=budget_yen, cap_yen=cap_yen, min_own_percent=min_own_percent)
        db.session.add(round_)
        kept.catalogue_changed(db.session.connection())  # as workflow.money.fund_records would
        db.session.commit()
        return round_

    return make


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def once_key(html: str | None = None) -> dict[str, str]:
    """The one-time key a form that creates something is sent with (webui.once): the one in
    the page given, else a fresh one, as a form shown anew would carry."""
    from workflow.engine.idempotency import new_key

    if html is None:
        return {"idempotency_key": new_key()}
    match = re.search(r'name="idempotency_key"[^>]*value="([^"]+)"', html)
    assert match, "no one-time key in the page"
    return {"idempotency_key": match.group(1)}


@pytest.fixture
def make_application(make_fund, make_round, make_org, make_user):
    """A new application of `kind` put straight into `state` (setting the scene only); a
    state past draft (or `submitted=True`) has it submitted, as the workflow would."""
    from models import write_intent
    from workflow.files.applications import create_application

    funds: dict[str, Fund] = {}

    def make(kind="grant", state=None, organisation=None, requested_yen=1_000_000,
             title="Training course on quality control", round_=None,
             submitted=None) -> Application:
        code = "WNF" if kind == "grant" else "SME"
        fund = funds.get(code) or db.session.scalar(select(Fund).where(Fund.code == code))
        if fund is None:
            fund = make_fund(code)
        funds[code] = fund
        if round_ is None:
            round_ = db.session.scalar(select(Round).where(Round.fund_id == fund.id)) or (
                make_round(fund))
        organisation = organisation or make_org(kind="company" if kind == "loan"
                                                else "alumni_society")
        db.session.commit()
        with write_intent(True):
            application = create_application(fund=fund, organisation=organisation,
                                             title=title, actor=None, round_=round_,
                                             requested_yen=requested_yen)
            if state is not None:
                application.state = state
            if submitted if submitted is not None else state not in (None, "draft"):
                application.submitted_at = application.created_at
            db.session.commit()
        return application

    return make


def fire(application, trigger, actor, **inputs):
    """Fire through the service in a write transaction of its own, as a request would."""
    from models import write_intent
    from workflow.engine import service

    db.session.commit()
    with write_intent(True):
        try:
            result = service.fire(application, trigger, actor, **inputs)
        except Exception:
            db.session.rollback()
            raise
        db.session.commit()
    return result
