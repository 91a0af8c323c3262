"""Committee ballots: who may vote, the votes themselves, and the tally.

One ballot system serves grants and loans. A ballot opens when an application
enters committee review (workflow.committee.decision registers the effects); members
vote approve / reject / abstain until the chair closes it through
`service.fire(application, "decide", ...)`.

Votes are not state transitions, but they keep the same discipline: each one
locks the open ballot row (FOR UPDATE; SQLite's write lock is already held),
checks the rules, writes one row per member and ballot, and is audited.

The decision rule, who is eligible and the tally live in workflow.committee.tally, the work
lists in workflow.committee.lists; see `outcome_of` for how a closed ballot is decided.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from models import (
    VOTE_CHOICES,
    Application,
    Ballot,
    ConflictDeclaration,
    User,
    Vote,
    db,
    utcnow,
)
from models.i18n import N_
from workflow.engine import audit, reading
from workflow.engine.errors import TransitionRefused
from workflow.engine.locking import ensure_write_transaction
from workflow.engine.wording import word
from workflow.people import committees
from workflow.people.notifications import notify, people

from .ballot_records import BallotRecord, ConflictRecord, ballots_with_votes
from .tally import (
    VOTER_ROLE,
    Tally,
    recusing_organisations,
    tally,
    trusts_loaded,
)

# Words defined as data (N_): translated where a person reads them (wording.word).
CHOICE_LABELS = {"approve": N_("Approve"), "reject": N_("Reject"), "abstain": N_("Abstain")}


def outcome_of(tally: Tally, casting_vote: str | None) -> str:
    """approved / rejected / deferred; a tie needs the chair's casting vote.

    No quorum defers the application whatever the votes say.
    """
    if not tally.quorum_met:
        return "deferred"
    if tally.leading != "tie":
        return tally.leading
    if casting_vote == "approve":
        return "approved"
    if casting_vote == "reject":
        return "rejected"
    raise TransitionRefused(
        _("The votes are tied %(approvals)s–%(rejections)s: cast the deciding vote to close the "
          "ballot.", approvals=tally.approvals, rejections=tally.rejections), field="casting_vote")


# --- finding ballots ---------------------------------------------------------------------

def ballots_of(application: Application) -> list[Ballot]:
    """All ballots of an application, the first first."""
    return list(db.session.scalars(
        select(Ballot).where(Ballot.application_id == application.id).order_by(Ballot.number)))


def open_ballot_of(application: Application) -> Ballot | None:
    """The application's open ballot, if any (there is at most one)."""
    return db.session.scalars(
        select(Ballot).where(Ballot.application_id == application.id, Ballot.state == "open")
    ).first()


def lock_open_ballot(application: Application) -> Ballot:
    """The open ballot re-read under a row lock; refused when there is none."""
    ensure_write_transaction(db.session)
    ballot = db.session.scalars(
        select(Ballot).where(Ballot.application_id == application.id, Ballot.state == "open")
        .with_for_update().execution_options(populate_existing=True)
    ).first()
    if ballot is None:
        raise TransitionRefused(_("%(reference)s has no open ballot.",
                                  reference=application.reference))
    return ballot


# --- who may vote ------------------------------------------------------------------------
# Read by pages for many ballots at once: a handful of grouped queries, whatever their number.


def _ballot_and_application(subject: Ballot | BallotRecord | Application
                            ) -> tuple[Ballot | BallotRecord | None, Application]:
    if not isinstance(subject, Application):  # a ballot, loaded or read for a page
        return subject, subject.application
    if reading.active():  # the page has them all at hand
        rows = ballots_with_votes(subject)
        return next((b for b in rows if b.state == "open"), rows[-1] if rows else None), subject
    ballot = open_ballot_of(subject)
    if ballot is None:
        ballot = db.session.scalars(select(Ballot).where(Ballot.application_id == subject.id)
                                    .order_by(Ballot.number.desc())).first()
    return ballot, subject


def _conflict_of(ballot: Ballot | BallotRecord | None, user: User
                 ) -> ConflictDeclaration | ConflictRecord | None:
    if ballot is None or ballot.id is None:
        return None
    if trusts_loaded(ballot, "conflicts"):
        return next((c for c in ballot.conflicts if c.member_id == user.id), None)
    return db.session.scalars(select(ConflictDeclaration).where(
        ConflictDeclaration.ballot_id == ballot.id, ConflictDeclaration.member_id == user.id)
    ).first()


def recusal_reason(subject: Ballot | BallotRecord | Application, user: User | None
                   ) -> str | None:
    """Why this user is recused from the ballot (or the application's current one), or None."""
    if user is None or not getattr(user, "id", None):
        return None
    ballot, application = _ballot_and_application(subject)
    if user.organisation_id is not None:
        relation = recusing_organisations(application).get(user.organisation_id)
        if relation is not None:
            org = user.organisation
            if relation == "partner":
                if org.kind == "alumni_society":
                    return _("You are recused: you are a member of %(name)s, a partner "
                             "society.", name=org.name)
                return _("You are recused: you are a member of %(name)s, a partner "
                         "organisation.", name=org.name)
            kind = application.organisation.kind
            if kind == "alumni_society":
                return _("You are recused: you are a member of %(name)s, the applying "
                         "society.", name=org.name)
            if kind == "company":
                return _("You are recused: you are a member of %(name)s, the applying "
                         "company.", name=org.name)
            return _("You are recused: you are a member of %(name)s, the applying "
                     "organisation.", name=org.name)
    conflict = _conflict_of(ballot, user)
    if conflict is not None:
        reason = conflict.reason.strip()
        stop = "" if reason.endswith((".", "!", "?")) else "."
        return _("You are recused: you declared a conflict of interest: %(reason)s%(stop)s",
                 reason=reason, stop=stop)
    return None


def votes_hidden_from(ballot: Ballot | BallotRecord, user: User | None) -> bool:
    """A member recused from an open ballot sees its votes, their comments and how they
    stand only once it closes."""
    return (user is not None and ballot.state == "open"
            and user.has_role(VOTER_ROLE, "committee_chair")
            and recusal_reason(ballot, user) is not None)


# --- the votes -----------------------------------------------------------------------------

def vote_of(ballot: Ballot, member: User) -> Vote | None:
    """The member's vote on this ballot, if cast."""
    return db.session.scalars(
        select(Vote).where(Vote.ballot_id == ballot.id, Vote.member_id == member.id)).first()


# --- voting ------------------------------------------------------------------------------

def _locked_ballot_for(application: Application, member: User, roles: tuple[str, ...],
                       seats: tuple[str, ...], doing: str) -> Ballot:
    """Check the member, their seat on the file's committee and the application, then lock
    the open ballot."""
    if not member.has_role(*roles):
        raise TransitionRefused(_("Only committee members may %(doing)s.",
                                  doing=word(doing)))
    if not member.active:
        raise TransitionRefused(_("Your account is not active."))
    code = application.fund.code
    if not committees.seats_of(member).get(code, set()) & set(seats):
        raise TransitionRefused(_("You do not sit on %(code)s: you cannot %(doing)s on its "
                                  "ballots.", code=committees.committee_name(code),
                                  doing=word(doing)))
    if application.state != "committee_review":
        raise TransitionRefused(_("%(reference)s is not in committee review.",
                                  reference=application.reference))
    return lock_open_ballot(application)


def cast_vote(application: Application, member: User, choice: str, comment: str = "") -> Vote:
    """Record or change the member's vote on the open ballot (audited each time).

    A change of choice or comment updates the one vote row, counts it and audits
    "vote_changed" with the old and new choice; sending the same vote again changes nothing.
    """
    ballot = _locked_ballot_for(application, member, (VOTER_ROLE,), ("member",), N_("vote"))
    reason = recusal_reason(ballot, member)
    if reason:
        raise TransitionRefused(_("%(reason)s You cannot vote on this ballot.", reason=reason))
    if choice not in VOTE_CHOICES:
        raise TransitionRefused(_("Choose approve, reject or abstain."), field="choice")
    comment = (comment or "").strip()
    vote = vote_of(ballot, member)
    data = {"reference": application.reference, "ballot": ballot.number}
    if vote is None:
        vote = Vote(ballot_id=ballot.id, member_id=member.id, choice=choice, comment=comment,
                    cast_at=utcnow())
        db.session.add(vote)
        db.session.flush()
        audit.record("vote_cast", actor=member, object_type="ballot", object_id=ballot.id,
                     of_file=application.id,
                     data={**data, "choice": choice, **({"comment": comment} if comment else {})})
        _tell_the_chair_at_quorum(ballot, application)
        return vote
    if vote.choice == choice and vote.comment == comment:
        return vote
    old = vote.choice
    vote.choice, vote.comment = choice, comment
    vote.changes += 1
    vote.changed_at = utcnow()
    db.session.flush()
    audit.record("vote_changed", actor=member, object_type="ballot", object_id=ballot.id,
                 of_file=application.id,
                 data={**data, "old": old, "new": choice, "changes": vote.changes,
                       **({"comment": comment} if comment else {})})
    return vote


def _tell_the_chair_at_quorum(ballot: Ballot, application: Application) -> None:
    """The vote that brings the ballot to quorum notifies whoever presides over it, the
    chair or the deputy acting for them (once: later votes only add to a count already
    past it)."""
    from .presiding import presiding  # which reads this module's recusal rule


    count = tally(ballot)
    if count.cast == count.quorum_needed:
        presider = presiding(ballot).presider
        notify(people([presider.id] if presider else []), "quorum_reached",
               lambda: _("The ballot on “%(title)s” has reached quorum (%(cast)s of "
                         "%(eligible)s votes): it can be closed.", title=application.title,
                         cast=count.cast, eligible=count.eligible), application)


def declare_conflict(application: Application, member: User, reason: str
                     ) -> ConflictDeclaration:
    """Recuse oneself from the open ballot; a vote already cast is withdrawn (audited).

    The chair may declare one too: a recused chair may not close the ballot.
    """
    ballot = _locked_ballot_for(application, member, (VOTER_ROLE, "committee_chair"),
                                ("member", "chair", "deputy_chair"),
                                N_("declare a conflict of interest"))
    reason = (reason or "").strip()
    if not reason:
        raise TransitionRefused(_("Give the reason for the conflict of interest."), field="reason")
    if _conflict_of(ballot, member) is not None:
        raise TransitionRefused(_("You have already declared a conflict of interest on this "
                                  "ballot."))
    data = {"reference": application.reference, "ballot": ballot.number}
    vote = vote_of(ballot, member)
    if vote is not None:
        audit.record("vote_withdrawn", actor=member, object_type="ballot", object_id=ballot.id,
                     data={**data, "choice": vote.choice, "reason": "conflict of interest"})
        db.session.delete(vote)
    declaration = ConflictDeclaration(ballot_id=ballot.id, member_id=member.id, reason=reason,
                                      declared_at=utcnow())
    db.session.add(declaration)
    db.session.flush()
    audit.record("conflict_declared", actor=member, object_type="ballot", object_id=ballot.id,
                 of_file=application.id,
                 data={**data, "reason": reason})
    return declaration
