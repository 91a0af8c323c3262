"""The daily arrears job (flask loans mark-arrears), and repayments that cure arrears."""

from datetime import date

import pytest
from sqlalchemy import func, select

from models import AuditEvent, db

from .conftest import repay
from .test_lifecycle import current

# The active_loan fixture's first instalment (¥10,000 of interest) falls due on 15 February
# 2024, the second (¥340,022) on 15 March 2024. GRACE_DAYS is 30.


def _job(app, today):
    return app.test_cli_runner().invoke(args=["loans", "mark-arrears", "--today", today])


def _marks() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "mark_arrears"))


@pytest.mark.parametrize("today, state", [
    ("2024-03-16", "active"),  # 30 days late: still within the grace days
    ("2024-03-17", "in_arrears"),  # 31 days late
])
def test_a_loan_falls_into_arrears_after_the_grace_days(app, active_loan, today, state):
    loan = active_loan()
    result = _job(app, today)
    assert result.exit_code == 0, result.output
    assert current(loan).state == state


def test_the_job_says_what_it_moved_and_is_idempotent(app, active_loan, people):
    late, paying = active_loan(), active_loan()
    repay(paying, people.finance, 10_000, date(2024, 2, 15))
    first = _job(app, "2024-03-17")
    assert first.output == (
        f"{late.reference}: in arrears — instalment 1 due 2024-02-15 is 31 days overdue "
        "(¥10,000 unpaid).\n1 loan(s) moved to arrears.\n")
    second = _job(app, "2024-03-18")
    assert second.output == "0 loan(s) moved to arrears.\n"
    assert (current(late).state, current(paying).state, _marks()) == (
        "in_arrears", "active", 1)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mark_arrears"))
    assert (event.actor_id, event.data["overdue"][0]["days_overdue"]) == (None, 31)


def test_a_partly_paid_instalment_still_counts_as_unpaid(app, active_loan, people):
    loan = active_loan()
    repay(loan, people.finance, 9_999, date(2024, 2, 15))
    _job(app, "2024-03-17")
    assert current(loan).state == "in_arrears"


@pytest.mark.parametrize("amount, received, state", [
    (10_000, date(2024, 3, 18), "active"),  # instalment 1 paid; 2 only 3 days late: cured
    (5_000, date(2024, 3, 18), "in_arrears"),  # instalment 1 still part unpaid
    # Paid off: the principal, instalments 1 and 2's interest, 3 days of instalment 3's
    # period on ¥669,978 (6,699.78 × 3/31 → 648) and 3 days of damages on instalment 2's
    # ¥330,022 at 14.6 % (396).
    (1_000_000 + 20_000 + 648 + 396, date(2024, 3, 18), "repaid"),
])
def test_a_repayment_from_arrears_cures_or_not(app, active_loan, people, amount, received,
                                               state):
    loan = active_loan()
    _job(app, "2024-03-17")
    repay(loan, people.finance, amount, received)
    assert current(loan).state == state
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "record_repayment")).one()
    expected = {"active": "cured", "in_arrears": "still_in_arrears", "repaid": "repaid"}
    assert event.data["outcome"] == expected[state]


def test_clearing_one_late_instalment_is_not_enough_when_another_is_late(app, active_loan,
                                                                          people):
    loan = active_loan()
    _job(app, "2024-04-20")  # instalments 1 (65 days) and 2 (36 days) are both late
    repay(loan, people.finance, 10_000, date(2024, 4, 20))
    assert current(loan).state == "in_arrears"
    # Instalment 2 in full on 21 April: first the damages and interest due — 37 days on
    # ¥330,022 (4,884), its ¥10,000, instalment 3's 6 days on ¥333,322 (800) and ¥6,700 —
    # then its principal. Instalment 3 is only 6 days late: cured.
    repay(loan, people.finance, 4_884 + 10_000 + 800 + 6_700 + 330_022, date(2024, 4, 21))
    assert current(loan).state == "active"


def test_the_job_leaves_loans_in_other_states_alone(app, make_loan):
    loans = [make_loan(state) for state in ("contracted", "repaid", "written_off")]
    assert _job(app, "2030-01-01").output == "0 loan(s) moved to arrears.\n"
    assert [current(loan).state for loan in loans] == ["contracted", "repaid", "written_off"]
