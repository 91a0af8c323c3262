"""Disbursement tranches with four eyes, and what cancelling a file does to the money.

One finance officer requests a tranche (`request_tranche`); another authorises
it (`authorise_tranche`), which locks the application row and fires the
workflow's `release_tranche`: this module's permission rule checks the tranche
and the four eyes, and its effect re-reads the tranche under lock, marks it
released and books the disbursement. Every step that could push the total past
the approved amount holds the application row lock, so two officers acting at
the same instant are served one after the other and the second sees what the
first did.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from models import Application, Tranche, User, db, utcnow
from models.i18n import N_
from workflow.engine import audit, registry, rules, service
from workflow.engine.errors import TransitionRefused, ValidationFailed
from workflow.engine.wording import listing, lower_first, word
from workflow.people.notifications import notify, users_with_role

from . import ledger
from .cancellations import cancelled_of

RELEASE = "release_tranche"
FINANCE = "finance_officer"
WORKFLOWS = ("grant", "loan")
NOTE_LENGTH = 300  # the column's size

RELEASED_SUM = func.coalesce(func.sum(case(
    (Tranche.state == "released", Tranche.amount_yen), else_=0)), 0)
PENDING_SUM = func.coalesce(func.sum(case(
    (Tranche.state == "requested", Tranche.amount_yen), else_=0)), 0)


@dataclass(frozen=True)
class Figures:
    """The money of one application as the finance officer sees it."""

    approved: int
    released: int
    pending: int  # requested, awaiting authorisation
    cancelled: int = 0  # a loan's undrawn part cancelled (workflow.loans.undrawn)

    @property
    def remaining(self) -> int:
        """What may still be requested."""
        return max(self.approved - self.cancelled - self.released - self.pending, 0)


def figures(application: Application) -> Figures:
    """Approved, released and pending amounts, from one grouped query (and a loan's
    cancelled undrawn part from another)."""
    released, pending = db.session.execute(
        select(RELEASED_SUM, PENDING_SUM).where(Tranche.application_id == application.id)
    ).one()
    return Figures(application.approved_yen or 0, int(released), int(pending),
                   cancelled_of(application))


def tranches_of(application: Application) -> list[Tranche]:
    """The application's tranches in order (the API's list, which names no person)."""
    return list(db.session.scalars(
        select(Tranche).where(Tranche.application_id == application.id)
        .order_by(Tranche.number)))


def releasable_states(application: Application) -> tuple[str, ...]:
    """The states from which this application's workflow may release a tranche."""
    definition = registry.get(application.workflow_name, application.workflow_version)
    return tuple(dict.fromkeys(s for t in definition.arrows(RELEASE) for s in t.sources))


def may_release_now(application: Application) -> bool:
    return application.state in releasable_states(application)


def not_releasable_message(application: Application) -> str:
    definition = registry.get(application.workflow_name, application.workflow_version)
    labels = [lower_first(word(definition.state(s).staff_label))
              for s in releasable_states(application)]
    allowed = labels[0] if len(labels) == 1 else _("%(some)s or %(last)s",
                                                   some=listing(labels[:-1]), last=labels[-1])
    now = lower_first(word(definition.state(application.state).staff_label))
    return _("Tranches are released only while the application is %(allowed)s; it is %(now)s.",
             allowed=allowed, now=now)


def _fresh_tranche(tranche_id: int, *, lock: bool = False) -> Tranche | None:
    """Read the tranche from the database, not from the session's memory of it."""
    query = select(Tranche).where(Tranche.id == tranche_id).execution_options(
        populate_existing=True)
    if lock:
        query = query.with_for_update()
    return db.session.scalars(query).first()


def _state_problem(tranche: Tranche) -> str | None:
    if tranche.state == "released":
        return _("This tranche was already released.")
    if tranche.state == "cancelled":
        return _("This tranche was cancelled.")
    return None


def authorisation_problem(tranche: Tranche | None, application: Application,
                          user: User | None) -> str | None:
    """Why this user may not authorise this tranche (None: they may)."""
    if tranche is None or tranche.application_id != application.id:
        return _("There is no such tranche on this application.")
    problem = _state_problem(tranche)
    if problem:
        return problem
    if user is not None and tranche.requested_by_id == user.id:
        return _("You requested this tranche; another finance officer must authorise it.")
    return None


def authorise_blocker(tranche, application: Application, user: User | None) -> str | None:
    """For the page: why the Authorise button cannot be used now, if it cannot. `tranche`
    may be a plain row with the Tranche's columns (the page reads them as rows)."""
    if not may_release_now(application):
        return not_releasable_message(application)
    return authorisation_problem(tranche, application, user)


def _refuse_unless_finance(actor: User | None, doing: str) -> None:
    if actor is None or not actor.has_role(FINANCE):
        raise TransitionRefused(_("Only finance officers may %(doing)s.", doing=word(doing)))


def request_tranche(application: Application, amount_yen: int, actor: User,
                    note: str = "") -> Tranche:
    """Ask for a tranche to be released; another finance officer must authorise it."""
    _refuse_unless_finance(actor, N_("request a tranche"))
    app = service.lock(application)  # two requests racing for the last yen queue here
    if not may_release_now(app):
        raise TransitionRefused(not_releasable_message(app))
    if app.approved_yen is None:
        raise TransitionRefused(_("This application has no approved amount."))
    if isinstance(amount_yen, bool) or not isinstance(amount_yen, int) or amount_yen <= 0:
        raise ValidationFailed(_("Enter the amount as a positive whole number of yen."),
                               "amount_yen")
    note = (note or "").strip()
    if len(note) > NOTE_LENGTH:
        raise ValidationFailed(_("The note may have at most %(note_length)s characters.",
                                 note_length=NOTE_LENGTH), "note")
    money = figures(app)
    if amount_yen > money.remaining and money.cancelled:
        raise ValidationFailed(
            _("At most ¥%(remaining)s can still be requested: approved ¥%(approved)s, cancelled "
              "¥%(cancelled)s, released ¥%(released)s, awaiting authorisation ¥%(pending)s.",
              remaining=f"{money.remaining:,}", approved=f"{money.approved:,}",
              cancelled=f"{money.cancelled:,}", released=f"{money.released:,}",
              pending=f"{money.pending:,}"), "amount_yen")
    if amount_yen > money.remaining:
        raise ValidationFailed(
            _("At most ¥%(remaining)s can still be requested: approved ¥%(approved)s, released "
              "¥%(released)s, awaiting authorisation ¥%(pending)s.",
              remaining=f"{money.remaining:,}", approved=f"{money.approved:,}",
              released=f"{money.released:,}", pending=f"{money.pending:,}"), "amount_yen")
    last = db.session.scalar(
        select(func.max(Tranche.number)).where(Tranche.application_id == app.id))
    tranche = Tranche(application_id=app.id, number=(last or 0) + 1, amount_yen=amount_yen,
                      state="requested", note=note, requested_by_id=actor.id,
                      requested_at=utcnow())
    db.session.add(tranche)
    db.session.flush()
    _record("tranche_requested", app, tranche, actor, note=note)
    notify([u for u in users_with_role("finance_officer") if u.id != actor.id],
           "tranche_requested",
           lambda: _("A tranche of ¥%(amount)s for “%(title)s” awaits authorisation by a "
                     "second finance officer.", amount=f"{amount_yen:,}", title=app.title), app)
    return tranche


def authorise_tranche(tranche: Tranche, actor: User,
                      expected_version: int | None = None) -> Tranche:
    """Authorise a requested tranche: the workflow's release_tranche, four eyes enforced."""
    # Hold the application row before any check, so that of two officers clicking at the
    # same instant the second waits, then reads the tranche as the first left it and is
    # told "already released" rather than a vaguer "changed by someone else".
    application = service.lock(tranche.application)
    service.fire(application, RELEASE, actor, tranche_id=tranche.id,
                 expected_version=expected_version)
    return tranche


def cancel_tranche(tranche: Tranche, actor: User) -> Tranche:
    """Withdraw a tranche that is still awaiting authorisation."""
    _refuse_unless_finance(actor, N_("cancel a tranche"))
    app = service.lock(tranche.application)
    current = _fresh_tranche(tranche.id, lock=True)
    problem = authorisation_problem(current, app, None)
    if problem:
        raise TransitionRefused(problem)
    current.state = "cancelled"
    current.cancelled_by_id = actor.id
    db.session.flush()
    _record("tranche_cancelled", app, current, actor)
    return current


def _record(action: str, app: Application, tranche: Tranche, actor: User, **extra) -> None:
    # On the application, so that the file's timeline shows the request and its withdrawal.
    audit.record(action, actor=actor, object_type="application", object_id=app.id,
                 data={"reference": app.reference, "tranche": tranche.number,
                       "tranche_id": tranche.id, "amount_yen": tranche.amount_yen, **extra})


# --- the rules of release_tranche, for both workflows -----------------------------------


@rules.permission("four_eyes")
def four_eyes(step: rules.Step) -> str | None:
    """The tranche must await authorisation, by someone other than who requested it."""
    tranche_id = step.inputs.get("tranche_id")
    if tranche_id is None:
        return None  # listing the page's actions: no tranche chosen yet
    return authorisation_problem(_fresh_tranche(tranche_id), step.application, step.actor)


@rules.effect("pay_out_the_tranche")
def release(step: rules.Step) -> None:
    """Mark the tranche released and pay it out of the fund."""
    app, actor = step.application, step.actor
    tranche_id = step.inputs.get("tranche_id")
    if tranche_id is None:
        raise TransitionRefused(_("Choose the requested tranche to release."))
    tranche = _fresh_tranche(tranche_id, lock=True)
    problem = authorisation_problem(tranche, app, actor)
    if problem:
        raise TransitionRefused(problem)
    amount = tranche.amount_yen
    money = figures(app)
    if money.released + amount > money.approved - money.cancelled:
        # A tranche awaiting authorisation cannot draw what was cancelled meanwhile.
        figures_ = {"amount": f"{amount:,}", "total": f"{money.released + amount:,}",
                    "left": f"{money.approved - money.cancelled:,}",
                    "approved": f"{money.approved:,}", "cancelled": f"{money.cancelled:,}"}
        raise TransitionRefused(
            _("Releasing ¥%(amount)s would take the total released to ¥%(total)s, above the "
              "¥%(left)s left of the approved ¥%(approved)s once ¥%(cancelled)s of it was "
              "cancelled.", **figures_) if money.cancelled else
            _("Releasing ¥%(amount)s would take the total released to ¥%(total)s, above the "
              "approved ¥%(approved)s.", **figures_))
    fund = ledger.lock_fund(app.fund)
    reserved = ledger.outstanding_commitment(app)
    if amount > reserved:
        # Paying out money never reserved would make the fund's commitments negative.
        raise TransitionRefused(
            _("Only ¥%(reserved)s is still reserved for %(reference)s; ¥%(amount)s cannot be "
              "released.", reserved=f"{reserved:,}", reference=app.reference, amount=f"{amount:,}"))
    cash = ledger.balances(fund).cash
    if amount > cash:
        raise TransitionRefused(
            _("The %(code)s fund holds ¥%(cash)s in cash; releasing ¥%(amount)s would take it "
              "below zero (short by ¥%(cash2)s).", code=fund.code, cash=f"{cash:,}",
              amount=f"{amount:,}", cash2=f"{amount - cash:,}"))
    tranche.state = "released"
    tranche.authorised_by_id = actor.id
    tranche.released_at = utcnow()
    db.session.flush()
    ledger.post(fund, "disbursement", amount, actor=actor, application=app,
                tranche_id=tranche.id, booked_on=step.today,  # a loan's interest runs from it
                memo=f"Tranche {tranche.number} of {app.reference}")
    step.data.update(tranche=tranche.number, tranche_id=tranche.id, amount_yen=amount)


# --- ending a file: pending tranches lapse, the reserved money returns ---------------


def _cancel_pending(app: Application, actor: User | None) -> list[int]:
    pending = db.session.scalars(
        select(Tranche).where(Tranche.application_id == app.id, Tranche.state == "requested")
        .order_by(Tranche.number).with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    for tranche in pending:
        tranche.state = "cancelled"
        tranche.cancelled_by_id = actor.id if actor else None
    db.session.flush()
    return [t.number for t in pending]


@rules.effect("cancellation_frees_the_money")
def cancellation_frees_the_money(step: rules.Step) -> None:
    """Cancelled: pending tranches lapse and the unreleased commitment returns to the fund."""
    app = step.application
    lapsed = _cancel_pending(app, step.actor)
    freed = ledger.release_commitment(app, step.actor, f"Cancellation of {app.reference}")
    step.data.update(cancelled_tranches=lapsed, commitment_released_yen=freed)


@rules.effect("closing_cancels_pending_tranches")
def closing_cancels_pending_tranches(step: rules.Step) -> None:
    """A closed file releases nothing more: requests still awaiting authorisation lapse."""
    lapsed = _cancel_pending(step.application, step.actor)
    if lapsed:
        step.data.update(cancelled_tranches=lapsed)
