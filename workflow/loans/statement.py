"""A company's loans as the company reads them: what it owes, what falls due next, what is
late, and the schedule, each loan's principal from its ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from models import Application, LedgerEntry, Organisation, db

from . import accrual, book
from .accrual import LoanTerms
from .book import InstalmentLine
from .repayments import past_grace

# A loan has a schedule once its first tranche is released; these are the states it then has.
REPAYING_STATES = ("active", "in_arrears", "repaid", "written_off")
# How the ledger moves a loan's principal: released, repaid, written off.
_PRINCIPAL_SIGNS = {"disbursement": 1, "repayment_principal": -1, "write_off": -1}


@dataclass(frozen=True)
class LoanStatement:
    application: Application
    outstanding_principal_yen: int  # released − repaid − written off, by the ledger
    arrears_yen: int  # fallen due and unpaid: principal, interest and delay damages
    next_instalment: InstalmentLine | None
    schedule: list[InstalmentLine]

    @property
    def next_payment_yen(self) -> int:
        return accrual.left_to_pay(self.next_instalment) if self.next_instalment else 0


def outstanding_principal(application: Application) -> int:
    """The loan's principal still owed, summed from its ledger entries."""
    rows = db.session.execute(
        select(LedgerEntry.kind, func.sum(LedgerEntry.amount_yen))
        .where(LedgerEntry.application_id == application.id,
               LedgerEntry.kind.in_(tuple(_PRINCIPAL_SIGNS)))
        .group_by(LedgerEntry.kind)).all()
    return sum(_PRINCIPAL_SIGNS[kind] * int(total) for kind, total in rows)


def statement(application: Application, today: date) -> LoanStatement:
    """One loan's figures on `today`."""
    return _statement(application, book.schedule_lines(application),
                      outstanding_principal(application), today)


def _statement(application: Application, lines: list[InstalmentLine], outstanding: int,
               today: date) -> LoanStatement:
    loan = application.loan
    arrears = 0
    if lines and loan is not None and loan.first_release_on:
        arrears = accrual.position(book.terms_of(loan), lines, today).due
    if application.state in ("repaid", "written_off"):
        arrears = 0  # nothing more is asked of a closed loan
    return LoanStatement(application, outstanding, arrears,
                         accrual.next_instalment(lines, today), lines)


def company_loans(company: Organisation, today: date) -> list[LoanStatement]:
    """The company's loans that have been released, the newest first."""
    loans = db.session.scalars(
        select(Application).where(Application.organisation_id == company.id,
                                  Application.kind == "loan",
                                  Application.state.in_(REPAYING_STATES))
        .options(selectinload(Application.loan))
        .order_by(Application.id.desc())).all()
    # Every loan's schedule and principal in one query each, not three queries a loan.
    ids = [loan.id for loan in loans]
    lines = book.schedule_lines_of(ids)
    owed: dict[int, int] = dict.fromkeys(ids, 0)
    for application_id, kind, total in db.session.execute(
            select(LedgerEntry.application_id, LedgerEntry.kind, func.sum(LedgerEntry.amount_yen))
            .where(LedgerEntry.application_id.in_(ids),
                   LedgerEntry.kind.in_(tuple(_PRINCIPAL_SIGNS)))
            .group_by(LedgerEntry.application_id, LedgerEntry.kind)):
        owed[application_id] += _PRINCIPAL_SIGNS[kind] * int(total)
    return [_statement(loan, lines.get(loan.id, []), owed[loan.id], today) for loan in loans]


def loan_of(company: Organisation, application_id: int) -> Application | None:
    """The company's own released loan of this id, or None."""
    return db.session.scalar(
        select(Application).where(Application.id == application_id,
                                  Application.organisation_id == company.id,
                                  Application.kind == "loan",
                                  Application.state.in_(REPAYING_STATES)))


# --- the schedule as a table ---------------------------------------------------------

class ScheduleRow(NamedTuple):
    status: str  # paid, overdue or due
    past_grace: bool  # overdue beyond the grace days: the loan is in arrears
    number: int
    due_on: date
    interest_yen: int
    principal_yen: int
    paid_yen: int
    balance_after_yen: int
    paid_on: date | None
    damages_yen: int  # delay damages owed on it today


def _status(instalment: InstalmentLine, today: date) -> tuple[str, bool]:
    if instalment.due_yen == 0:
        return "paid", False
    if instalment.due_on < today:
        return "overdue", past_grace(instalment.due_on, today)
    return "due", False


def schedule_rows(instalments: list[InstalmentLine], terms: LoanTerms, today: date
                  ) -> list[ScheduleRow]:
    """The schedule table's rows; an overdue instalment shows its delay damages to today."""
    rows = []
    for i in instalments:
        status, late = _status(i, today)
        damages = (accrual.damages_accrued(terms, i, today) - i.paid_damages_yen
                   if i.due_on < today else 0)
        rows.append(ScheduleRow(status, late, i.number, i.due_on, i.interest_yen,
                                i.principal_yen, i.paid_interest_yen + i.paid_principal_yen,
                                i.balance_after_yen, i.paid_on, damages))
    return rows
