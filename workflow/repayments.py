"""The loan book: the repayment schedule drawn at the first release, and repayments.

A repayment goes to the oldest instalment first and, within an instalment, to its interest
before its principal. Interest and principal received are posted to the SME fund's ledger,
which is how the fund revolves.

GRACE_DAYS is how many days an instalment may stay unpaid after its due date before the
loan is in arrears (the daily job in workflow.arrears moves it; a repayment that leaves no
instalment that late cures it). It is a constant, not a setting: changing it changes which
loans count as in arrears, a credit-policy decision recorded in the code's history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import bindparam, select

from models import Application, Instalment, LoanDetails, Repayment, RepaymentAllocation, db

from . import ledger
from .errors import TransitionRefused
from .rules import Step, effect, outcome
from .schedule import build_schedule, total_interest

GRACE_DAYS = 30


def instalments_of(application: Application) -> list[Instalment]:
    """The loan's schedule, oldest first."""
    return list(db.session.scalars(
        select(Instalment).where(Instalment.application_id == application.id)
        .order_by(Instalment.due_on, Instalment.number)))


class InstalmentLine(NamedTuple):
    """An instalment as read for display: plain columns, not a loaded Instalment (a loan
    page shows up to 120 of them)."""

    number: int
    due_on: date
    principal_yen: int
    interest_yen: int
    balance_after_yen: int
    paid_principal_yen: int
    paid_interest_yen: int
    paid_on: date | None

    @property
    def due_yen(self) -> int:  # as Instalment.due_yen
        return (self.principal_yen + self.interest_yen
                - self.paid_principal_yen - self.paid_interest_yen)


_LINES = (select(*(getattr(Instalment, name) for name in InstalmentLine._fields))
          .where(Instalment.application_id == bindparam("application_id"))
          .order_by(Instalment.due_on, Instalment.number))
_RECEIVED = (select(Repayment.received_on, Repayment.bank_reference, Repayment.amount_yen,
                    Repayment.interest_yen, Repayment.principal_yen)
             .where(Repayment.application_id == bindparam("application_id"))
             .order_by(Repayment.received_on, Repayment.id))


def schedule_lines(application: Application) -> list[InstalmentLine]:
    """The loan's schedule for display, oldest first."""
    rows = db.session.connection().execute(_LINES, {"application_id": application.id})
    return [InstalmentLine(*row) for row in rows]


def received_lines(application: Application) -> list:
    """The repayments for display, oldest first: rows of when, bank reference, amount,
    interest and principal."""
    return db.session.connection().execute(
        _RECEIVED, {"application_id": application.id}).all()


def repayments_of(application: Application) -> list[Repayment]:
    return list(db.session.scalars(
        select(Repayment).where(Repayment.application_id == application.id)
        .order_by(Repayment.received_on, Repayment.id)))


def outstanding(instalments: Iterable[Instalment]) -> int:
    """Everything still owed on the schedule, interest included."""
    return sum(i.due_yen for i in instalments)


def outstanding_principal(instalments: Iterable[Instalment]) -> int:
    return sum(i.principal_yen - i.paid_principal_yen for i in instalments)


def past_grace(due_on: date, today: date, grace_days: int = GRACE_DAYS) -> bool:
    """True when an instalment due on `due_on` and still unpaid today makes the loan late."""
    return (today - due_on).days > grace_days


def overdue(instalments: Iterable[Instalment], today: date,
            grace_days: int = GRACE_DAYS) -> list[Instalment]:
    """The instalments unpaid more than `grace_days` after they fell due."""
    return [i for i in instalments if i.due_yen > 0 and past_grace(i.due_on, today, grace_days)]


# --- the schedule, at the first release ---------------------------------------------------

@effect("loan", "release_tranche")
def generate_schedule(step: Step) -> None:
    """Draw up the schedule from the approved terms when the first tranche is released.

    The whole approved amount is scheduled from the first release date: later tranches of
    the same loan do not move it.
    """
    application = step.application
    if instalments_of(application):
        return
    loan: LoanDetails | None = application.loan
    if (loan is None or not application.approved_yen or loan.annual_rate is None
            or loan.term_months is None or loan.method is None):
        raise TransitionRefused("The approved terms are incomplete, so no repayment schedule "
                                "can be drawn up; the committee must set them first.")
    start = step.inputs.get("released_on") or step.today
    try:
        rows = build_schedule(application.approved_yen, loan.annual_rate, loan.term_months,
                              method=loan.method, grace_months=loan.grace_months or 0,
                              start=start)
    except ValueError as error:
        raise TransitionRefused(f"The approved terms cannot be scheduled: {error}") from None
    for row in rows:
        db.session.add(Instalment(
            application_id=application.id, number=row.number, due_on=row.due,
            principal_yen=row.principal, interest_yen=row.interest,
            balance_after_yen=row.balance, paid_principal_yen=0, paid_interest_yen=0))
    loan.first_release_on = start
    db.session.flush()
    step.data["schedule"] = {"instalments": len(rows), "principal_yen": application.approved_yen,
                             "interest_yen": total_interest(rows), "first_due": rows[0].due,
                             "last_due": rows[-1].due}


# --- repayments ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Allocation:
    instalment: Instalment
    interest_yen: int
    principal_yen: int


@dataclass(frozen=True)
class RepaymentInput:
    amount_yen: int
    received_on: date
    bank_reference: str


def plan_allocation(instalments: Iterable[Instalment], amount_yen: int) -> list[Allocation]:
    """Split `amount_yen` over the instalments: oldest first, interest before principal."""
    left = amount_yen
    plan = []
    for inst in sorted(instalments, key=lambda i: (i.due_on, i.number)):
        if left == 0:
            break
        interest = min(left, inst.interest_yen - inst.paid_interest_yen)
        left -= interest
        principal = min(left, inst.principal_yen - inst.paid_principal_yen)
        left -= principal
        if interest or principal:
            plan.append(Allocation(inst, interest, principal))
    if left:
        raise ValueError(f"¥{left:,} of the amount is left over after every instalment.")
    return plan


def _read_inputs(step: Step) -> RepaymentInput:
    """The repayment's figures, refused next to their field when missing or malformed."""
    amount = step.inputs.get("amount_yen")
    received_on = step.inputs.get("received_on")
    reference = (step.inputs.get("bank_reference") or "").strip()
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
        raise TransitionRefused("The amount received must be at least ¥1.", "amount_yen")
    if not isinstance(received_on, date):
        raise TransitionRefused("Give the date the money was received.", "received_on")
    if not reference:
        raise TransitionRefused("Give the bank reference of the payment.", "bank_reference")
    if len(reference) > 100:
        raise TransitionRefused("The bank reference is at most 100 characters.",
                                "bank_reference")
    return RepaymentInput(amount, received_on, reference)


def _refuse_unless_receivable(application: Application, instalments: list[Instalment],
                              money: RepaymentInput, today: date) -> None:
    loan = application.loan
    if not instalments or loan is None or loan.first_release_on is None:
        raise TransitionRefused("No money has been released on this loan yet, so there is "
                                "nothing to repay.", "received_on")
    if money.received_on > today:
        raise TransitionRefused(f"The date received, {money.received_on:%d %B %Y}, is in the "
                                "future.", "received_on")
    if money.received_on < loan.first_release_on:
        raise TransitionRefused(
            f"The date received, {money.received_on:%d %B %Y}, is before the first release "
            f"on {loan.first_release_on:%d %B %Y}.", "received_on")
    owed = outstanding(instalments)
    if money.amount_yen > owed:
        raise TransitionRefused(
            f"¥{money.amount_yen:,} is more than the ¥{owed:,} outstanding on this loan; "
            "record at most the amount outstanding.", "amount_yen")
    duplicate = db.session.scalar(select(Repayment).where(
        Repayment.application_id == application.id,
        Repayment.bank_reference == money.bank_reference))
    if duplicate is not None:
        raise TransitionRefused(
            f"The payment {money.bank_reference} was already recorded on "
            f"{duplicate.received_on:%d %B %Y} (¥{duplicate.amount_yen:,}).", "bank_reference")


@outcome("loan", "record_repayment")
def repayment_outcome(step: Step) -> str:
    """Where the loan stands once the repayment is allocated (refuses a bad repayment)."""
    money = _read_inputs(step)
    instalments = instalments_of(step.application)
    _refuse_unless_receivable(step.application, instalments, money, step.today)
    if money.amount_yen == outstanding(instalments):
        return "repaid"
    if step.from_state != "in_arrears":
        return "still_active"
    paid = {a.instalment.id: a.interest_yen + a.principal_yen
            for a in plan_allocation(instalments, money.amount_yen)}
    still_late = any(i.due_yen > paid.get(i.id, 0) and past_grace(i.due_on, step.today)
                     for i in instalments)
    return "still_in_arrears" if still_late else "cured"


@effect("loan", "record_repayment")
def apply_repayment(step: Step) -> None:
    """Store the repayment, allocate it, and post interest and principal to the ledger."""
    application = step.application
    money = _read_inputs(step)
    plan = plan_allocation(instalments_of(application), money.amount_yen)
    interest = sum(a.interest_yen for a in plan)
    principal = sum(a.principal_yen for a in plan)
    repayment = Repayment(application_id=application.id, received_on=money.received_on,
                          amount_yen=money.amount_yen, principal_yen=principal,
                          interest_yen=interest, bank_reference=money.bank_reference,
                          recorded_by_id=step.actor.id if step.actor else None)
    db.session.add(repayment)
    db.session.flush()
    for a in plan:
        db.session.add(RepaymentAllocation(repayment_id=repayment.id,
                                           instalment_id=a.instalment.id,
                                           interest_yen=a.interest_yen,
                                           principal_yen=a.principal_yen))
        a.instalment.paid_interest_yen += a.interest_yen
        a.instalment.paid_principal_yen += a.principal_yen
        if a.instalment.due_yen == 0:
            a.instalment.paid_on = money.received_on
    memo = f"Repayment {money.bank_reference} of {application.reference}"
    for kind, amount in (("repayment_interest", interest), ("repayment_principal", principal)):
        if amount:
            ledger.post(application.fund, kind, amount, actor=step.actor,
                        application=application, booked_on=money.received_on, memo=memo,
                        repayment_id=repayment.id)
    loan = application.loan
    if step.outcome in ("cured", "repaid") and loan.write_off_requested_by_id is not None:
        # A pending write-off request no longer applies to a loan that is paying again.
        loan.write_off_requested_by_id = None
        loan.write_off_requested_at = None
        loan.write_off_reason = ""
        step.data["write_off_request_withdrawn"] = True
    db.session.flush()
    step.data["repayment"] = {
        "id": repayment.id, "amount_yen": money.amount_yen, "received_on": money.received_on,
        "bank_reference": money.bank_reference, "interest_yen": interest,
        "principal_yen": principal,
        "instalments": [a.instalment.number for a in plan],
    }
