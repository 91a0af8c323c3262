"""Scale-out (issue #9): two app hosts over one PostgreSQL behave as one.

Two gunicorn processes on two ports (2 workers each) share the database, the SECRET_KEY
and the upload folder, and nothing else. The same users log in on one host and act on the
other (their sessions are signed cookies, valid on both), then race to authorise the same
tranche through both hosts at once: one release, everyone else told why, no 5xx anywhere.
PostgreSQL only by design: several hosts cannot share one SQLite file.
"""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from models import LedgerEntry, Tranche, db
from tests.concurrency.scenes import (
    approve_with_commitment,
    give_cash,
    with_totp,
)
from tests.concurrency.serving import served_hosts
from tests.concurrency.web_client import (
    Click,
    FlashReader,
    WebSession,
    in_parallel,
    race_forms,
    tally,
)
from tests.conftest import PASSWORD
from tests.database import is_postgres

pytestmark = pytest.mark.concurrency

AUTHORISERS, CLICKS_EACH, AMOUNT = 6, 4, 200_000


@pytest.fixture
def two_hosts(_app, app, database_url, tmp_path):
    """Two gunicorn instances of the app, each with 2 workers, over the one test database."""
    if not is_postgres(database_url):
        pytest.skip("scale-out runs several hosts over one PostgreSQL: SQLite is one file on "
                    "one host, so this test is PostgreSQL-only by design")
    key = _app.config["SECRET_KEY"]
    # One run folder: the hosts share UPLOAD_DIR, as docs/deploy.md asks of real hosts.
    with served_hosts(database_url, secret_key=key, run_dir=tmp_path, hosts=2,
                      workers=2) as (first, second):
        yield first, second


def _signed_in_on(browser: WebSession, host: str) -> bool:
    page = browser.get("/finance/", base_url=host, keep_cookies=False)
    return page.status == 200


def test_two_hosts_one_database_sessions_valid_on_both_and_one_release(
        app, two_hosts, make_application, make_user):
    first, second = (server.url for server in two_hosts)
    hosts = (first, second)
    application = make_application("grant", requested_yen=1_000_000)
    give_cash(application.fund, 3_000_000)
    approve_with_commitment(application, 1_000_000)
    requester, *authorisers = [make_user("finance_officer") for _ in range(1 + AUTHORISERS)]
    secrets = {u.id: with_totp(u) for u in [requester, *authorisers]}
    reader = FlashReader(app.config["SECRET_KEY"])
    page = f"/applications/{application.id}"

    # The requester logs in on the first host and requests a tranche on the second.
    desk = WebSession(first, reader)
    desk.log_in(requester.email, PASSWORD, secrets[requester.id])
    action = f"/finance/applications/{application.id}/tranches"
    form = desk.form(page, action, base_url=second)
    answer = desk.post(action, {**form, "amount_yen": str(AMOUNT)}, base_url=second)
    assert answer.status == 302 and answer.flashes[0][0] == "success", answer.flashes
    tranche = db.session.scalars(select(Tranche).where(
        Tranche.application_id == application.id)).one()
    assert 'data-tranche="1"' in desk.get(page, base_url=first).text

    # The authorisers log in on alternate hosts; each session works on both.
    browsers = [WebSession(hosts[n % 2], reader) for n in range(AUTHORISERS)]
    people = [(u.email, secrets[u.id]) for u in authorisers]  # read here: threads have no app
    in_parallel([lambda b=b, p=p: b.log_in(p[0], PASSWORD, p[1])
                 for b, p in zip(browsers, people, strict=True)])
    assert all(_signed_in_on(b, host) for b in [desk, *browsers] for host in hosts)

    # Each click: the form from the host the browser logged in on, sent to the other one.
    authorise = f"/finance/tranches/{tranche.id}/authorise"
    clicks = [Click(b, page, authorise, send_host=second if b.base_url == first else first)
              for b in browsers for _ in range(CLICKS_EACH)]
    answers = race_forms(clicks)
    targets = [c.send_host for c in clicks]

    figures = tally("one release raced through two hosts", answers)
    print(f"    requests per host: {dict(Counter(targets))}")
    assert figures.errors == 0, figures.messages
    assert set(figures.statuses) == {302}
    assert (figures.successes, figures.refusals) == (1, AUTHORISERS * CLICKS_EACH - 1)
    assert figures.refusal_messages(answers) == {"This tranche was already released."}
    db.session.rollback()
    assert db.session.get(Tranche, tranche.id).state == "released"
    payouts = db.session.scalars(select(LedgerEntry.amount_yen).where(
        LedgerEntry.kind == "disbursement", LedgerEntry.tranche_id == tranche.id)).all()
    assert payouts == [AMOUNT]

    # Logging out on one host ends every copy of that session on the other (token rotated).
    leaver = browsers[0]
    copy = WebSession(first, reader)
    copy.cookies = dict(leaver.cookies)
    logout = leaver.form("/finance/", "/auth/logout", base_url=second)
    assert leaver.post("/auth/logout", logout, base_url=second).status == 302
    assert not _signed_in_on(copy, first)
    assert _signed_in_on(browsers[1], first) and _signed_in_on(browsers[1], second)
    assert [line for host in two_hosts for line in host.errors_logged()] == []
