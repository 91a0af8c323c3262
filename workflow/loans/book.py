"""The loan book of an SME loan in the database: its terms, its instalments as read for the
rules and for display, and a rebuilt schedule written back (workflow.loans.replan plans it).

Shared by the releases (workflow.loans.drawdowns), the repayments (workflow.loans.repayments), the
cancellations of the undrawn part (workflow.loans.undrawn) and the loan panel.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from sqlalchemy import bindparam, func, select

from models import (
    Application,
    Instalment,
    LedgerEntry,
    LoanDetails,
    Repayment,
    Tranche,
    db,
)

from .accrual import LoanTerms, left_to_pay
from .lending_law import DEFAULT_DAMAGES_RATE
from .replan import Planned


def terms_of(loan: LoanDetails) -> LoanTerms:
    """The agreement's terms for the arithmetic; the loan must have been released."""
    return LoanTerms(
        first_release_on=loan.first_release_on, annual_rate=loan.annual_rate,
        damages_rate=(loan.damages_rate if loan.damages_rate is not None
                      else DEFAULT_DAMAGES_RATE),
        term_months=loan.term_months, grace_months=loan.grace_months or 0,
        method=loan.method, shorter_term=loan.prepayment_mode == "shorter_term")


def instalments_of(application: Application) -> list[Instalment]:
    """The loan's schedule, oldest first."""
    return list(db.session.scalars(
        select(Instalment).where(Instalment.application_id == application.id)
        .order_by(Instalment.number)))


def write_plan(application: Application, rows: list[Instalment],
               planned: Sequence[Planned]) -> list[Instalment]:
    """Store a rebuilt schedule: the instalments from the first one planned on take the
    plan's figures (added where new, dropped where the plan ends sooner); the ones before
    stay as they are. Returns the whole schedule, oldest first."""
    first = planned[0].number
    kept = [r for r in rows if r.number < first]
    by_number = {r.number: r for r in rows}
    wanted = {p.number for p in planned}
    for row in rows:
        if row.number >= first and row.number not in wanted:
            # Only instalments with nothing paid are ever dropped: they are still to come.
            assert not (row.paid_principal_yen or row.paid_interest_yen), row.number
            db.session.delete(row)
    for plan in planned:
        row = by_number.get(plan.number)
        if row is None:
            row = Instalment(application_id=application.id, number=plan.number,
                             paid_principal_yen=0, paid_interest_yen=0, damages_yen=0,
                             paid_damages_yen=0)
            db.session.add(row)
        row.due_on, row.principal_yen = plan.due_on, plan.principal_yen
        row.interest_yen, row.balance_after_yen = plan.interest_yen, plan.balance_after_yen
        row.interest_accrued_yen = plan.interest_accrued_yen
        row.interest_accrued_to = plan.interest_accrued_to
        kept.append(row)
    db.session.flush()
    return kept


def schedule_summary(rows: Sequence, day: date) -> dict | None:
    """The instalments still to come after `day`, in figures for the audit trail."""
    left = [r for r in rows if r.due_on > day]
    if not left:
        return None
    return {"principal_yen": sum(r.principal_yen - r.paid_principal_yen for r in left),
            "interest_yen": sum(r.interest_yen - r.paid_interest_yen for r in left),
            "instalments": len(left), "next_due": left[0].due_on,
            "next_payment_yen": left_to_pay(left[0]), "last_due": left[-1].due_on}


_LAST_REPAYMENT = select(func.max(Repayment.received_on)).where(
    Repayment.application_id == bindparam("application_id"))
_LAST_RELEASE = select(func.max(LedgerEntry.booked_on)).where(
    LedgerEntry.application_id == bindparam("application_id"),
    LedgerEntry.kind == "disbursement")


def last_movement(application: Application) -> date | None:
    """The day of the loan's latest release or repayment: the book is kept in date order,
    so nothing may be dated before it."""
    conn = db.session.connection()
    days = [conn.execute(query, {"application_id": application.id}).scalar()
            for query in (_LAST_REPAYMENT, _LAST_RELEASE)]
    days = [d for d in days if d is not None]
    return max(days) if days else None


# --- reading for display --------------------------------------------------------------

class InstalmentLine(NamedTuple):
    """An instalment as read for display and for the arithmetic of workflow.loans.accrual: plain
    columns, not a loaded Instalment (a loan page shows up to 360 of them)."""

    number: int
    due_on: date
    principal_yen: int
    interest_yen: int
    balance_after_yen: int
    paid_principal_yen: int
    paid_interest_yen: int
    paid_on: date | None
    interest_accrued_yen: int
    interest_accrued_to: date | None
    damages_yen: int
    damages_to: date | None
    paid_damages_yen: int

    @property
    def due_yen(self) -> int:  # as Instalment.due_yen
        return left_to_pay(self)


_LINES = (select(*(getattr(Instalment, name) for name in InstalmentLine._fields))
          .where(Instalment.application_id == bindparam("application_id"))
          .order_by(Instalment.number))
_RECEIVED = (select(Repayment.received_on, Repayment.bank_reference, Repayment.amount_yen,
                    Repayment.damages_yen, Repayment.interest_yen, Repayment.principal_yen)
             .where(Repayment.application_id == bindparam("application_id"))
             .order_by(Repayment.received_on, Repayment.id))


def schedule_lines(application: Application) -> list[InstalmentLine]:
    """The loan's schedule for display, oldest first."""
    rows = db.session.connection().execute(_LINES, {"application_id": application.id})
    return [InstalmentLine(*row) for row in rows]


def schedule_lines_of(application_ids: Sequence[int]) -> dict[int, list[InstalmentLine]]:
    """The schedules of these loans for display, each oldest first, in one query."""
    found: dict[int, list[InstalmentLine]] = {}
    if not application_ids:
        return found
    rows = db.session.execute(
        select(Instalment.application_id, *(getattr(Instalment, n) for n in InstalmentLine._fields))
        .where(Instalment.application_id.in_(application_ids))
        .order_by(Instalment.application_id, Instalment.number))
    for application_id, *line in rows:
        found.setdefault(application_id, []).append(InstalmentLine(*line))
    return found


def received_lines(application: Application) -> list:
    """The repayments for display, oldest first: rows of when, bank reference, amount,
    damages, interest and principal."""
    return db.session.connection().execute(
        _RECEIVED, {"application_id": application.id}).all()


_RELEASES = (select(LedgerEntry.booked_on, LedgerEntry.amount_yen, Tranche.number)
             .outerjoin(Tranche, Tranche.id == LedgerEntry.tranche_id)
             .where(LedgerEntry.application_id == bindparam("application_id"),
                    LedgerEntry.kind == "disbursement")
             .order_by(LedgerEntry.booked_on, LedgerEntry.id))


def release_lines(application: Application) -> list:
    """The releases, from the ledger: rows of day, amount and tranche number."""
    return db.session.connection().execute(
        _RELEASES, {"application_id": application.id}).all()
