"""Committee pages: load → authorise → validate → call workflow → commit once → flash.

A refusal that names a field (a bad amount, a tie without the deciding vote) is
shown next to that field on the ballot page; a refusal of the action itself
(recused, stale, the fund short) renders the 409 page with its sentence.
"""

from collections.abc import Callable

from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import Application, Ballot, db
from workflow.committee import ballot_steps, ballots, lists, tally
from workflow.committee import stuck as secretariat_list
from workflow.engine import registry, service
from workflow.engine.errors import StaleApplication, TransitionRefused, ValidationFailed
from workflow.engine.keyset import Page
from workflow.engine.permissions import READER_ROLES
from workflow.engine.wording import word
from workflow.people import committees

from .. import paging
from ..access import roles
from ..actions import Done, carry_out
from ..application_loading import visible_application_or_404
from ..labels import long_date
from . import bp, rows
from .forms import AwayForm, CloseForm, ConflictForm, VoteForm
from .panel import ballot_view

MEMBER, CHAIR, SECRETARIAT = "committee_member", "committee_chair", "secretariat"

# Ballots per list and page; each list is counted up to COUNT_LIMIT ("more than 1,000").
PER_PAGE = 25
COUNT_LIMIT = 1000


@bp.route("/")
@roles(MEMBER, CHAIR, SECRETARIAT)
def index():
    chair = current_user.has_role(CHAIR)
    member = lists.is_voter(current_user)
    secretariat = current_user.has_role(SECRETARIAT)
    limit = COUNT_LIMIT + 1
    awaiting = voted = opened = stuck = Page([], None, None)
    counts = dict.fromkeys(("awaiting", "voted", "open", "stuck"), 0)
    places = {name: paging.place(name + "_") for name in counts}
    if member:
        where = places["awaiting"]
        awaiting = lists.awaiting_page(current_user, PER_PAGE, after=where.after,
                                              before=where.before)
        where = places["voted"]
        voted = lists.voted_page(current_user, PER_PAGE, after=where.after,
                                        before=where.before)
    if chair:
        where = places["open"]
        opened = lists.open_page(current_user, PER_PAGE, after=where.after,
                                        before=where.before)
    counts.update(lists.counts(current_user, limit, member=member, chair=chair))
    if secretariat:
        where = places["stuck"]
        stuck = secretariat_list.stuck_page(PER_PAGE, after=where.after, before=where.before)
        # Seldom more than a few: counted only when they fill more than a page.
        counts["stuck"] = (len(stuck.rows) if stuck.before is None and stuck.after is None
                           else secretariat_list.count_stuck(limit))
    tallies = tally.open_tallies(rows.fund_codes(opened.rows))  # one grouped statement
    return render_template(
        "committee/index.html", awaiting=awaiting, voted=voted, opened=opened, stuck=stuck,
        awaiting_rows=rows.awaiting_rows(awaiting.rows), voted_rows=rows.voted_rows(voted.rows),
        open_ballots=rows.open_rows(opened.rows, tallies),
        stuck_rows=rows.stuck_rows(stuck.rows),
        counts=counts, places=places, count_limit=COUNT_LIMIT, chair=chair, member=member,
        secretariat=secretariat, offices=_offices(current_user) if chair else [],
        away_form=AwayForm(formdata=None, away_until=current_user.away_until),
        # Each list's links keep the other lists where they are.
        args={name: paging.other_args(name + "_") for name in counts})


def _offices(user) -> list[str]:
    """"Chair of the WNF grants committee", … : the seats the user presides from."""
    return [committees.OFFICE_TITLES[seat].format(
                committee=committees.committee_title(code))
            for code, seats in sorted(committees.seats_of(user).items())
            for seat in ("chair", "deputy_chair") if seat in seats]


@bp.route("/away", methods=["POST"])
@roles(CHAIR)
def away():
    """A chair or deputy chair marks themselves away (or back): the other acts meanwhile."""
    form = AwayForm()
    back = url_for("committee.index", _anchor="away")

    def act() -> Done:
        committees.set_away(current_user, form.away_until.data, current_user)
        return Done(_("You are marked away until %(day)s.", day=long_date(form.away_until.data))
                    if form.away_until.data else _("You are marked as back."), back)

    return carry_out(form, act, refusals=ValidationFailed, back=back,
                     incomplete=lambda form: " ".join(
                         e for errors in form.errors.values() for e in errors))


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
    """Validate, act, commit and go back to the file; field refusals stay on the form, a
    refusal of the action itself is the 409 page (after the error handler's rollback)."""
    back = url_for("applications.show", application_id=application.id, _anchor="committee")
    return carry_out(form, lambda: Done(act(), back), refusals=TransitionRefused,
                     on_form=lambda refusal: refusal.field is not None
                     and not isinstance(refusal, StaleApplication)
                     ) or _ballot_page(application, **{form_name: form})


@bp.route("/applications/<int:application_id>/vote", methods=["POST"])
@roles(MEMBER)
def vote(application_id: int):
    application = visible_application_or_404(application_id)
    form = VoteForm()

    def act() -> str:
        cast = ballots.cast_vote(application, current_user, form.choice.data,
                                 form.comment.data or "")
        return _("%(reference)s: your vote is “%(choice)s”.", reference=application.reference,
                 choice=word(ballots.CHOICE_LABELS[cast.choice]))

    return _attempt(application, form, "vote_form", act)


@bp.route("/applications/<int:application_id>/conflict", methods=["POST"])
@roles(MEMBER, CHAIR)
def conflict(application_id: int):
    application = visible_application_or_404(application_id)
    form = ConflictForm()

    def act() -> str:
        ballots.declare_conflict(application, current_user, form.reason.data)
        return _("%(reference)s: your conflict of interest is recorded; you are recused from "
                 "this ballot.", reference=application.reference)

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
        if closed.outcome == "deferred":
            return _("%(reference)s: ballot %(number)s closed — deferred for want of a quorum; "
                     "the next ballot is open.", reference=application.reference,
                     number=closed.number)
        outcome = {"approved": _("approved"), "rejected": _("rejected")}.get(closed.outcome,
                                                                           closed.outcome)
        return _("%(reference)s: ballot %(number)s closed — %(outcome)s.",
                 reference=application.reference, number=closed.number, outcome=outcome)

    return _attempt(application, form, "close_form", act)


@bp.route("/applications/<int:application_id>/open", methods=["POST"])
@roles(CHAIR)
def open_ballot(application_id: int):
    application = visible_application_or_404(application_id)  # CSRFProtect checked the post
    opened = ballot_steps.open_missing_ballot(application, current_user)
    db.session.commit()
    flash(_("%(reference)s: ballot %(number)s is open.", reference=application.reference,
            number=opened.number), "success")
    return redirect(url_for("applications.show", application_id=application.id,
                            _anchor="committee"))


@bp.route("/ballots/<int:ballot_id>/tally.json")
@roles(*READER_ROLES)
def tally_json(ballot_id: int):
    ballot = db.session.get(Ballot, ballot_id)
    if ballot is None:
        abort(404)
    visible_application_or_404(ballot.application_id)
    count = tally.tally(ballot).as_dict()
    if ballots.votes_hidden_from(ballot, current_user):
        count = {k: count[k] for k in ("eligible", "cast", "quorum_needed", "quorum_met")}
    return jsonify(ballot=ballot.id, number=ballot.number, state=ballot.state,
                   outcome=ballot.outcome, **count)
