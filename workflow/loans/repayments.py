"""Repayments of SME loans: what is owed on a day, and a payment split and booked.

A payment pays, in the Civil Code's order (workflow.loans.allocation): delay damages and interest
fallen due, oldest first; then principal fallen due, oldest first; the rest is a prepayment —
interest accrued to the day, then principal — which rebuilds the schedule (workflow.loans.replan)
by the loan's setting: lower instalments, or a shorter term. A payment of exactly the
outstanding to its day pays the loan off; more is refused with the figure. Damages, interest
and principal received go to the SME fund's ledger, which is how the fund revolves; a loan
paid off gives back the reservation of any part not drawn.

GRACE_DAYS is how many days an instalment may stay unpaid after its due date before the
loan is in arrears (the daily job in workflow.loans.arrears moves it; a repayment that leaves no
instalment that late cures it). It is a constant, not a setting: changing it changes which
loans count as in arrears, a credit-policy decision recorded in the code's history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from models import Application, Instalment, Repayment, RepaymentAllocation, db
from workflow.engine.errors import TransitionRefused
from workflow.engine.rules import Step, effect, outcome
from workflow.engine.wording import long_date
from workflow.money import ledger

from . import drawdowns  # noqa: F401 - drawdowns: the release's schedule
from .accrual import LoanTerms, Position, left_to_pay, position
from .allocation import Allocation, allocate, apply_parts
from .book import (
    instalments_of,
    last_movement,
    schedule_summary,
    terms_of,
    write_plan,
)
from .replan import replan
from .undrawn import undrawn_lapses

GRACE_DAYS = 30


def outstanding_principal(instalments: Iterable[Instalment]) -> int:
    return sum(i.principal_yen - i.paid_principal_yen for i in instalments)


def past_grace(due_on: date, today: date, grace_days: int = GRACE_DAYS) -> bool:
    """True when an instalment due on `due_on` and still unpaid today makes the loan late."""
    return (today - due_on).days > grace_days


def overdue(instalments: Iterable[Instalment], today: date,
            grace_days: int = GRACE_DAYS) -> list[Instalment]:
    """The instalments unpaid more than `grace_days` after they fell due."""
    return [i for i in instalments if i.due_yen > 0 and past_grace(i.due_on, today, grace_days)]


def position_of(application: Application, day: date, rows=None) -> Position | None:
    """What the loan owes on `day` (None before its first release)."""
    loan = application.loan
    if loan is None or loan.first_release_on is None:
        return None
    rows = instalments_of(application) if rows is None else rows
    return position(terms_of(loan), rows, day)


# --- a payment --------------------------------------------------------------------------

@dataclass(frozen=True)
class RepaymentInput:
    amount_yen: int
    received_on: date
    bank_reference: str


def _read_inputs(step: Step) -> RepaymentInput:
    """The repayment's figures, refused next to their field when missing or malformed."""
    amount = step.inputs.get("amount_yen")
    received_on = step.inputs.get("received_on")
    reference = (step.inputs.get("bank_reference") or "").strip()
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
        raise TransitionRefused(_("The amount received must be at least ¥1."), "amount_yen")
    if not isinstance(received_on, date):
        raise TransitionRefused(_("Give the date the money was received."), "received_on")
    if not reference:
        raise TransitionRefused(_("Give the bank reference of the payment."), "bank_reference")
    if len(reference) > 100:
        raise TransitionRefused(_("The bank reference is at most 100 characters."),
                                "bank_reference")
    return RepaymentInput(amount, received_on, reference)


def too_much_message(amount: int, owed: Position) -> str:
    return (f"¥{amount:,} is more than the ¥{owed.total:,} outstanding on this loan on "
            f"{owed.day:%d %B %Y} (principal ¥{owed.principal:,}, interest to that day "
            f"¥{owed.interest:,}, delay damages ¥{owed.damages:,}); record at most the "
            "amount outstanding.")


def _receivable(application: Application, rows: list[Instalment], money: RepaymentInput,
                today: date) -> LoanTerms:
    """The loan's terms, once the payment is known to fit it; else refused by field."""
    loan = application.loan
    if not rows or loan is None or loan.first_release_on is None:
        raise TransitionRefused(_("No money has been released on this loan yet, so there is "
                                  "nothing to repay."), "received_on")
    if money.received_on > today:
        raise TransitionRefused(_("The date received, %(received_on)s, is in the future.",
                                  received_on=long_date(money.received_on)), "received_on")
    if money.received_on < loan.first_release_on:
        raise TransitionRefused(
            _("The date received, %(received_on)s, is before the first release on "
              "%(first_release_on)s.", received_on=long_date(money.received_on),
              first_release_on=long_date(loan.first_release_on)), "received_on")
    latest = last_movement(application)
    if latest is not None and money.received_on < latest:
        raise TransitionRefused(
            _("The date received, %(received_on)s, is before the loan's last movement (a release "
              "or a repayment) on %(latest)s: record repayments in the order they were received.",
              received_on=long_date(money.received_on), latest=long_date(latest)), "received_on")
    terms = terms_of(loan)
    owed = position(terms, rows, money.received_on)
    if money.amount_yen > owed.total:
        raise TransitionRefused(too_much_message(money.amount_yen, owed), "amount_yen")
    duplicate = db.session.scalar(select(Repayment).where(
        Repayment.application_id == application.id,
        Repayment.bank_reference == money.bank_reference))
    if duplicate is not None:
        raise TransitionRefused(
            _("The payment %(bank_reference)s was already recorded on %(received_on)s "
              "(¥%(amount_yen)s).", bank_reference=money.bank_reference,
              received_on=long_date(duplicate.received_on),
              amount_yen=f"{duplicate.amount_yen:,}"), "bank_reference")
    return terms


@outcome("repayment_outcome")
def repayment_outcome(step: Step) -> str:
    """Where the loan stands once the payment is split (refuses a bad payment)."""
    money = _read_inputs(step)
    rows = instalments_of(step.application)
    terms = _receivable(step.application, rows, money, step.today)
    if money.amount_yen == position(terms, rows, money.received_on).total:
        return "repaid"
    if step.from_state != "in_arrears":
        return "still_active"
    split = allocate(terms, rows, money.received_on, money.amount_yen)
    paid = {p.number: p.interest_yen + p.principal_yen for p in split.parts}
    still_late = any(left_to_pay(r) > paid.get(r.number, 0) and past_grace(r.due_on, step.today)
                     for r in rows)
    return "still_in_arrears" if still_late else "cured"


@effect("apply_repayment")
def apply_repayment(step: Step) -> None:
    """Split the payment, rebuild the schedule for a prepayment, book it in the ledger."""
    application, loan = step.application, step.application.loan
    money = _read_inputs(step)
    terms = terms_of(loan)
    rows = instalments_of(application)
    split = allocate(terms, rows, money.received_on, money.amount_yen)
    before = schedule_summary(rows, money.received_on)
    if split.prepaid_principal_yen:
        rows = write_plan(application, rows, replan(terms, rows, money.received_on,
                                                    prepaid=split.prepaid_principal_yen))
    apply_parts(terms, rows, split)
    if split.prepaid_principal_yen:
        step.data["schedule"] = {"reason": "prepayment", "on": money.received_on,
                                 "prepaid_yen": split.prepaid_principal_yen,
                                 "setting": loan.prepayment_mode, "before": before,
                                 "after": schedule_summary(rows, money.received_on)}
    repayment = _store(application, step, money, split, rows)
    memo = f"Repayment {money.bank_reference} of {application.reference}"
    for kind, amount in (("repayment_damages", split.damages_yen),
                         ("repayment_interest", split.interest_yen),
                         ("repayment_principal", split.principal_yen)):
        if amount:
            ledger.post(application.fund, kind, amount, actor=step.actor,
                        application=application, booked_on=money.received_on, memo=memo,
                        repayment_id=repayment.id)
    if step.outcome == "repaid":
        undrawn_lapses(step, money.received_on, f"Repaid: {application.reference}")
    if step.outcome in ("cured", "repaid") and loan.write_off_requested_by_id is not None:
        # A pending write-off request no longer applies to a loan that is paying again.
        loan.write_off_requested_by_id = None
        loan.write_off_requested_at = None
        loan.write_off_reason = ""
        step.data["write_off_request_withdrawn"] = True
    db.session.flush()


def _store(application: Application, step: Step, money: RepaymentInput, split: Allocation,
           rows: list[Instalment]) -> Repayment:
    repayment = Repayment(application_id=application.id, received_on=money.received_on,
                          amount_yen=money.amount_yen, principal_yen=split.principal_yen,
                          interest_yen=split.interest_yen, damages_yen=split.damages_yen,
                          bank_reference=money.bank_reference,
                          recorded_by_id=step.actor.id if step.actor else None)
    db.session.add(repayment)
    db.session.flush()
    by_number = {r.number: r for r in rows}
    for part in split.parts:
        db.session.add(RepaymentAllocation(
            repayment_id=repayment.id, instalment_id=by_number[part.number].id,
            damages_yen=part.damages_yen, interest_yen=part.interest_yen,
            principal_yen=part.principal_yen))
    step.data["repayment"] = {
        "id": repayment.id, "amount_yen": money.amount_yen, "received_on": money.received_on,
        "bank_reference": money.bank_reference, "damages_yen": split.damages_yen,
        "interest_yen": split.interest_yen, "principal_yen": split.principal_yen,
        "prepaid_principal_yen": split.prepaid_principal_yen,
        "instalments": [p.number for p in split.parts],
    }
    return repayment
