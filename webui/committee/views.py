"""Committee pages: load → authorise → validate → call workflow → commit once → flash.

A refusal that names a field (a bad amount, a tie without the deciding vote) is
shown next to that field on the ballot page; a refusal of the action itself
(recused, stale, the fund short) renders the 409 page with its sentence.
"""

from collections.abc import Callable

from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user

from models import Application, Ballot, db
from workflow import ballot_lists, ballots, decisions, registry, service
from workflow.errors import StaleApplication, TransitionRefused
from workflow.keyset import Page
from workflow.permissions import READER_ROLES

from .. import paging
from ..access import roles
from ..applications.loading import visible_application_or_404
from ..forms import show_refusal
from . import bp
from .forms import CloseForm, ConflictForm, VoteForm
from .panel import ballot_view, register_panel

MEMBER, CHAIR = "committee_member", "committee_chair"

bp.record_once(register_panel)


# Ballots per list and page; each list is counted up to COUNT_LIMIT ("more than 1,000").
PER_PAGE = 25
COUNT_LIMIT = 1000


@bp.route("/")
@roles(MEMBER, CHAIR)
def index():
    chair = current_user.has_role(CHAIR)
    member = ballots.is_voter(current_user)
    limit = COUNT_LIMIT + 1
    awaiting = voted = opened = Page([], None, None)
    counts = dict.fromkeys(("awaiting", "voted", "open"), 0)
    places = {name: paging.place(name + "_") for name in counts}
    if member:
        where = places["awaiting"]
        awaiting = ballot_lists.awaiting_page(current_user, PER_PAGE, after=where.after,
                                              before=where.before)
        where = places["voted"]
        voted = ballot_lists.voted_page(current_user, PER_PAGE, after=where.after,
                                        before=where.before)
        counts.update(awaiting=ballot_lists.count_awaiting(current_user, limit),
                      voted=ballot_lists.count_voted(current_user, limit))
    if chair:
        where = places["open"]
        opened = ballot_lists.open_page(PER_PAGE, after=where.after, before=where.before)
        counts["open"] = ballot_lists.count_open(limit)
    tallies = ballots.tallies(opened.rows)  # a few grouped queries for the page
    return render_template(
        "committee/index.html", awaiting=awaiting, voted=voted, opened=opened,
        open_ballots=[(b, tallies[b.id]) for b in opened.rows], counts=counts,
        places=places, count_limit=COUNT_LIMIT, chair=chair, member=member,
        # Each list's links keep the other lists where they are.
        args={name: paging.other_args(name + "_") for name in counts})


def _ballot_page(application: Application, **forms):
    definition = registry.get(application.workflow_name, application.workflow_version)
    view = ballot_view(application, **forms)
    if view is None:
        abort(404)
    return render_template("committee/ballot.html", application=application, staff=True,
                           committee_panel=view, definition=definition,
                           state=definition.state(application.state))


@bp.route("/applications/<int:application_id>")
@roles(*READER_ROLES)
def ballot(application_id: int):
    return _ballot_page(visible_application_or_404(application_id))


def _attempt(application: Application, form, form_name: str, act: Callable[[], str]):
    """Validate, act, commit and go back to the file; field refusals stay on the form."""
    if form.validate():
        try:
            done = act()
        except TransitionRefused as refusal:
            if refusal.field is None or isinstance(refusal, StaleApplication):
                raise  # the 409 page, after the error handler's rollback
            db.session.rollback()
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(done, "success")
            return redirect(url_for("applications.show", application_id=application.id,
                                    _anchor="committee"))
    return _ballot_page(application, **{form_name: form})


@bp.route("/applications/<int:application_id>/vote", methods=["POST"])
@roles(MEMBER)
def vote(application_id: int):
    application = visible_application_or_404(application_id)
    form = VoteForm()

    def act() -> str:
        cast = ballots.cast_vote(application, current_user, form.choice.data,
                                 form.comment.data or "")
        return f"{application.reference}: your vote is “{ballots.CHOICE_LABELS[cast.choice]}”."

    return _attempt(application, form, "vote_form", act)


@bp.route("/applications/<int:application_id>/conflict", methods=["POST"])
@roles(MEMBER, CHAIR)
def conflict(application_id: int):
    application = visible_application_or_404(application_id)
    form = ConflictForm()

    def act() -> str:
        ballots.declare_conflict(application, current_user, form.reason.data)
        return (f"{application.reference}: your conflict of interest is recorded; you are "
                "recused from this ballot.")

    return _attempt(application, form, "conflict_form", act)


@bp.route("/applications/<int:application_id>/close", methods=["POST"])
@roles(CHAIR)
def close(application_id: int):
    application = visible_application_or_404(application_id)
    form = CloseForm()

    def act() -> str:
        service.fire(application, "decide", current_user, expected_version=form.version.data,
                     **form.inputs(application.kind))
        closed = [b for b in ballots.ballots_of(application) if b.state == "closed"][-1]
        message = f"{application.reference}: ballot {closed.number} closed — {closed.outcome}"
        if closed.outcome == "deferred":
            return message + " for want of a quorum; the next ballot is open."
        return message + "."

    return _attempt(application, form, "close_form", act)


@bp.route("/applications/<int:application_id>/open", methods=["POST"])
@roles(CHAIR)
def open_ballot(application_id: int):
    application = visible_application_or_404(application_id)  # CSRFProtect checked the post
    opened = decisions.open_missing_ballot(application, current_user)
    db.session.commit()
    flash(f"{application.reference}: ballot {opened.number} is open.", "success")
    return redirect(url_for("applications.show", application_id=application.id,
                            _anchor="committee"))


@bp.route("/ballots/<int:ballot_id>/tally.json")
@roles(*READER_ROLES)
def tally_json(ballot_id: int):
    ballot = db.session.get(Ballot, ballot_id)
    if ballot is None:
        abort(404)
    visible_application_or_404(ballot.application_id)
    return jsonify(ballot=ballot.id, number=ballot.number, state=ballot.state,
                   outcome=ballot.outcome, **ballots.tally(ballot).as_dict())
