"""Repayments racing the daily arrears job, in real processes: no yen is lost or doubled,
and the loan ends in the state its instalments say."""

from collections import Counter
from datetime import date

from sqlalchemy import func, select

from models import Application, Instalment, LedgerEntry, Repayment, User, db
from tests.concurrency.racing import race
from workflow.engine import audit, service
from workflow.loans import arrears
from workflow.loans.repayments import overdue

DAY = date(2024, 4, 20)  # the first instalments of a loan released on 15 January are late


def _run_arrears_job():
    return len(arrears.mark_arrears(DAY))


def _repay(application_id: int, user_id: int, amount: int, reference: str):
    service.fire(db.session.get(Application, application_id), "record_repayment",
                 db.session.get(User, user_id), amount_yen=amount, received_on=DAY,
                 bank_reference=reference, today=DAY)
    return amount


def test_repayments_racing_the_arrears_job_lose_no_money(app, database_url, active_loan,
                                                         people):
    loan = active_loan()
    db.session.commit()
    jobs = [(loan.id, people.finance.id, 7_000, f"BANK-{n}") for n in range(6)]
    # One arrears job and six repayments, all at the same instant.
    outcomes = race(database_url, _dispatch, [("arrears",)] + [("repay", *j) for j in jobs])
    errors = [detail for kind, detail in outcomes if kind == "error"]
    assert not errors, errors[0]
    paid = sum(detail for kind, detail in outcomes if kind == "ok" and detail == 7_000)
    kinds = Counter(kind for kind, _ in outcomes)
    print("race outcomes:", dict(kinds), "paid:", paid)

    db.session.rollback()
    ledger_in = db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_yen), 0))
                                  .where(LedgerEntry.application_id == loan.id,
                                         LedgerEntry.kind.in_(("repayment_principal",
                                                               "repayment_interest",
                                                               "repayment_damages"))))
    recorded = db.session.scalar(select(func.coalesce(func.sum(Repayment.amount_yen), 0))
                                 .where(Repayment.application_id == loan.id))
    instalments = db.session.scalars(select(Instalment).where(
        Instalment.application_id == loan.id).order_by(Instalment.number)).all()
    allocated = sum(i.paid_principal_yen + i.paid_interest_yen + i.paid_damages_yen
                    for i in instalments)
    assert ledger_in == recorded == allocated == paid
    state = db.session.get(Application, loan.id).state
    assert state == ("in_arrears" if overdue(instalments, DAY) else "active")
    assert audit.verify().ok


def _dispatch(kind, *args):
    return _run_arrears_job() if kind == "arrears" else _repay(*args)
