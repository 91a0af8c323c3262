"""Loans in arrears: the daily job that marks them, and the write-off of what they still owe.

The job (`flask loans mark-arrears`) moves an active loan to in_arrears when one of its
instalments is unpaid more than GRACE_DAYS (workflow.loans.repayments) after its due date. It is
idempotent: a loan already in arrears is not active and is left alone.

A write-off takes two people: a finance officer requests it with a reason, and the committee
chair, who must be someone else, approves it (the write_off transition).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, exists, select

from models import Application, Instalment, User, db, utcnow
from workflow.engine import audit, service
from workflow.engine.errors import TransitionRefused, ValidationFailed
from workflow.engine.rules import Step, effect, guard, permission
from workflow.engine.wording import long_date
from workflow.money import ledger

from .book import instalments_of
from .repayments import GRACE_DAYS, outstanding_principal, overdue

__all__ = ["GRACE_DAYS", "ArrearsMove", "mark_arrears", "request_write_off",
           "may_request_write_off"]


@dataclass(frozen=True)
class ArrearsMove:
    """One loan the job moved, and the oldest instalment that made it late."""

    reference: str
    instalment_number: int
    due_on: date
    days_overdue: int
    unpaid_yen: int

    def __str__(self) -> str:
        return (f"{self.reference}: in arrears — instalment {self.instalment_number} due "
                f"{self.due_on.isoformat()} is {self.days_overdue} days overdue "
                f"(¥{self.unpaid_yen:,} unpaid).")


def loans_to_mark(today: date) -> list[Application]:
    """Active loans with an instalment unpaid more than GRACE_DAYS after it fell due."""
    cutoff = today - timedelta(days=GRACE_DAYS)
    late = exists().where(and_(
        Instalment.application_id == Application.id,
        Instalment.due_on < cutoff,
        Instalment.paid_principal_yen + Instalment.paid_interest_yen
        < Instalment.principal_yen + Instalment.interest_yen,
    ))
    return list(db.session.scalars(
        select(Application).where(Application.kind == "loan", Application.state == "active",
                                  late).order_by(Application.id)))


def mark_arrears(today: date | None = None) -> list[ArrearsMove]:
    """Fire mark_arrears (as the system) on every loan that is late today; never commits."""
    today = today or date.today()
    moves = []
    for application in loans_to_mark(today):
        try:
            service.fire(application, "mark_arrears", None, today=today)
        except TransitionRefused:
            continue  # changed since the query (e.g. a repayment just landed): not late now
        oldest = overdue(instalments_of(application), today)[0]
        moves.append(ArrearsMove(application.reference, oldest.number, oldest.due_on,
                                 (today - oldest.due_on).days, oldest.due_yen))
    return moves


@effect("record_overdue")
def _record_overdue(step: Step) -> None:
    # The definition names no guard for mark_arrears: the rule is checked here, where
    # refusing still undoes the move.
    late = overdue(instalments_of(step.application), step.today)
    if not late:
        raise TransitionRefused(_("No instalment is more than %(grace_days)s days overdue.",
                                  grace_days=GRACE_DAYS))
    step.data["overdue"] = [{"number": i.number, "due_on": i.due_on, "unpaid_yen": i.due_yen,
                             "days_overdue": (step.today - i.due_on).days} for i in late]


# --- write-off ----------------------------------------------------------------------------

def may_request_write_off(application: Application, user: User | None) -> str | None:
    """None when `user` may request a write-off of this loan now; else why not."""
    if user is None or not user.has_role("finance_officer"):
        return _("Only finance officers may request a write-off.")
    if application.kind != "loan" or application.state != "in_arrears":
        return _("A write-off can be requested only for a loan in arrears.")
    loan = application.loan
    if loan.write_off_requested_by_id is not None:
        return (_("%(name)s already requested the write-off on %(write_off_requested_at)s.",
                  name=loan.write_off_requested_by.name,
                  write_off_requested_at=long_date(loan.write_off_requested_at)))
    return None


def request_write_off(application: Application, actor: User, reason: str) -> Application:
    """Record a finance officer's request to write off the loan's outstanding principal."""
    application = service.lock(application)
    problem = may_request_write_off(application, actor)
    if problem:
        raise TransitionRefused(problem)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason for the write-off."), "reason")
    loan = application.loan
    loan.write_off_requested_by_id = actor.id
    loan.write_off_requested_at = utcnow()
    loan.write_off_reason = reason
    db.session.flush()
    audit.record("write_off_requested", actor=actor, object_type="application",
                 object_id=application.id, from_state=application.state,
                 to_state=application.state,
                 data={"reference": application.reference, "reason": reason,
                       "outstanding_principal_yen":
                           outstanding_principal(instalments_of(application))})
    return application


@guard("write_off_requested")
def write_off_requested(step: Step) -> str | None:
    loan = step.application.loan
    if loan is None or loan.write_off_requested_by_id is None:
        return _("A finance officer must request the write-off before the chair approves it.")
    return None


@permission("not_the_requester")
def not_the_requester(step: Step) -> str | None:
    loan = step.application.loan
    if (step.actor is not None and loan is not None
            and loan.write_off_requested_by_id == step.actor.id):
        return _("You requested this write-off; someone else must approve it.")
    return None


@effect("post_write_off")
def post_write_off(step: Step) -> None:
    application, loan = step.application, step.application.loan
    principal = outstanding_principal(instalments_of(application))
    if principal > 0:
        ledger.post(application.fund, "write_off", principal, actor=step.actor,
                    application=application, booked_on=step.today,
                    memo=f"Write-off of {application.reference}: {loan.write_off_reason}")
    step.data["write_off"] = {"principal_yen": principal,
                              "requested_by_id": loan.write_off_requested_by_id,
                              "reason": loan.write_off_reason}
