"""Writing off a loan in arrears: finance requests, another person (the chair) approves."""

from datetime import date

import pytest
from sqlalchemy import select

from models import AuditEvent, LedgerEntry, db
from workflow.engine import service
from workflow.engine.errors import DomainError, TransitionRefused
from workflow.loans import arrears, repayments
from workflow.money import ledger

from .conftest import act, repay
from .test_lifecycle import current


@pytest.fixture
def late_loan(app, active_loan, people):
    """The active_loan, ¥25,000 repaid on 1 March 2024, then in arrears: instalment 1's
    ¥10,000 of interest, 15 of the 29 days of instalment 2's period on ¥1,000,000 (5,172),
    and ¥9,828 of principal paid early."""
    loan = active_loan()
    repay(loan, people.finance, 25_000, date(2024, 3, 1))
    act(arrears.mark_arrears, date(2024, 4, 20))
    assert current(loan).state == "in_arrears"
    return loan


def _approve(client, loan, comment=""):
    return client.post(f"/loans/{loan.id}/write-off", data={
        "writeoff-version": str(current(loan).version), "writeoff-comment": comment})


def test_finance_requests_and_the_chair_writes_off_the_principal(late_loan, people,
                                                                 client_for):
    finance = client_for(people.finance)
    response = finance.post(f"/loans/{late_loan.id}/write-off/request",
                            data={"writeoff_request-reason": "The company is insolvent."})
    assert response.status_code == 302
    details = current(late_loan).loan
    assert (details.write_off_requested_by_id, details.write_off_reason) == (
        people.finance.id, "The company is insolvent.")
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "write_off_requested")).actor_id == people.finance.id

    assert _approve(client_for(people.chair), late_loan, "Approved at the June meeting.") \
        .status_code == 302
    assert current(late_loan).state == "written_off"
    entry = db.session.scalar(select(LedgerEntry).where(LedgerEntry.kind == "write_off"))
    assert (entry.amount_yen, entry.actor_id) == (1_000_000 - 9_828, people.chair.id)
    assert ledger.balances(current(late_loan).fund).loans_outstanding == 0


def test_the_chair_cannot_write_off_without_a_request(late_loan, people, client_for):
    response = _approve(client_for(people.chair), late_loan)
    assert "A finance officer must request the write-off before the chair approves it." in (
        response.get_data(as_text=True))
    assert current(late_loan).state == "in_arrears"


def test_the_requester_cannot_approve_their_own_request(late_loan, people, make_user):
    both = make_user("finance_officer", "committee_chair", name="Two Hats")
    act(arrears.request_write_off, current(late_loan), both, "Insolvent.")
    with pytest.raises(TransitionRefused, match="someone else must approve it"):
        act(service.fire, current(late_loan), "write_off", both)
    assert "write_off" not in {a.trigger for a in service.available_actions(
        current(late_loan), both)}
    act(service.fire, current(late_loan), "write_off", people.chair)
    assert current(late_loan).state == "written_off"


@pytest.mark.parametrize("case, message", [
    ("empty reason", "Give the reason for the write-off."),
    ("twice", "already requested the write-off"),
    ("not finance", "Only finance officers may request a write-off."),
    ("not in arrears", "A write-off can be requested only for a loan in arrears."),
])
def test_a_write_off_request_is_refused_when_it_makes_no_sense(late_loan, active_loan,
                                                               people, case, message):
    loan, actor, reason = late_loan, people.finance, "Insolvent."
    if case == "empty reason":
        reason = "  "
    elif case == "twice":
        act(arrears.request_write_off, current(loan), people.finance2, "First.")
    elif case == "not finance":
        actor = people.secretariat
    else:
        loan = active_loan()
    before = current(loan).loan.write_off_reason
    with pytest.raises(DomainError, match=message):
        act(arrears.request_write_off, current(loan), actor, reason)
    assert current(loan).loan.write_off_reason == before


def test_a_cure_withdraws_a_pending_request(late_loan, people):
    act(arrears.request_write_off, current(late_loan), people.finance, "Insolvent.")
    due = repayments.position_of(current(late_loan), date(2024, 4, 21)).due
    repay(late_loan, people.finance, due, date(2024, 4, 21))  # everything fallen due
    loan = current(late_loan)
    assert (loan.state, loan.loan.write_off_requested_by_id) == ("active", None)


def test_the_panel_offers_each_person_their_write_off_step(late_loan, people, client_for):
    def forms_seen(user):
        page = client_for(user).get(f"/applications/{late_loan.id}").get_data(as_text=True)
        return {name for name in ("loan-write-off-request", "loan-write-off", "loan-repayment")
                if f'id="{name}"' in page}, page

    assert forms_seen(people.finance)[0] == {"loan-write-off-request", "loan-repayment"}
    seen, page = forms_seen(people.chair)
    assert seen == {"loan-write-off"} and "must request the write-off" in page
    assert forms_seen(people.applicant)[0] == set()
    act(arrears.request_write_off, current(late_loan), people.finance, "Insolvent.")
    assert forms_seen(people.finance)[0] == {"loan-repayment"}
    seen, page = forms_seen(people.chair)
    assert seen == {"loan-write-off"} and 'name="writeoff-comment"' in page
