"""A donation form sent twenty times at the same instant, through the served app (gunicorn
workers on the suite's database): one donation, one ledger entry, and every other answer
lands on the fund page saying it was booked once."""

from datetime import date

from sqlalchemy import func, select

from models import Donation, LedgerEntry, db
from workflow.engine import audit
from workflow.money import ledger

from .scenes import independent_sums
from .web_client import at_once, tally

CLICKS = 20


def test_a_donation_form_sent_twenty_times_at_once_is_booked_once(web, database_url, make_fund,
                                                                   make_user):
    fund = make_fund("WNF")
    (browser,) = web.logged_in([make_user("secretariat")])
    action = f"/funds/{fund.code}"
    form = browser.form(action, action)
    assert form["idempotency_key"] and form["csrf_token"]
    sent = {**form, "donor_kind": "person", "donor_organisation_id": "0",
            "donor_name": "Ms Tanaka", "received_on": date.today().isoformat(),
            "amount_yen": "1,000,000", "note": "Double-clicked"}

    answers = at_once([lambda: browser.post(action, sent, keep_cookies=False)] * CLICKS)

    figures = tally("one donation form sent 20 times", answers)
    assert figures.errors == 0 and web.new_errors() == [], figures.messages
    assert set(figures.statuses) == {302}
    assert {a.location for a in answers} == {action}
    assert figures.successes == 1
    assert figures.messages["Recorded ¥1,000,000 from Ms Tanaka."] == 1
    assert figures.refusal_messages(answers) == {
        "This donation was already recorded: it is booked once."}
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Donation)) == 1
    booked = db.session.scalars(select(LedgerEntry.amount_yen).where(
        LedgerEntry.kind == "donation")).all()
    assert booked == [1_000_000]
    assert independent_sums(database_url, fund.id) == {"donation": 1_000_000}
    assert ledger.balances(fund).cash == 1_000_000
    assert audit.verify().ok
