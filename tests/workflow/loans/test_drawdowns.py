"""A loan drawn in tranches: interest only on what was released, from its day.

Worked by hand: ¥80,000,000 approved at 1.8 % over 60 months, 6 of them grace (the demo's
die-casting loan). A whole month's interest on ¥20,000,000 is 20,000,000 × 1.8 % / 12 =
¥30,000; on ¥50,000,000, ¥75,000.
"""

from datetime import date

import pytest
from sqlalchemy import select

from models import AuditEvent, Instalment, db
from workflow.engine.errors import TransitionRefused

from .conftest import repay
from .test_lifecycle import current

FIRST = date(2027, 1, 15)  # the period to 15 February has 31 days


def _rows(loan):
    db.session.expire_all()
    return db.session.scalars(select(Instalment).where(Instalment.application_id == loan.id)
                              .order_by(Instalment.number)).all()


@pytest.fixture
def die_casting(make_loan, sme):
    from workflow.money import ledger

    from .conftest import act
    act(ledger.post, sme.fund, "donation", 100_000_000, actor=None, memo="Loan capital")
    return make_loan("contracted", amount=80_000_000, rate="1.8", term=60, grace=6)


def test_interest_runs_only_on_the_principal_released(die_casting, release):
    release(die_casting, amount=20_000_000, on=FIRST)
    rows = _rows(die_casting)
    assert len(rows) == 60 and rows[0].due_on == date(2027, 2, 15)
    # Not ¥120,000, a month's interest on the ¥80,000,000 approved.
    assert [r.interest_yen for r in rows[:6]] == [30_000] * 6
    assert [r.principal_yen for r in rows[:6]] == [0] * 6
    assert sum(r.principal_yen for r in rows) == 20_000_000
    assert current(die_casting).loan.first_release_on == FIRST


def test_a_second_tranche_earns_from_its_day_and_the_schedule_is_rebuilt(die_casting,
                                                                         release):
    release(die_casting, amount=20_000_000, on=FIRST)
    first_ids = [r.id for r in _rows(die_casting)]
    release(current(die_casting), amount=30_000_000, on=date(2027, 1, 30))
    rows = _rows(die_casting)
    # 15 days on ¥20,000,000 and 16 on ¥50,000,000, of the period's 31:
    # 30,000 × 15/31 = 14,516.13 → 14,516; 75,000 × 16/31 = 38,709.68 → 38,710.
    assert rows[0].interest_yen == 14_516 + 38_710
    assert (rows[0].interest_accrued_yen, rows[0].interest_accrued_to) == (
        14_516, date(2027, 1, 30))
    assert [r.interest_yen for r in rows[1:6]] == [75_000] * 5
    assert sum(r.principal_yen for r in rows) == 50_000_000
    # The calendar stays: the same 60 instalments, the same due dates.
    assert [r.id for r in rows] == first_ids
    assert rows[-1].due_on == date(2032, 1, 15)
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "release_tranche").order_by(AuditEvent.seq)).all()[-1]
    schedule = event.data["schedule"]
    assert (schedule["reason"], schedule["released_yen"]) == ("release", 30_000_000)
    assert (schedule["before"]["principal_yen"], schedule["after"]["principal_yen"]) == (
        20_000_000, 50_000_000)
    assert schedule["before"]["next_payment_yen"] == 30_000
    assert schedule["after"]["next_payment_yen"] == 53_226


def test_a_tranche_after_repayments_keeps_what_was_paid(make_loan, release, people):
    # ¥1,000,000 at 12 % over 4 months, 1 of grace; ¥600,000 released on 15 January 2024.
    loan = make_loan("contracted")
    release(loan, amount=600_000, on=date(2024, 1, 15))
    repay(loan, people.finance, 6_000, date(2024, 2, 15))  # instalment 1: its interest
    release(current(loan), amount=400_000, on=date(2024, 2, 15))
    rows = _rows(loan)
    assert (rows[0].interest_yen, rows[0].paid_interest_yen, rows[0].paid_on) == (
        6_000, 6_000, date(2024, 2, 15))
    # The ¥1,000,000 from 15 February re-amortised over the 3 instalments left.
    assert [r.interest_yen for r in rows[1:]] == [10_000, 6_700, 3_367]
    assert [r.principal_yen for r in rows[1:]] == [330_022, 333_322, 336_656]


def test_no_tranche_after_the_last_instalment_fell_due(make_loan, release):
    loan = make_loan("contracted")
    release(loan, amount=500_000, on=date(2024, 1, 15))
    with pytest.raises(TransitionRefused, match="The loan matured on 15 May 2024"):
        release(current(loan), amount=100_000, on=date(2024, 5, 15))
    assert sum(r.principal_yen for r in _rows(loan)) == 500_000


def test_no_tranche_dated_before_the_last_repayment(make_loan, release, people):
    loan = make_loan("contracted")
    release(loan, amount=500_000, on=date(2024, 1, 15))
    repay(loan, people.finance, 5_000, date(2024, 2, 20))
    with pytest.raises(TransitionRefused, match="before the loan's last movement, on "
                                                "20 February 2024"):
        release(current(loan), amount=100_000, on=date(2024, 2, 19))
