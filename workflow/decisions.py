"""The committee's decision through the engine: opening, closing and acting on ballots.

Registered with workflow.rules for both workflows:

* effects on grant "refer_to_committee" and loan "complete_assessment": ballot 1 opens;
* the outcome of "decide": from the tally of the open ballot and the chair's `casting_vote`;
* the permission on "decide": a recused chair may neither close nor cast the deciding vote;
* the guard "funds_available" on the approve arrow;
* the effect of "decide": the ballot closes with its counts; an approval sets the approved
  amount, the conditions (and a loan's terms) and reserves the money in the fund; a deferral
  opens the next ballot at once.

Chair inputs to fire("decide"): approved_yen, conditions, casting_vote, and for loans
annual_rate, term_months, grace_months, method, damages_rate and prepayment_mode
(workflow.loan_terms).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from models import (
    Application,
    Ballot,
    ConflictDeclaration,
    GrantDetails,
    LoanDetails,
    User,
    db,
    utcnow,
)

from . import audit, ledger, service
from .ballots import (
    decision_rule,
    eligible_voter_ids,
    lock_open_ballot,
    open_ballot_of,
    outcome_of,
    recusal_reason,
    tally,
)
from .errors import TransitionRefused
from .loan_terms import loan_terms
from .locking import ensure_write_transaction
from .rules import Step, effect, guard, outcome, permission


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _whole(value, field: str, what: str) -> int | None:
    """An integer input (int or digits, thousands separators allowed), None when blank."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise TransitionRefused(f"{what} must be a whole number.", field=field)
    if isinstance(value, int):
        return value
    text = str(value).strip().replace(",", "")
    if not text.lstrip("-").isdigit():
        raise TransitionRefused(f"{what} must be a whole number.", field=field)
    return int(text)


def casting_vote_input(step: Step) -> str | None:
    """The chair's deciding vote: approve, reject or none."""
    value = step.inputs.get("casting_vote")
    if _blank(value):
        return None
    if value not in ("approve", "reject"):
        raise TransitionRefused("The deciding vote must be approve or reject.",
                                field="casting_vote")
    return value


def approved_amount(step: Step) -> int:
    """The amount the chair approves: the input, else the amount requested; 1..requested."""
    app = step.application
    amount = _whole(step.inputs.get("approved_yen"), "approved_yen", "The approved amount")
    amount = app.requested_yen if amount is None else amount
    if not 1 <= amount <= app.requested_yen:
        raise TransitionRefused(
            f"The approved amount must be between ¥1 and the ¥{app.requested_yen:,} requested; "
            f"¥{amount:,} was given.", field="approved_yen")
    return amount


# --- opening ---------------------------------------------------------------------------

def open_ballot(application: Application, actor: User | None) -> Ballot:
    """Open the next ballot of an application in committee review (audited)."""
    ensure_write_transaction(db.session)
    if application.state != "committee_review":
        raise TransitionRefused(f"{application.reference} is not in committee review.")
    if open_ballot_of(application) is not None:
        raise TransitionRefused(f"{application.reference} already has an open ballot.")
    last = db.session.scalar(
        select(func.max(Ballot.number)).where(Ballot.application_id == application.id)) or 0
    now = utcnow()
    rule = decision_rule(application.fund.code)
    ballot = Ballot(application_id=application.id, number=last + 1, state="open", opened_at=now,
                    opened_by_id=actor.id if actor else None,
                    due_on=now + timedelta(days=rule.voting_days))
    db.session.add(ballot)
    db.session.flush()
    carried = _carry_conflicts(application, ballot)
    audit.record("ballot_opened", actor=actor, object_type="ballot", object_id=ballot.id,
                 data={"reference": application.reference, "number": ballot.number,
                       "eligible": len(eligible_voter_ids(ballot)),
                       **({"conflicts_carried": carried} if carried else {})})
    return ballot


def _carry_conflicts(application: Application, ballot: Ballot) -> list[int]:
    """A conflict of interest concerns the application: it stays declared on the next ballot."""
    earlier = db.session.scalars(
        select(ConflictDeclaration).join(Ballot, Ballot.id == ConflictDeclaration.ballot_id)
        .where(Ballot.application_id == application.id, Ballot.id != ballot.id)
        .order_by(ConflictDeclaration.id)).all()
    carried: dict[int, ConflictDeclaration] = {}
    for declaration in earlier:
        carried.setdefault(declaration.member_id, declaration)
    for member_id, declaration in carried.items():
        db.session.add(ConflictDeclaration(ballot_id=ballot.id, member_id=member_id,
                                           reason=declaration.reason,
                                           declared_at=declaration.declared_at))
    db.session.flush()
    return sorted(carried)


# --- hooks ---------------------------------------------------------------------------------

@effect("grant", "refer_to_committee")
@effect("loan", "complete_assessment")
def open_first_ballot(step: Step) -> None:
    """Entering committee review opens a ballot (audited "ballot_opened")."""
    ballot = open_ballot(step.application, step.actor)
    step.data["ballot_opened"] = ballot.number


@permission("grant", "decide")
@permission("loan", "decide")
def chair_not_recused(step: Step) -> str | None:
    """A recused chair may neither close the ballot nor cast the deciding vote."""
    reason = recusal_reason(step.application, step.actor)
    if reason:
        return (f"{reason} A recused chair may neither close the ballot nor cast the "
                "deciding vote.")
    return None


def decide_outcome(step: Step) -> str:
    """The ballot's result: the open ballot is locked first, so the count cannot move."""
    ballot = lock_open_ballot(step.application)
    return outcome_of(tally(ballot), casting_vote_input(step))


outcome("grant", "decide")(decide_outcome)
outcome("loan", "decide")(decide_outcome)


@guard("funds_available")
def funds_available(step: Step) -> str | None:
    """The fund's available balance covers the amount to approve (checked again on reserve)."""
    try:
        amount = _whole(step.inputs.get("approved_yen"), "approved_yen", "The approved amount")
    except TransitionRefused:
        return None  # the effect refuses the malformed amount with its own sentence
    if amount is None:
        amount = step.application.requested_yen
    if not 1 <= amount <= step.application.requested_yen:
        return None  # no amount, or one the effect refuses next to its field
    fund = step.application.fund
    available = ledger.balances(fund, step.today).available
    if amount > available:
        return ledger.shortfall_message(fund, available, amount, "approving")
    return None


@effect("grant", "decide")
@effect("loan", "decide")
def close_ballot(step: Step) -> None:
    """Close the open ballot with its count and act on the outcome."""
    app = step.application
    ballot = lock_open_ballot(app)
    count = tally(ballot)
    casting = casting_vote_input(step) if count.quorum_met and count.tie else None
    ballot.state, ballot.closed_at = "closed", utcnow()
    ballot.closed_by_id = step.actor.id if step.actor else None
    ballot.outcome = step.outcome
    ballot.eligible_count, ballot.approvals = count.eligible, count.approvals
    ballot.rejections, ballot.abstentions = count.rejections, count.abstentions
    ballot.casting_vote = casting
    db.session.flush()
    step.data.update(ballot=ballot.number, eligible=count.eligible, approvals=count.approvals,
                     rejections=count.rejections, abstentions=count.abstentions,
                     quorum_needed=count.quorum_needed, casting_vote=casting)
    if step.outcome == "approved":
        _approve(step)
    elif step.outcome == "deferred":
        step.data["next_ballot"] = open_ballot(app, step.actor).number


def _approve(step: Step) -> None:
    app = step.application
    # The fund row first: updating the application row a second time in this transaction
    # makes PostgreSQL re-check its foreign keys, taking a KEY SHARE lock on the fund row;
    # two approvals holding that lock would then deadlock upgrading it in ledger.reserve.
    ledger.lock_fund(app.fund)
    amount = approved_amount(step)
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


def open_missing_ballot(application: Application, actor: User) -> Ballot:
    """The chair opens a ballot on a file in committee review that has none open.

    Normally the effects above open every ballot; this mends a file that reached committee
    review without one (imported, or put there by hand).
    """
    if not actor.has_role("committee_chair"):
        raise TransitionRefused("Only the committee chair may open a ballot.")
    app = service.lock(application)
    if app.state != "committee_review":
        raise TransitionRefused(f"{app.reference} is not in committee review.")
    return open_ballot(app, actor)
