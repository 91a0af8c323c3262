"""The committee's decision through the engine: closing ballots and acting on them.

Registered with workflow.engine.rules for both workflows (opening ballots, who may close one and
the secretariat's deferral: workflow.committee.ballot_steps):

* the outcome of "decide": from the tally of the open ballot and the chair's `casting_vote`;
  a ballot nobody may vote on is not closed (deferred, it would reopen with nobody again);
* the guard "funds_available" on the approve arrow: the fund's available balance and the
  round's budget (workflow.money.round_budget);
* the effect of "decide": the ballot closes with its counts; an approval sets the approved
  amount, the conditions (and a loan's terms) and reserves the money in the fund; a deferral
  opens the next ballot at once.

Chair inputs to fire("decide"): approved_yen, conditions, casting_vote, and for loans
annual_rate, term_months, grace_months, method, damages_rate and prepayment_mode
(workflow.loans.terms).
"""

from __future__ import annotations

from flask_babel import gettext as _

from models import Application, GrantDetails, LoanDetails, db
from models.i18n import N_
from workflow.engine import registry
from workflow.engine.errors import TransitionRefused
from workflow.engine.rules import Step, effect, guard, outcome
from workflow.loans.terms import blank, loan_terms, whole
from workflow.money import ledger, round_budget

from .ballot_steps import close_open_ballot, open_ballot
from .ballots import lock_open_ballot, outcome_of
from .presiding import nobody_may_vote
from .tally import tally


def casting_vote_input(step: Step) -> str | None:
    """The chair's deciding vote: approve, reject or none."""
    value = step.inputs.get("casting_vote")
    if blank(value):
        return None
    if value not in ("approve", "reject"):
        raise TransitionRefused(_("The deciding vote must be approve or reject."),
                                field="casting_vote")
    return value


def approved_amount(step: Step) -> int:
    """The amount the chair approves: the input, else the amount requested; 1..requested."""
    app = step.application
    amount = whole(step.inputs.get("approved_yen"), "approved_yen", N_("The approved amount"))
    amount = app.requested_yen if amount is None else amount
    if not 1 <= amount <= app.requested_yen:
        raise TransitionRefused(
            _("The approved amount must be between ¥1 and the ¥%(requested_yen)s requested; "
              "¥%(amount)s was given.", requested_yen=f"{app.requested_yen:,}",
              amount=f"{amount:,}"), field="approved_yen")
    return amount


# --- hooks ---------------------------------------------------------------------------------

def decide_outcome(step: Step) -> str:
    """The ballot's result: the open ballot is locked first, so the count cannot move.

    A ballot nobody may vote on is not closed: deferred, it would open the next one with
    nobody again, for ever; it waits for a member who may vote.
    """
    ballot = lock_open_ballot(step.application)
    count = tally(ballot)
    if count.eligible == 0:
        raise TransitionRefused(nobody_may_vote(ballot, set()))
    return outcome_of(count, casting_vote_input(step))


outcome("ballot_result")(decide_outcome)


@guard("funds_available")
def funds_available(step: Step) -> str | None:
    """The fund's available balance and the round's budget cover the amount to approve
    (both checked again under their locks when the approval reserves the money)."""
    try:
        amount = whole(step.inputs.get("approved_yen"), "approved_yen", N_("The approved amount"))
    except TransitionRefused:
        return None  # the effect refuses the malformed amount with its own sentence
    if amount is None:
        amount = step.application.requested_yen
    if not 1 <= amount <= step.application.requested_yen:
        return None  # no amount, or one the effect refuses next to its field
    app = step.application
    available = ledger.balances(app.fund, step.today).available
    if amount > available:
        return ledger.shortfall_message(app.fund, available, amount, N_("approving"))
    if app.round is not None:
        return round_budget.over_budget(app.round, round_budget.figures_of(app.round), amount)
    return None


def approval_blocked(application: Application, today) -> str | None:
    """Why approving the amount requested would be refused now (the fund or the round is
    short), shown above the chair's form before the ballot is closed; None when it fits."""
    step = Step(application, "decide", None, {}, today, registry.get(
        application.workflow_name, application.workflow_version))
    return funds_available(step)


@effect("close_ballot")
def close_ballot(step: Step) -> None:
    """Close the open ballot with its count and act on the outcome."""
    close_open_ballot(step, step.outcome, casting_vote_input(step))
    if step.outcome == "approved":
        _approve(step)
    elif step.outcome == "deferred":
        step.data["next_ballot"] = open_ballot(step.application, step.actor, step.today).number


def _approve(step: Step) -> None:
    app = step.application
    # The fund row first: updating the application row a second time in this transaction
    # makes PostgreSQL re-check its foreign keys, taking a KEY SHARE lock on the fund row;
    # two approvals holding that lock would then deadlock upgrading it in ledger.reserve.
    ledger.lock_fund(app.fund)
    amount = approved_amount(step)
    # The fund first, then the round (its lock taken after the fund's, as everywhere).
    problem = ledger.shortfall(app.fund, amount, N_("approving"))
    if problem:
        raise TransitionRefused(problem)
    round_budget.refuse_over_budget(app, amount)
    conditions = (step.inputs.get("conditions") or "").strip()
    if app.kind == "loan":
        details = app.loan or LoanDetails(application_id=app.id)
        terms = loan_terms(step, details, amount)
        details.annual_rate, details.term_months = terms["annual_rate"], terms["term_months"]
        details.grace_months, details.method = terms["grace_months"], terms["method"]
        details.damages_rate = terms["damages_rate"]
        details.prepayment_mode = terms["prepayment_mode"]
        details.approved_on = step.today  # no agreement may be dated before it
        step.data.update(terms)
    else:
        details = app.grant or GrantDetails(application_id=app.id)
    details.conditions = conditions
    db.session.add(details)
    app.approved_yen = amount
    db.session.flush()
    step.data["approved_yen"] = amount
    if conditions:
        step.data["conditions"] = conditions
    ledger.reserve(app, amount, step.actor, booked_on=step.today)
