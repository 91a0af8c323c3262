"""Everything that locks a fund row, racing on the same fund: served in turn, never deadlocked.

On PostgreSQL, inserting a row that refers to the fund (a donation) or updating a row
written earlier in the same transaction (the approved application) takes a KEY SHARE lock
on the fund row; taking FOR UPDATE after it lets two transactions deadlock, each waiting to
upgrade. The fund row must be locked before such writes.
"""

from datetime import date

from models import Application, Fund, User, db, write_intent
from workflow.committee import ballots, decision
from workflow.engine import service
from workflow.money import ledger
from workflow.money.donations import record_donation

from .racing import race
from .scenes import give_cash

RACERS = 10


def _donate(fund_id: int, user_id: int, n: int) -> int:
    today = date.today()
    donation = record_donation(
        db.session.get(Fund, fund_id), donor_kind="person", donor_name=f"Donor {n}",
        donor_organisation=None, received_on=today, amount_yen=1_000 * (n + 1), note="",
        actor=db.session.get(User, user_id), today=today)
    return donation.amount_yen


def _approve(application_id: int, chair_id: int) -> str:
    application = db.session.get(Application, application_id)
    service.fire(application, "decide", db.session.get(User, chair_id))
    return application.state


def test_donations_to_one_fund_at_the_same_instant_are_all_booked(
        app, database_url, make_fund, make_user):
    fund, officer = make_fund("WNF"), make_user("finance_officer")
    db.session.commit()

    outcomes = race(database_url, _donate, [(fund.id, officer.id, n) for n in range(RACERS)])

    assert [kind for kind, _ in outcomes] == ["ok"] * RACERS, outcomes
    db.session.rollback()
    expected = sum(1_000 * (n + 1) for n in range(RACERS))
    assert ledger.balances(db.session.get(Fund, fund.id)).cash == expected


def test_approvals_in_one_fund_at_the_same_instant_stop_at_the_cash(
        app, database_url, make_application, make_user):
    files = [make_application("grant", state="committee_review", requested_yen=1_000_000)
             for _ in range(RACERS)]
    voter, chair = make_user("committee_member"), make_user("committee_chair")
    with write_intent(True):
        for application in files:
            decision.open_ballot(application, None)
            ballots.cast_vote(application, voter, "approve")
        db.session.commit()
    give_cash(files[0].fund, 4_000_000)

    outcomes = race(database_url, _approve, [(a.id, chair.id) for a in files])

    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["ok"] * 4 + ["refused"] * (RACERS - 4), outcomes
    db.session.rollback()
    balances = ledger.balances(db.session.get(Fund, files[0].fund_id))
    assert (balances.cash, balances.committed, balances.available) == (4_000_000,) * 2 + (0,)
