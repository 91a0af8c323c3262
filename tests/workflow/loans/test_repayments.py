"""The schedule drawn at the first release, and the repayments finance records."""

import json
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from models import AuditEvent, Instalment, LedgerEntry, Repayment, db
from workflow.engine.errors import TransitionRefused

from .conftest import repay
from .test_lifecycle import EXPECTED, current, repayment_form

RELEASED = date(2024, 1, 15)


def _instalments(loan):
    return db.session.scalars(select(Instalment).where(Instalment.application_id == loan.id)
                              .order_by(Instalment.number)).all()


def test_the_first_release_draws_the_schedule_from_the_approved_terms(active_loan):
    loan = active_loan()
    rows = _instalments(loan)
    assert [(i.number, i.interest_yen, i.principal_yen, i.balance_after_yen)
            for i in rows] == EXPECTED
    assert [i.due_on for i in rows] == [date(2024, 2, 15), date(2024, 3, 15),
                                        date(2024, 4, 15), date(2024, 5, 15)]
    assert current(loan).loan.first_release_on == RELEASED
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "release_tranche"))
    assert event.data["schedule"]["after"]["interest_yen"] == 30_067
    assert (event.data["schedule"]["reason"], event.data["schedule"]["before"]) == (
        "first release", None)


def test_equal_principal_splits_the_principal_evenly(active_loan):
    # ¥1,200,000 at 6 % (0.5 % a month), 3 months: ¥400,000 of principal each month.
    loan = active_loan(amount=1_200_000, rate="6", term=3, grace=0, method="equal_principal")
    assert [(i.interest_yen, i.principal_yen) for i in _instalments(loan)] == [
        (6_000, 400_000), (4_000, 400_000), (2_000, 400_000)]


def test_a_later_tranche_keeps_the_schedule(make_loan, release):
    loan = make_loan("contracted")
    release(loan, amount=600_000, on=RELEASED)
    first = [(i.id, i.due_on) for i in _instalments(loan)]
    release(current(loan), amount=400_000, on=date(2024, 2, 1))
    assert [(i.id, i.due_on) for i in _instalments(loan)] == first
    assert current(loan).loan.first_release_on == RELEASED


@pytest.mark.parametrize("amount, on, today, message", [
    (1, date(2024, 1, 14), date(2024, 2, 1),
     "is before the first release on 15 January 2024"),
    (1, date(2024, 2, 2), date(2024, 2, 1), "is in the future"),
    (0, date(2024, 2, 1), date(2024, 2, 1), "The amount received must be at least ¥1."),
    # On 1 February: the principal and 17 of the 31 days' interest (10,000 × 17/31 → 5,484).
    (1_005_485, date(2024, 2, 1), date(2024, 2, 1),
     "¥1,005,485 is more than the ¥1,005,484 outstanding on this loan on 01 February 2024"),
])
def test_a_bad_repayment_is_refused_and_changes_nothing(active_loan, people, amount, on,
                                                        today, message):
    loan = active_loan()
    with pytest.raises(TransitionRefused, match=message):
        repay(loan, people.finance, amount, on, today=today)
    assert db.session.scalar(select(func.count()).select_from(Repayment)) == 0
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry).where(
        LedgerEntry.kind.like("repayment%"))) == 0
    assert all(i.paid_interest_yen == i.paid_principal_yen == 0 for i in _instalments(loan))


def test_no_repayment_before_any_release(make_loan, people):
    loan = make_loan("contracted")
    with pytest.raises(TransitionRefused):  # not active: no repayment at all
        repay(loan, people.finance, 1_000, date(2024, 2, 1))
    loan = make_loan("active")  # active, yet no schedule: put there by hand
    with pytest.raises(TransitionRefused, match="No money has been released"):
        repay(loan, people.finance, 1_000, date(2024, 2, 1))


def test_the_same_bank_reference_is_not_recorded_twice(active_loan, people):
    loan = active_loan()
    repay(loan, people.finance, 10_000, date(2024, 2, 15), reference="MUFG-77")
    with pytest.raises(TransitionRefused, match="MUFG-77 was already recorded on 15 February"):
        repay(loan, people.finance, 10_000, date(2024, 2, 16), reference="MUFG-77")


def test_interest_and_principal_go_to_the_ledger_on_the_day_received(active_loan, people):
    loan = active_loan()
    repay(loan, people.finance, 25_000, date(2024, 3, 1))
    entries = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.kind.like("repayment%")).order_by(LedgerEntry.kind)).all()
    # Instalment 1's ¥10,000 of interest, then 15 of the 29 days of instalment 2's period
    # (10,000 × 15/29 → 5,172), then principal paid early.
    assert [(e.kind, e.amount_yen, e.booked_on) for e in entries] == [
        ("repayment_interest", 15_172, date(2024, 3, 1)),
        ("repayment_principal", 9_828, date(2024, 3, 1))]
    assert {e.repayment_id for e in entries} == {db.session.scalar(select(Repayment.id))}
    assert current(loan).state == "active"


def test_paying_everything_at_once_repays_the_loan(active_loan, people):
    loan = active_loan()
    repay(loan, people.finance, 1_005_484, date(2024, 2, 1))
    loan = current(loan)
    assert loan.state == "repaid"
    assert all(i.due_yen == 0 and i.paid_on == date(2024, 2, 1) for i in _instalments(loan))


def test_the_same_form_sent_twice_records_once(active_loan, people, client_for):
    loan = active_loan()
    finance = client_for(people.finance)
    data = repayment_form(finance, loan, "10,000", date(2024, 2, 15), "MUFG-9")
    assert finance.post(f"/loans/{loan.id}/repayments", data=data).status_code == 302
    assert finance.post(f"/loans/{loan.id}/repayments", data=data).status_code == 302
    assert "This request was already received." in finance.get("/loans/").get_data(
        as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Repayment)) == 1


@pytest.mark.parametrize("role", ["secretariat", "applicant", "committee_chair"])
def test_only_finance_records_repayments(active_loan, people, role):
    loan = active_loan()
    actor = {"secretariat": people.secretariat, "applicant": people.applicant,
             "committee_chair": people.chair}[role]
    with pytest.raises(TransitionRefused, match="Only finance officers"):
        repay(loan, actor, 10_000, date(2024, 2, 15))


def test_the_panel_shows_paid_due_and_overdue_instalments(active_loan, make_loan, release,
                                                         people, client_for):
    old = active_loan()  # released in 2024: by now every unpaid instalment is overdue
    repay(old, people.finance, 10_000, date(2024, 2, 15))  # instalment 1, exactly
    new = make_loan("contracted")
    release(new, on=date.today())
    viewer = client_for(people.applicant)
    page = viewer.get(f"/applications/{old.id}").get_data(as_text=True)
    assert (page.count('class="instalment-paid"'), page.count('class="instalment-overdue"'),
            page.count('class="instalment-due"')) == (1, 3, 0)
    # What is owed today: the principal and all the interest fallen due (30,067 less the
    # 10,000 paid); and damages, growing every day.
    assert 'data-figure="principal">¥1,000,000<' in page
    assert 'data-figure="interest">¥20,067<' in page
    assert "MUFG-20240215-10000" in page
    assert "<dd class=\"col-sm-9\">12 %</dd>" in page  # the approved rate, as stored 12.0000
    chart = json.loads(re.search(r"data-chart='([^']+)'", page).group(1))
    assert chart == {"labels": ["2024-01-15", "2024-02-15", "2024-03-15", "2024-04-15",
                                "2024-05-15"],
                     "planned": [1_000_000, 1_000_000, 669_978, 336_656, 0],
                     "actual": [1_000_000, 1_000_000, None, None, None]}
    assert re.search(r"/static/js/loans\.[0-9a-f]{12}\.js", page)  # fingerprinted
    page = viewer.get(f"/applications/{new.id}").get_data(as_text=True)
    assert page.count('class="instalment-due"') == 4


def test_a_long_schedule_shows_the_next_twelve_instalments_and_folds_the_rest(
        make_loan, release, people, client_for):
    """36 instalments, the first two paid: the page opens on nos. 3 to 14; the two paid
    and the 22 after fold away behind "show", each instalment written once."""
    loan = make_loan("contracted", term=36, grace=0)
    release(loan, on=date(2024, 1, 15))
    for month in (2, 3):
        repay(loan, people.finance, 40_000, date(2024, month, 15))
    page = client_for(people.applicant).get(f"/applications/{loan.id}").get_data(as_text=True)
    opened = page[:page.index('class="mb-2 schedule-later"')]
    opened = opened[opened.index("</details>"):]  # after the folded earlier ones
    assert re.findall(r'data-number="(\d+)"', opened) == [str(n) for n in range(3, 15)]
    assert "Show the 2 earlier instalments" in page
    assert "Show all: the 22 later instalments" in page
    assert [int(n) for n in re.findall(r'data-number="(\d+)"', page)] == list(range(1, 37))
