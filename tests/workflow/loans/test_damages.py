"""Delay damages on overdue principal, per day (actual/365), taken with the interest before
any principal when a payment comes in.

Worked by hand: ¥1,000,000 at 6 % over 12 months, equal instalments of ¥86,066, released on
15 January 2027; damages 14.6 % a year. Instalment 1 (due 15 February: ¥5,000 interest,
¥81,066 principal) and instalment 2 (due 15 March: ¥4,595 and ¥81,471) are unpaid on
18 March: 31 days of damages on the first, 81,066 × 14.6 % × 31/365 = 1,005.22 → ¥1,005,
and 3 on the second, 81,471 × 14.6 % × 3/365 = 97.77 → ¥98.
"""

from datetime import date

import pytest
from sqlalchemy import select

from models import Instalment, LedgerEntry, Repayment, db

from .conftest import owed_on, repay
from .test_lifecycle import current

RELEASED, LATE = date(2027, 1, 15), date(2027, 3, 18)


@pytest.fixture
def late_loan(make_loan, release):
    loan = make_loan("contracted", amount=1_000_000, rate="6", term=12, grace=0)
    release(loan, on=RELEASED)
    return current(loan)


def _instalment(loan, number):
    db.session.expire_all()
    return db.session.scalar(select(Instalment).where(
        Instalment.application_id == loan.id, Instalment.number == number))


def test_a_late_payment_pays_damages_and_interest_before_principal(late_loan, people):
    repay(late_loan, people.finance, 50_000, LATE)
    repayment = db.session.scalar(select(Repayment))
    # 1,005 + 98 of damages and 5,000 + 4,595 of interest first; the rest, 39,302,
    # to the first instalment's principal.
    assert (repayment.damages_yen, repayment.interest_yen, repayment.principal_yen) == (
        1_103, 9_595, 39_302)
    entries = db.session.execute(select(LedgerEntry.kind, LedgerEntry.amount_yen).where(
        LedgerEntry.kind.like("repayment%")).order_by(LedgerEntry.id)).all()
    assert [tuple(e) for e in entries] == [("repayment_damages", 1_103),
                                          ("repayment_interest", 9_595),
                                          ("repayment_principal", 39_302)]
    first = _instalment(late_loan, 1)
    assert (first.damages_yen, first.damages_to, first.paid_damages_yen) == (
        1_005, LATE, 1_005)


def test_damages_run_on_the_principal_still_unpaid_after_a_part_payment(late_loan, people):
    repay(late_loan, people.finance, 50_000, LATE)
    # On 17 April, 30 days later, the damages owed are
    # * instalment 1: ¥41,764 of principal still unpaid since 18 March:
    #   41,764 × 14.6 % × 30/365 = 501.17 → 501;
    # * instalment 2: ¥81,471 unpaid for the 33 days since 15 March, 98 of them paid:
    #   81,471 × 14.6 % × 33/365 = 1,075.42 → 1,075 − 98 = 977;
    # * instalment 3 (due 15 April: ¥4,187 and ¥81,879), 2 days:
    #   81,879 × 14.6 % × 2/365 = 65.50 → 66.
    # Interest: instalment 3's ¥4,187, and 2 of the 30 days of instalment 4's period on the
    # ¥755,584 not yet due: 3,777.92 × 2/30 = 251.86 → 252.
    assert owed_on(late_loan, date(2027, 4, 17)) == (1_000_000 - 39_302) + (4_187 + 252) + (
        501 + 977 + 66)


def test_the_panel_shows_the_damages_owed_today(make_loan, release, client_for, people):
    loan = make_loan("contracted", amount=1_000_000, rate="6", term=12, grace=0)
    release(loan, on=date(2024, 1, 15))  # long overdue by now: damages keep running
    page = client_for(people.applicant).get(f"/applications/{loan.id}").get_data(
        as_text=True)
    assert page.count('class="small text-danger damages">delay damages ¥') == 12
    assert 'data-figure="damages">¥0<' not in page
    assert "14.6 % a year on principal overdue, per day (actual/365)" in page
