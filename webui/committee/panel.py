"""What the committee panel shows one user about one application's ballots."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app, url_for
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from models import Application, User
from workflow.committee import ballots, decision, lists, presiding, tally
from workflow.committee.ballot_records import BallotRecord, ConflictRecord, VoteRecord
from workflow.committee.tally import Tally
from workflow.engine import service
from workflow.engine.kept import kept_for_file
from workflow.engine.permissions import READER_ROLES
from workflow.loans.lending_law import DEFAULT_DAMAGES_RATE
from workflow.people import committees

from .forms import CloseForm, ConflictForm, VoteForm


@dataclass
class BallotView:
    application: Application
    ballot: BallotRecord  # the open one, else the latest
    tally: Tally
    previous: list[tuple[BallotRecord, Tally]]
    votes: list[VoteRecord]  # none while a recused member looks at an open ballot
    conflicts: list[ConflictRecord]
    member: bool  # an active member of the file's committee
    chair: bool  # chairs or deputises on the file's committee
    recusal: str | None  # why this user may not vote
    my_vote: VoteRecord | None
    can_close: bool
    chair_blocked: str | None  # why this chair (or deputy) may not close
    votes_hidden: bool = False  # recused from the open ballot: its votes wait for its close
    stuck: list[str] = field(default_factory=list)  # nobody may vote on it, or close it
    vote_form: VoteForm | None = None
    conflict_form: ConflictForm | None = None
    close_form: CloseForm | None = None
    eligible_ids: set[int] = field(default_factory=set)
    approval_blocked: str | None = None  # why approving the amount asked would be refused

    @property
    def is_open(self) -> bool:
        return self.ballot.state == "open"

    @property
    def tally_url(self) -> str:
        return url_for("committee.tally_json", ballot_id=self.ballot.id)


def close_form_for(application: Application, form: CloseForm | None = None) -> CloseForm:
    """The chair's form, a loan's terms prefilled from the credit assessment."""
    if form is not None:
        return form
    form = CloseForm(formdata=None, version=application.version)
    loan = application.loan if application.kind == "loan" else None
    if loan is not None:
        form.annual_rate.data = loan.recommended_rate
        form.term_months.data = loan.recommended_term_months or loan.requested_term_months
        form.grace_months.data = loan.recommended_grace_months or 0
        form.method.data = loan.recommended_method or "annuity"
        form.damages_rate.data = DEFAULT_DAMAGES_RATE
        form.prepayment_mode.data = "lower_instalment"
    return form


def ballot_view(application: Application, user: User | None = None, *,
                vote_form: VoteForm | None = None, conflict_form: ConflictForm | None = None,
                close_form: CloseForm | None = None) -> BallotView | None:
    """The panel's data for this user, or None when there is nothing to show them."""
    user = user if user is not None else current_user
    if not user.is_authenticated or not user.has_role(*READER_ROLES):
        return None
    rows = ballots.ballots_with_votes(application)  # shared with the recusal rule
    if not rows:
        return None
    current = next((b for b in rows if b.state == "open"), rows[-1])
    seats = committees.seats_of(user).get(application.fund.code, set())
    member = lists.is_voter(user) and "member" in seats
    chair = user.has_role("committee_chair") and bool(seats & {"chair", "deputy_chair"})
    recusal = ballots.recusal_reason(current, user)
    is_open = current.state == "open"
    eligible = tally.eligible_voter_ids(current) if is_open else set()
    # A ballot nobody may vote on is not closed: it waits for a member who may vote.
    can_close = chair and is_open and bool(eligible) and any(
        a.trigger == "decide" for a in service.available_actions(application, user))
    counts = tally.tallies(rows)
    hidden = ballots.votes_hidden_from(current, user)
    view = BallotView(
        application=application, ballot=current, tally=counts[current.id],
        previous=[(b, counts[b.id]) for b in rows if b.state == "closed"],
        votes=[] if hidden else list(current.votes), conflicts=list(current.conflicts),
        member=member, chair=chair, recusal=recusal,
        my_vote=next((v for v in current.votes if v.member_id == user.id), None),
        can_close=can_close,
        chair_blocked=(presiding.refusal_to_preside(application, user)
                       if chair and is_open else None),
        eligible_ids=eligible, votes_hidden=hidden,
        stuck=[s for s in (presiding.nobody_may_vote(current, eligible),
                           presiding.nobody_may_close(current)) if s] if is_open else [],
    )
    if is_open and member and not recusal:
        view.vote_form = vote_form or VoteForm(
            formdata=None, choice=view.my_vote.choice if view.my_vote else None,
            comment=view.my_vote.comment if view.my_vote else "")
    if is_open and (member or chair) and not recusal:
        view.conflict_form = conflict_form or ConflictForm(formdata=None)
    if can_close:
        view.close_form = close_form_for(application, close_form)
        view.approval_blocked = decision.approval_blocked(application, date.today())
    return view


def closed_ballots_panel(application: Application) -> Markup | None:
    """The panel of a file whose ballots have all closed, rendered once and kept by the
    worker until the file or the people named move (workflow.engine.kept); None while one is
    open (or there is none).

    Once its ballots are closed the panel holds no form, recusal or chair's note: it is
    the same for every member of the staff (the only viewers of the panel) who reads the
    same language."""
    return kept_for_file("closed ballots panel", application.id, str(get_locale()),
                         lambda: _render_closed(application))


def _render_closed(application: Application) -> Markup | None:
    view = ballot_view(application)
    if view is None or view.is_open:
        return None
    macros = current_app.jinja_env.get_template("committee/_panel.html").module
    return Markup(macros.ballot_panel(view, application))
