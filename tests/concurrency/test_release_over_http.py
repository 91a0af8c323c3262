"""Tranches through the served app: one release for 100 clicks, one tranche for one key.

gunicorn serves the app on the suite's database; finance officers log in with their
password and TOTP code, open the application page and send its real forms (CSRF on).
"""

from sqlalchemy import func, select

from models import AuditEvent, LedgerEntry, Tranche, db
from workflow.engine import audit
from workflow.money import ledger

from .scenes import (
    approve_with_commitment,
    cash_and_committed,
    give_cash,
    independent_sums,
    request_tranche,
    with_totp,
)
from .web_client import Click, at_once, race_forms, tally

CASH, APPROVED, TRANCHE = 5_000_000, 1_000_000, 400_000
AUTHORISERS, CLICKS_EACH = 5, 20  # 100 authorisations of the same tranche


def _officers(make_user, count):
    officers = [make_user("finance_officer") for _ in range(count)]
    return officers, {o.id: with_totp(o) for o in officers}


def _approved_application(make_application):
    application = make_application("grant", requested_yen=APPROVED)
    give_cash(application.fund, CASH)
    return approve_with_commitment(application, APPROVED)


def test_a_hundred_authorisations_of_one_tranche_release_it_once(
        web, database_url, make_application, make_user):
    application = _approved_application(make_application)
    (requester, *authorisers), secrets = _officers(make_user, 1 + AUTHORISERS)
    tranche = request_tranche(application, TRANCHE, requester)
    fund_id, page = application.fund_id, f"/applications/{application.id}"
    action = f"/finance/tranches/{tranche.id}/authorise"
    browsers = web.logged_in(authorisers, secrets)

    # Each click comes from its own page load (its own one-time key), as from a browser tab.
    answers = race_forms([Click(b, page, action) for b in browsers for _ in range(CLICKS_EACH)])

    figures = tally("100 authorisations of one tranche", answers)
    assert figures.errors == 0 and web.new_errors() == [], figures.messages
    assert set(figures.statuses) == {302}
    assert figures.successes == 1
    assert figures.refusals == 99
    assert figures.refusal_messages(answers) == {"This tranche was already released."}
    db.session.rollback()
    assert db.session.get(Tranche, tranche.id).state == "released"
    payouts = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.kind == "disbursement", LedgerEntry.tranche_id == tranche.id)).all()
    assert [p.amount_yen for p in payouts] == [TRANCHE]
    releases = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "release_tranche", AuditEvent.object_id == application.id))
    assert releases == 1
    sums = independent_sums(database_url, fund_id)
    cash, committed = cash_and_committed(sums)
    balances = ledger.balances(application.fund)
    print(f"    cash ¥{cash:,} (ledger.balances ¥{balances.cash:,}), committed ¥{committed:,}, "
          f"available ¥{cash - committed:,}")
    assert (cash, committed) == (CASH - TRANCHE, APPROVED - TRANCHE)
    assert (balances.cash, balances.committed) == (cash, committed)
    assert audit.verify().ok


def test_one_key_sent_twenty_times_at_once_requests_one_tranche(
        web, make_application, make_user):
    application = _approved_application(make_application)
    officers, secrets = _officers(make_user, 1)
    (browser,) = web.logged_in(officers, secrets)
    action = f"/finance/applications/{application.id}/tranches"
    form = browser.form(f"/applications/{application.id}", action)
    assert form["idempotency_key"] and form["csrf_token"]
    sent = {**form, "amount_yen": "250,000", "note": "First instalment"}

    answers = at_once([lambda: browser.post(action, sent, keep_cookies=False)] * 20)

    figures = tally("one idempotency key sent 20 times", answers)
    assert figures.errors == 0 and web.new_errors() == [], figures.messages
    assert set(figures.statuses) == {302}
    assert figures.successes == 1
    assert figures.messages["Tranche 1 of ¥250,000 requested; another finance officer must "
                            "authorise it."] == 1
    assert figures.refusal_messages(answers) == {"This request was already received."}
    db.session.rollback()
    requested = db.session.scalars(select(Tranche).where(
        Tranche.application_id == application.id)).all()
    assert [(t.number, t.amount_yen, t.state) for t in requested] == [(1, 250_000, "requested")]


def test_the_served_app_checks_csrf_as_in_production(web, make_application, make_user):
    """The races above send real forms: a form without its CSRF token is refused."""
    application = _approved_application(make_application)
    (requester, authoriser), secrets = _officers(make_user, 2)
    tranche = request_tranche(application, TRANCHE, requester)
    (browser,) = web.logged_in([authoriser], secrets)
    action = f"/finance/tranches/{tranche.id}/authorise"
    form = browser.form(f"/applications/{application.id}", action)

    forged = browser.post(action, {k: v for k, v in form.items() if k != "csrf_token"})

    assert forged.status == 400
    assert "The form has expired or was not sent from this site." in forged.text
    db.session.rollback()
    assert db.session.get(Tranche, tranche.id).state == "requested"
