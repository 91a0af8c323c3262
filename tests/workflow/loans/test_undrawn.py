"""Cancelling the undrawn part of a loan: one finance officer proposes, another confirms, and
the reservation goes back to the fund; no tranche may draw what was cancelled."""

import re
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from models import Application, LedgerEntry, Tranche, UndrawnCancellation, User, db
from tests.concurrency.racing import race
from workflow.engine import service
from workflow.engine.errors import DomainError, TransitionRefused
from workflow.loans import undrawn
from workflow.money import ledger, tranches

from .conftest import act, owed_on, repay
from .test_lifecycle import current

RELEASED = date(2024, 1, 15)


@pytest.fixture
def drawn(make_loan, release):
    """¥1,000,000 approved, ¥400,000 released on 15 January 2024: ¥600,000 undrawn."""
    loan = make_loan("contracted")
    release(loan, amount=400_000, on=RELEASED)
    return current(loan)


def _available(loan) -> int:
    db.session.expire_all()
    return ledger.balances(current(loan).fund).available


def test_a_confirmed_cancellation_gives_the_reservation_back(drawn, people):
    before = _available(drawn)
    proposal = act(undrawn.propose_cancellation, drawn, people.finance, 250_000,
                   "The second line of the plant was dropped.")
    assert _available(drawn) == before  # a proposal alone changes no money
    with pytest.raises(TransitionRefused, match="another finance officer must confirm"):
        act(undrawn.confirm_cancellation, drawn, proposal.id, people.finance)
    act(undrawn.confirm_cancellation, current(drawn), proposal.id, people.finance2,
        today=date(2024, 2, 1))
    assert _available(drawn) == before + 250_000
    entry = db.session.scalar(select(LedgerEntry).where(
        LedgerEntry.kind == "commitment_release"))
    assert (entry.amount_yen, entry.booked_on, entry.actor_id) == (
        250_000, date(2024, 2, 1), people.finance2.id)
    money = undrawn.undrawn_of(current(drawn))
    assert (money.released, money.cancelled, money.undrawn) == (400_000, 250_000, 350_000)
    # A tranche may take what is left, and not a yen more.
    with pytest.raises(DomainError, match=r"At most ¥350,000 can still be requested: "
                                          r"approved ¥1,000,000, cancelled ¥250,000"):
        act(tranches.request_tranche, current(drawn), 350_001, people.finance)
    act(tranches.request_tranche, current(drawn), 350_000, people.finance)


def test_a_pending_tranche_request_cannot_draw_cancelled_money(drawn, people):
    proposal = act(undrawn.propose_cancellation, drawn, people.finance, 600_000,
                   "The project is finished under budget.")
    tranche = act(tranches.request_tranche, current(drawn), 100_000, people.finance2)
    with pytest.raises(TransitionRefused, match=(
            r"The cancellation of ¥600,000 cannot be confirmed now\. At most ¥500,000 can be "
            r"cancelled: ¥600,000 of the loan is undrawn, and tranche requests await "
            r"authorisation for ¥100,000\.")):
        act(undrawn.confirm_cancellation, current(drawn), proposal.id, people.finance2)
    act(undrawn.withdraw_cancellation, current(drawn), proposal.id, people.finance2)
    smaller = act(undrawn.propose_cancellation, current(drawn), people.finance, 500_000,
                  "The rest of the project is finished under budget.")
    act(undrawn.confirm_cancellation, current(drawn), smaller.id, people.finance2,
        today=date(2024, 2, 1))
    act(service.fire, current(drawn), "release_tranche", people.finance,
        tranche_id=tranche.id, today=date(2024, 2, 1))
    money = undrawn.undrawn_of(current(drawn))
    assert (money.released, money.cancelled, money.undrawn) == (500_000, 500_000, 0)
    assert ledger.outstanding_commitment(current(drawn)) == 0


@pytest.mark.parametrize("amount, message", [
    (600_001, "At most ¥600,000 can be cancelled: ¥600,000 of the loan is undrawn."),
    (0, "Enter the amount to cancel as a positive whole number of yen."),
])
def test_a_proposal_beyond_the_undrawn_part_is_refused(drawn, people, amount, message):
    with pytest.raises(DomainError, match=re.escape(message)) as refused:
        act(undrawn.propose_cancellation, drawn, people.finance, amount, "Too much.")
    assert refused.value.field == "amount_yen"
    assert db.session.scalar(select(func.count()).select_from(UndrawnCancellation)) == 0


def test_before_any_release_the_whole_loan_is_the_files_cancel(make_loan, people):
    loan = make_loan("contracted")
    with pytest.raises(DomainError, match="Nothing has been drawn yet: to give up the whole "
                                          "loan, cancel the file instead"):
        act(undrawn.propose_cancellation, loan, people.finance, 1_000_000, "All of it.")
    act(undrawn.propose_cancellation, current(loan), people.finance, 999_999, "Most of it.")


def test_paying_off_early_gives_back_the_undrawn_part(drawn, people):
    tranche = act(tranches.request_tranche, drawn, 100_000, people.finance)
    act(undrawn.propose_cancellation, current(drawn), people.finance, 200_000, "Smaller.")
    day = date(2024, 2, 1)
    repay(drawn, people.finance2, owed_on(drawn, day), day)
    loan = current(drawn)
    assert loan.state == "repaid"
    assert ledger.outstanding_commitment(loan) == 0
    released = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.kind == "commitment_release")).one()
    assert (released.amount_yen, released.booked_on) == (600_000, day)
    assert db.session.get(Tranche, tranche.id).state == "cancelled"
    assert undrawn.proposal_of(loan) is None


def _page(client, loan):
    return client.get(f"/applications/{loan.id}").get_data(as_text=True)


def test_the_panel_takes_each_officer_through_the_four_eyes(drawn, people, client_for):
    first, second = client_for(people.finance), client_for(people.finance2)
    page = _page(first, drawn)
    assert 'id="loan-undrawn-cancellation"' in page
    key = re.search(r'name="undrawn-idempotency_key"[^>]*value="([^"]+)"', page).group(1)
    form = {"undrawn-idempotency_key": key, "undrawn-amount_yen": "150,000",
            "undrawn-reason": "The warehouse is rented instead of built."}
    url = f"/loans/{drawn.id}/undrawn/cancel"
    assert first.post(url, data=form).status_code == 302
    assert "This request was already received." in first.get(
        first.post(url, data=form).location).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(UndrawnCancellation)) == 1
    assert "You proposed it; another finance officer must confirm it." in _page(first, drawn)
    assert _page(client_for(people.applicant), drawn).count("loan-cancellation-decision") == 0

    page = _page(second, drawn)
    confirm = re.search(r'<form method="post" action="(/loans/\d+/undrawn/\d+/confirm)">'
                        r'.*?name="decision-idempotency_key"[^>]*value="([^"]+)"', page,
                        re.S)
    response = second.post(confirm.group(1),
                           data={"decision-idempotency_key": confirm.group(2)})
    assert response.status_code == 302
    page = _page(second, drawn)
    assert 'data-figure="cancelled">¥150,000<' in page
    assert 'data-figure="undrawn">¥450,000<' in page
    assert "Part of the undrawn amount cancelled, proposed by Fujita and confirmed" in page
    assert "Tranche 1 released" in page


def _dispatch(kind, application_id, user_id, value):
    application = db.session.get(Application, application_id)
    user = db.session.get(User, user_id)
    if kind == "confirm":
        undrawn.confirm_cancellation(application, value, user, today=date(2024, 2, 1))
        return "confirmed"
    tranches.request_tranche(application, value, user)
    return "requested"


def test_tranche_requests_racing_a_cancellation_never_take_the_same_yen(
        drawn, people, database_url):
    proposal = act(undrawn.propose_cancellation, drawn, people.finance, 600_000, "All left.")
    db.session.commit()
    jobs = [("confirm", drawn.id, people.finance2.id, proposal.id)] + [
        ("request", drawn.id, people.finance.id, 600_000) for _ in range(4)]
    outcomes = race(database_url, _dispatch, jobs)
    assert not [detail for kind, detail in outcomes if kind == "error"]
    succeeded = Counter(detail for kind, detail in outcomes if kind == "ok")
    assert sum(succeeded.values()) == 1  # the cancellation, or one request: never both
    db.session.rollback()
    money = undrawn.undrawn_of(current(drawn))
    assert money.released + money.pending_tranches + money.cancelled == 1_000_000


def test_a_write_off_gives_back_the_undrawn_part(drawn, people, app):
    from workflow.loans import arrears

    act(arrears.mark_arrears, date(2024, 4, 20))
    act(arrears.request_write_off, current(drawn), people.finance, "Insolvent.")
    act(service.fire, current(drawn), "write_off", people.chair, today=date(2024, 5, 1))
    loan = current(drawn)
    assert (loan.state, ledger.outstanding_commitment(loan)) == ("written_off", 0)
    entries = {e.kind: e.amount_yen for e in db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.kind.in_(("write_off", "commitment_release"))))}
    assert entries == {"write_off": 400_000, "commitment_release": 600_000}


def test_cancelling_the_file_withdraws_a_pending_proposal(make_loan, people):
    loan = make_loan("contracted")
    proposal = act(undrawn.propose_cancellation, loan, people.finance, 300_000, "Smaller.")
    act(service.fire, current(loan), "cancel", people.secretariat, reason="Withdrawn.")
    assert db.session.get(UndrawnCancellation, proposal.id).state == "withdrawn"
    assert ledger.outstanding_commitment(current(loan)) == 0
