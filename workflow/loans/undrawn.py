"""The part of an approved loan not yet drawn, cancelled with four eyes.

One finance officer proposes to cancel an amount of the undrawn part, with a reason
(`propose_cancellation`); another confirms it (`confirm_cancellation`), which gives that much
of the loan's reservation back to the fund's available balance (a ledger
commitment_release); any finance officer may withdraw a proposal instead. Every step holds
the application row lock, as a tranche request does, so a tranche and a cancellation racing
for the same yen are served one after the other: no tranche may draw cancelled money, and a
cancellation may take only what no tranche request is waiting for.

A loan that ends — paid off or written off — gives back whatever is still reserved: pending
tranche requests lapse and a pending proposal is withdrawn (`undrawn_lapses`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from models import Application, Tranche, UndrawnCancellation, User, db, utcnow
from workflow.engine import audit, service
from workflow.engine.errors import TransitionRefused, ValidationFailed
from workflow.engine.rules import Step, effect
from workflow.money import ledger
from workflow.money.cancellations import cancellation_lines
from workflow.money.tranches import PENDING_SUM, RELEASED_SUM, _cancel_pending
from workflow.people.notifications import notify, users_with_role

FINANCE = "finance_officer"
CANCELLABLE_STATES = ("approved", "contracted", "active", "in_arrears")
REASON_LENGTH = 300  # the column's size


@dataclass(frozen=True)
class Undrawn:
    """The loan's approved amount and where it went: plain figures and rows, which a page
    may keep until the file's revision moves (workflow.engine.kept)."""

    approved: int
    released: int
    cancelled: int  # confirmed cancellations
    pending_tranches: int  # requested, awaiting authorisation
    proposed: Any | None  # the row (cancellations.cancellation_lines) awaiting confirmation

    @property
    def undrawn(self) -> int:
        return self.approved - self.released - self.cancelled

    @property
    def cancellable(self) -> int:
        """What a cancellation may take now: no tranche request is waiting for it."""
        return max(self.undrawn - self.pending_tranches, 0)


_TRANCHE_SUMS = select(RELEASED_SUM, PENDING_SUM).where(
    Tranche.application_id == bindparam("application_id"))


def undrawn_of(application: Application) -> Undrawn:
    """The figures, from two queries: the tranches' sums and the cancellations."""
    released, pending = db.session.connection().execute(
        _TRANCHE_SUMS, {"application_id": application.id}).one()
    return _figures(application, int(released), int(pending),
                    cancellation_lines(application))


def undrawn_from(application: Application, tranche_rows: list,
                 cancellations: list) -> Undrawn:
    """The figures from rows a page has read already: the tranches (with their amount and
    state) and cancellations.cancellation_lines."""
    released = sum(t.amount_yen for t in tranche_rows if t.state == "released")
    pending = sum(t.amount_yen for t in tranche_rows if t.state == "requested")
    return _figures(application, released, pending, cancellations)


def _figures(application: Application, released: int, pending: int,
             lines: list) -> Undrawn:
    return Undrawn(approved=application.approved_yen or 0, released=released,
                   cancelled=sum(c.amount_yen for c in lines if c.state == "confirmed"),
                   pending_tranches=pending,
                   proposed=next((c for c in lines if c.state == "proposed"), None))


def proposal_of(application: Application, *, lock: bool = False) -> UndrawnCancellation | None:
    query = select(UndrawnCancellation).where(
        UndrawnCancellation.application_id == application.id,
        UndrawnCancellation.state == "proposed").execution_options(populate_existing=True)
    if lock:
        query = query.with_for_update()
    return db.session.scalars(query).first()


def may_propose(application: Application, user: User | None,
                money: Undrawn | None = None) -> str | None:
    """None when `user` may propose a cancellation now; else why not. `money`: the
    figures, when the caller has read them already."""
    if user is None or not user.has_role(FINANCE):
        return _("Only finance officers may cancel the undrawn part of a loan.")
    if application.kind != "loan" or application.state not in CANCELLABLE_STATES:
        return _("Only the undrawn part of an approved loan, not yet ended, can be cancelled.")
    money = money or undrawn_of(application)
    if money.proposed is not None:
        return (_("%(proposed_by_name)s already proposed to cancel ¥%(amount_yen)s; it awaits a "
                  "second finance officer.", proposed_by_name=money.proposed.proposed_by_name,
                  amount_yen=f"{money.proposed.amount_yen:,}"))
    if money.cancellable < 1:
        return _("Nothing of the loan is left undrawn to cancel.")
    return None


def _amount_problem(money: Undrawn, amount: int) -> str | None:
    if amount > money.cancellable:
        if money.pending_tranches:
            return _("At most ¥%(cancellable)s can be cancelled: ¥%(undrawn)s of the loan is "
                     "undrawn, and tranche requests await authorisation for ¥%(pending)s.",
                     cancellable=f"{money.cancellable:,}", undrawn=f"{money.undrawn:,}",
                     pending=f"{money.pending_tranches:,}")
        return _("At most ¥%(cancellable)s can be cancelled: ¥%(undrawn)s of the loan is "
                 "undrawn.", cancellable=f"{money.cancellable:,}", undrawn=f"{money.undrawn:,}")
    if money.released == 0 and amount == money.undrawn:
        return (_("Nothing has been drawn yet: to give up the whole loan, cancel the file "
                  "instead (the secretariat's Cancel)."))
    return None


def propose_cancellation(application: Application, actor: User, amount_yen: int,
                         reason: str) -> UndrawnCancellation:
    """Propose to cancel `amount_yen` of the undrawn part; another officer must confirm."""
    app = service.lock(application)  # a tranche request racing for the same yen waits
    problem = may_propose(app, actor)
    if problem:
        raise TransitionRefused(problem)
    if isinstance(amount_yen, bool) or not isinstance(amount_yen, int) or amount_yen < 1:
        raise ValidationFailed(_("Enter the amount to cancel as a positive whole number of yen."),
                               "amount_yen")
    problem = _amount_problem(undrawn_of(app), amount_yen)
    if problem:
        raise ValidationFailed(problem, "amount_yen")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason for the cancellation."), "reason")
    if len(reason) > REASON_LENGTH:
        raise ValidationFailed(_("The reason may have at most %(reason_length)s characters.",
                                 reason_length=REASON_LENGTH),
                               "reason")
    proposal = UndrawnCancellation(application_id=app.id, amount_yen=amount_yen, reason=reason,
                                   state="proposed", proposed_by_id=actor.id,
                                   proposed_at=utcnow())
    db.session.add(proposal)
    db.session.flush()
    _record("undrawn_cancellation_proposed", app, proposal, actor, reason=reason)
    notify([u for u in users_with_role(FINANCE) if u.id != actor.id], "tranche_requested",
           lambda: _("A cancellation of ¥%(amount)s of the undrawn part of “%(title)s” awaits "
                     "confirmation by a second finance officer.", amount=f"{amount_yen:,}",
                     title=app.title), app)
    return proposal


def _fresh(proposal_id: int, application: Application) -> UndrawnCancellation:
    proposal = db.session.scalars(
        select(UndrawnCancellation).where(UndrawnCancellation.id == proposal_id)
        .with_for_update().execution_options(populate_existing=True)).first()
    if proposal is None or proposal.application_id != application.id:
        raise TransitionRefused(_("There is no such cancellation on this loan."))
    if proposal.state != "proposed":
        raise TransitionRefused(_("This cancellation was already confirmed.")
                                if proposal.state == "confirmed" else
                                _("This cancellation was already withdrawn."))
    return proposal


def confirm_cancellation(application: Application, proposal_id: int, actor: User,
                         today: date | None = None) -> UndrawnCancellation:
    """The second officer confirms: the amount's reservation goes back to the fund."""
    today = today or date.today()
    app = service.lock(application)
    if actor is None or not actor.has_role(FINANCE):
        raise TransitionRefused(_("Only finance officers may confirm a cancellation."))
    proposal = _fresh(proposal_id, app)
    if proposal.proposed_by_id == actor.id:
        raise TransitionRefused(_("You proposed this cancellation; another finance officer must "
                                  "confirm it."))
    if app.state not in CANCELLABLE_STATES:
        raise TransitionRefused(_("The loan has ended: its undrawn part was already given back."))
    money = undrawn_of(app)
    problem = _amount_problem(money, proposal.amount_yen)
    if problem:
        raise TransitionRefused(_("The cancellation of ¥%(amount_yen)s cannot be confirmed now. "
                                  "%(problem)s", amount_yen=f"{proposal.amount_yen:,}",
                                  problem=problem))
    ledger.lock_fund(app.fund)
    ledger.post(app.fund, "commitment_release", proposal.amount_yen, actor=actor,
                application=app, booked_on=today,
                memo=f"Undrawn part of {app.reference} cancelled: {proposal.reason}")
    proposal.state, proposal.decided_by_id = "confirmed", actor.id
    proposal.decided_at, proposal.decided_on = utcnow(), today
    db.session.flush()
    _record("undrawn_cancellation_confirmed", app, proposal, actor,
            undrawn_before_yen=money.undrawn,
            undrawn_after_yen=money.undrawn - proposal.amount_yen)
    return proposal


def withdraw_cancellation(application: Application, proposal_id: int,
                          actor: User) -> UndrawnCancellation:
    """A finance officer withdraws a proposal awaiting confirmation."""
    app = service.lock(application)
    if actor is None or not actor.has_role(FINANCE):
        raise TransitionRefused(_("Only finance officers may withdraw a cancellation."))
    proposal = _fresh(proposal_id, app)
    proposal.state, proposal.decided_by_id = "withdrawn", actor.id
    proposal.decided_at = utcnow()
    db.session.flush()
    _record("undrawn_cancellation_withdrawn", app, proposal, actor)
    return proposal


def _record(action: str, app: Application, proposal: UndrawnCancellation, actor: User | None,
            **extra) -> None:
    # On the application, so that the file's timeline shows each step.
    audit.record(action, actor=actor, object_type="application", object_id=app.id,
                 from_state=app.state, to_state=app.state,
                 data={"reference": app.reference, "cancellation_id": proposal.id,
                       "amount_yen": proposal.amount_yen, **extra})


# --- a loan that ends gives back what it still holds --------------------------------------

def undrawn_lapses(step: Step, day: date, memo: str) -> None:
    """Pending tranche requests lapse, a pending proposal is withdrawn, and what is still
    reserved for the loan goes back to the fund (recorded in the step's audit event)."""
    app = step.application
    lapsed = _cancel_pending(app, step.actor)
    proposal = proposal_of(app, lock=True)
    if proposal is not None:
        proposal.state, proposal.decided_at = "withdrawn", utcnow()
        proposal.decided_by_id = step.actor.id if step.actor else None
        db.session.flush()
    freed = ledger.release_commitment(app, step.actor, memo, booked_on=day)
    if lapsed:
        step.data["cancelled_tranches"] = lapsed
    if freed:
        step.data["commitment_released_yen"] = freed
    if proposal is not None:
        step.data["cancellation_withdrawn"] = proposal.id


@effect("written_off_frees_the_undrawn")
def written_off_frees_the_undrawn(step: Step) -> None:
    undrawn_lapses(step, step.today, f"Write-off of {step.application.reference}")


@effect("cancelled_withdraws_a_proposal")
def cancelled_withdraws_a_proposal(step: Step) -> None:
    """The file's cancellation frees the money itself (workflow.money.tranches); a proposal
    awaiting confirmation has nothing left to cancel."""
    proposal = proposal_of(step.application, lock=True)
    if proposal is not None:
        proposal.state, proposal.decided_at = "withdrawn", utcnow()
        proposal.decided_by_id = step.actor.id if step.actor else None
        db.session.flush()
        step.data["cancellation_withdrawn"] = proposal.id
