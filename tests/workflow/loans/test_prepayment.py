"""Early repayment: what is outstanding today, a payoff, and partial prepayments by the loan's
setting (lower instalments, or a shorter term).

Worked by hand: ¥1,200,000 at 12 % a year (1 % a month) over 4 months, equal principal,
released on 15 January 2024: ¥300,000 of principal a month, with interest of 12,000, 9,000,
6,000 and 3,000. The period from 15 February to 15 March 2024 has 29 days.
"""

from datetime import date

import pytest
from sqlalchemy import select

from models import AuditEvent, Instalment, LedgerEntry, db
from workflow.engine.errors import TransitionRefused

from .conftest import owed_on, repay
from .test_lifecycle import current

RELEASED = date(2024, 1, 15)


def _rows(loan):
    db.session.expire_all()
    return [(r.number, r.principal_yen, r.interest_yen, r.paid_principal_yen,
             r.paid_interest_yen) for r in db.session.scalars(
        select(Instalment).where(Instalment.application_id == loan.id)
        .order_by(Instalment.number))]


def _ledger(loan, kind):
    return [e.amount_yen for e in db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.application_id == loan.id, LedgerEntry.kind == kind)
        .order_by(LedgerEntry.id))]


@pytest.fixture
def loan(make_loan, release, people):
    """The worked loan, its first instalment paid on its day."""

    def make(prepayment="lower_instalment"):
        application = make_loan("contracted", amount=1_200_000, rate="12", term=4, grace=0,
                                method="equal_principal", prepayment=prepayment)
        release(application, on=RELEASED)
        repay(application, people.finance, 312_000, date(2024, 2, 15))
        return current(application)

    return make


def test_outstanding_is_principal_and_interest_to_the_day_never_later_interest(loan, people):
    application = loan()
    # 15 days (15 to 29 February) of the 29 on ¥900,000: 9,000 × 15/29 = 4,655.17 → 4,655.
    assert owed_on(application, date(2024, 3, 1)) == 900_000 + 4_655
    with pytest.raises(TransitionRefused, match=(
            r"¥904,656 is more than the ¥904,655 outstanding on this loan on 01 March 2024 "
            r"\(principal ¥900,000, interest to that day ¥4,655, delay damages ¥0\)")):
        repay(application, people.finance, 904_656, date(2024, 3, 1))
    repay(application, people.finance, 904_655, date(2024, 3, 1))
    assert current(application).state == "repaid"
    assert _ledger(application, "repayment_interest") == [12_000, 4_655]
    assert sum(_ledger(application, "repayment_principal")) == 1_200_000
    # Instalment 2 keeps the interest to the day and the principal, paid; 3 and 4 are gone.
    assert _rows(application) == [(1, 300_000, 12_000, 300_000, 12_000),
                                  (2, 900_000, 4_655, 900_000, 4_655)]


def test_a_prepayment_lowers_the_instalments_and_keeps_the_maturity(loan, people):
    application = loan()
    repay(application, people.finance, 4_655 + 300_000, date(2024, 3, 1))
    # ¥600,000 left over the 3 instalments to 15 May: ¥200,000 each. Instalment 2 earns
    # 4,655 to 1 March, then 6,000 × 14/29 = 2,896.55 → 2,897 on the ¥600,000 left.
    assert _rows(application) == [(1, 300_000, 12_000, 300_000, 12_000),
                                  (2, 500_000, 7_552, 300_000, 4_655),
                                  (3, 200_000, 4_000, 0, 0),
                                  (4, 200_000, 2_000, 0, 0)]
    assert current(application).state == "active"
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "record_repayment").order_by(AuditEvent.seq)).all()[-1]
    schedule = event.data["schedule"]
    assert (schedule["reason"], schedule["prepaid_yen"], schedule["setting"]) == (
        "prepayment", 300_000, "lower_instalment")
    assert (schedule["before"]["next_payment_yen"], schedule["after"]["next_payment_yen"],
            schedule["before"]["last_due"], schedule["after"]["last_due"]) == (
        309_000, 202_897, "2024-05-15", "2024-05-15")
    assert event.data["repayment"]["prepaid_principal_yen"] == 300_000


def test_a_prepayment_on_a_shorter_term_loan_ends_it_sooner(loan, people):
    application = loan("shorter_term")
    repay(application, people.finance, 300_000, date(2024, 2, 15), reference="EARLY")
    # Paid on a due date: no interest accrued yet; the last instalment goes.
    assert _rows(application) == [(1, 300_000, 12_000, 300_000, 12_000),
                                  (2, 600_000, 6_000, 300_000, 0),
                                  (3, 300_000, 3_000, 0, 0)]


def test_a_payment_beyond_what_is_due_prepays_after_the_instalment(loan, people):
    application = loan()
    # On 15 March instalment 2 (¥309,000) is due; ¥100,000 more prepays principal: the
    # ¥500,000 left is ¥250,000 for each of the last two instalments.
    repay(application, people.finance, 409_000, date(2024, 3, 15))
    assert _rows(application)[1:] == [(2, 300_000, 9_000, 300_000, 9_000),
                                      (3, 350_000, 5_000, 100_000, 0),
                                      (4, 250_000, 2_500, 0, 0)]
