"""A ballot's opening and closing, who may close it, and the secretariat's deferral.

Registered with workflow.engine.rules for both workflows (workflow.committee.decision
decides the outcome and acts on it):

* effects on grant "refer_to_committee" and loan "complete_assessment": ballot 1 opens;
* the permission on "decide": only whoever presides over the ballot (workflow.committee.presiding:
  the chair, or the deputy chair when the chair is recused or away) closes it and casts
  the deciding vote;
* the secretariat's "defer", allowed only when nobody may preside: the ballot closes
  deferred, with its count as it stands, and the next one opens, so that no ballot is
  ever stuck;
* the permission on a loan's "write_off": an officer (chair or deputy) of its committee;
* the check on moving files to another workflow version: a file whose ballot is open stays
  in committee review.

A ballot's opening tells the members who may vote on it and whoever presides over it (a
recused member is never told); when nobody may vote on it or nobody may close it, the
secretariat is told.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from models import Application, Ballot, ConflictDeclaration, User, db, utcnow
from workflow.engine import audit, service
from workflow.engine.errors import TransitionRefused
from workflow.engine.locking import ensure_write_transaction
from workflow.engine.rules import Step, effect, permission
from workflow.engine.versioning import migration_check
from workflow.people.committees import committee_name, seats_of
from workflow.people.notifications import notify, people, users_with_role

from .ballots import lock_open_ballot, open_ballot_of
from .presiding import (
    deferral_refusal,
    nobody_may_close,
    nobody_may_vote,
    presiding,
    refusal_to_preside,
)
from .tally import decision_rule, eligible_voter_ids, tally

# --- opening ---------------------------------------------------------------------------


def open_ballot(application: Application, actor: User | None,
                today: date | None = None) -> Ballot:
    """Open the next ballot of an application in committee review (audited), and tell its
    committee."""
    ensure_write_transaction(db.session)
    if application.state != "committee_review":
        raise TransitionRefused(_("%(reference)s is not in committee review.",
                                  reference=application.reference))
    if open_ballot_of(application) is not None:
        raise TransitionRefused(_("%(reference)s already has an open ballot.",
                                  reference=application.reference))
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
    voters = eligible_voter_ids(ballot)
    audit.record("ballot_opened", actor=actor, object_type="ballot", object_id=ballot.id,
                 of_file=application.id,
                 data={"reference": application.reference, "number": ballot.number,
                       "eligible": len(voters),
                       **({"conflicts_carried": carried} if carried else {})})
    _tell_the_committee(application, ballot, voters, today or date.today())
    return ballot


def _tell_the_committee(application: Application, ballot: Ballot, voters: set[int],
                        today: date) -> None:
    """The members who may vote, whoever presides (once), and the secretariat when the
    ballot cannot go anywhere without it."""
    notify(people(voters), "ballot_opened",
           lambda: _("A ballot is open on “%(title)s”: your vote is awaited.",
                     title=application.title), application)
    presider = presiding(ballot, today).presider
    if presider is not None and presider.id not in voters:
        notify(people([presider.id]), "ballot_opened",
               lambda: _("A ballot is open on “%(title)s”: you preside over it.",
                         title=application.title), application)
    def stuck() -> str:  # in the language of each who reads it
        return " ".join(s for s in (nobody_may_vote(ballot, voters),
                                    nobody_may_close(ballot, today)) if s)

    if stuck():
        notify(users_with_role("secretariat"), "ballot_opened", stuck, application)


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


def open_missing_ballot(application: Application, actor: User) -> Ballot:
    """The chair (or deputy chair) of the file's committee opens a ballot on a file in
    committee review that has none open.

    Normally the effects below open every ballot; this mends a file that reached committee
    review without one (imported, or put there by hand).
    """
    code = application.fund.code
    if not actor.has_role("committee_chair") or not (
            seats_of(actor).get(code, set()) & {"chair", "deputy_chair"}):
        raise TransitionRefused(_("Only the chair or the deputy chair of %(code)s may open a "
                                  "ballot.", code=committee_name(code)))
    app = service.lock(application)
    if app.state != "committee_review":
        raise TransitionRefused(_("%(reference)s is not in committee review.",
                                  reference=app.reference))
    return open_ballot(app, actor)


# --- closing -------------------------------------------------------------------------------

def close_open_ballot(step: Step, outcome: str, casting_vote: str | None = None) -> None:
    """Close the open ballot with its count as it stands (audited with the step); the
    deciding vote is kept only when it settled a tie."""
    ballot = lock_open_ballot(step.application)
    count = tally(ballot)
    casting = casting_vote if count.quorum_met and count.tie else None
    ballot.state, ballot.closed_at = "closed", utcnow()
    ballot.closed_by_id = step.actor.id if step.actor else None
    ballot.outcome = outcome
    ballot.eligible_count, ballot.approvals = count.eligible, count.approvals
    ballot.rejections, ballot.abstentions = count.rejections, count.abstentions
    ballot.casting_vote = casting
    db.session.flush()
    step.data.update(ballot=ballot.number, eligible=count.eligible, approvals=count.approvals,
                     rejections=count.rejections, abstentions=count.abstentions,
                     quorum_needed=count.quorum_needed, casting_vote=casting)


# --- hooks ---------------------------------------------------------------------------------

@effect("open_first_ballot")
def open_first_ballot(step: Step) -> None:
    """Entering committee review opens a ballot (audited "ballot_opened")."""
    ballot = open_ballot(step.application, step.actor, step.today)
    step.data["ballot_opened"] = ballot.number


@permission("only_whoever_presides")
def only_whoever_presides(step: Step) -> str | None:
    """The chair closes the ballot and casts the deciding vote; the deputy chair when the
    chair is recused or away; a recused chair never."""
    return refusal_to_preside(step.application, step.actor, step.today)


@permission("only_when_nobody_presides")
def only_when_nobody_presides(step: Step) -> str | None:
    """The secretariat defers a file only when neither the chair nor the deputy can act,
    and someone may vote on its ballot (else a new ballot would change nothing)."""
    return deferral_refusal(step.application, step.today)


@permission("only_an_officer_of_the_loan_committee")
def only_an_officer_of_the_loan_committee(step: Step) -> str | None:
    """A write-off is approved by the chair or the deputy chair of the file's committee."""
    code = step.application.fund.code
    if step.actor is not None and seats_of(step.actor).get(code, set()) & {"chair",
                                                                          "deputy_chair"}:
        return None
    return (_("Only the chair or the deputy chair of %(code)s may approve a write-off.",
              code=committee_name(code)))


@effect("defer_to_next_ballot")
def defer_to_next_ballot(step: Step) -> None:
    """The secretariat closes the ballot nobody may close as deferred; the next one opens."""
    close_open_ballot(step, "deferred")
    step.data["next_ballot"] = open_ballot(step.application, step.actor, step.today).number


# --- moving files to another workflow version ------------------------------------------

NAMED_AT_MOST = 5  # files named in a refusal; the others are counted


def _named(references: list[str]) -> str:
    named = ", ".join(sorted(references)[:NAMED_AT_MOST])
    if len(references) > NAMED_AT_MOST:
        named += f" and {len(references) - NAMED_AT_MOST} more"
    return named


@migration_check
def open_ballots_stay_in_committee_review(moves: list[tuple[Application, str]]) -> str | None:
    """Refuse a migration that would take a file with an open ballot out of committee review,
    or bring a file into it without one.

    Only an arrow out of committee review closes a ballot with its count (the chair's
    decision, the secretariat's deferral), and only the arrow into it opens one; the
    committee lists name every open ballot whatever its file's state, so a ballot a
    migration left open would stay on them, and a file it brought in could not be voted on."""
    with_open_ballots = set(db.session.scalars(
        select(Ballot.application_id).where(Ballot.state == "open")))
    leaving = [application.reference for application, state in moves
               if state != "committee_review" and application.id in with_open_ballots]
    if leaving:
        return ("Nothing moved: a migration may not take a file out of committee review while"
                f" its ballot is open ({_named(leaving)}). Let the committee decide first, or"
                " map committee_review=committee_review.")
    arriving = [application.reference for application, state in moves
                if state == "committee_review" and application.state != "committee_review"]
    if arriving:
        return ("Nothing moved: a migration may not bring a file into committee review, where"
                f" it would have no ballot ({_named(arriving)}); refer it to the committee"
                " instead.")
    return None
