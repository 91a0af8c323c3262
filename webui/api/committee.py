"""The committee through the API: a file's ballots with their tally, casting a vote and
declaring a conflict of interest. Closing a ballot is the file's `decide` action
(webui.api.applications), as on the pages."""

from __future__ import annotations

from flask_babel import gettext as _

from workflow.committee import ballots, tally
from workflow.engine.wording import word

from ..access import api_token
from .blueprints import api_blueprint
from .files import VIEWERS, visible_application
from .links import operation
from .schemas import (
    BallotListSchema,
    ConflictInputSchema,
    DoneSchema,
    VoteInputSchema,
)
from .tokens import api_roles, caller
from .writes import IDEMPOTENCY_PARAMETER, carry_out

blp = api_blueprint("api_committee", __name__, url_prefix="/api/v1/applications",
                description="Ballots, votes and conflicts of interest.")

MEMBER, CHAIR = "committee_member", "committee_chair"
SHOWN_WHEN_HIDDEN = ("eligible", "cast", "quorum_needed", "quorum_met")


@blp.route("/<int:application_id>/ballots")
@api_token
@api_roles(*VIEWERS)
@blp.response(200, BallotListSchema)
@blp.doc(**operation("listBallots"))
def list_ballots(application_id: int):
    """The file's ballots, oldest first; the counts of an open ballot as the page shows them."""
    user = caller()
    application = visible_application(application_id, user)
    items = []
    for ballot in ballots.ballots_of(application):
        count = tally.tally(ballot).as_dict()
        if ballots.votes_hidden_from(ballot, user):
            count = {k: count[k] for k in SHOWN_WHEN_HIDDEN}
        items.append({"id": ballot.id, "number": ballot.number, "state": ballot.state,
                      "outcome": ballot.outcome, "opened_at": ballot.opened_at,
                      "closed_at": ballot.closed_at, "tally": count})
    return {"items": items}


@blp.route("/<int:application_id>/votes", methods=["POST"])
@api_token
@api_roles(MEMBER)
@blp.arguments(VoteInputSchema)
@blp.response(200, DoneSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
def cast_vote(inputs: dict, application_id: int):
    """Cast or change the caller's vote on the open ballot."""
    user = caller()

    def act() -> tuple[dict, int]:
        application = visible_application(application_id, user)
        cast = ballots.cast_vote(application, user, inputs["choice"], inputs["comment"])
        # The page's sentence, in the language the script asks for (Accept-Language).
        return {"message": _("%(reference)s: your vote is “%(choice)s”.",
                             reference=application.reference,
                             choice=word(ballots.CHOICE_LABELS[cast.choice]))}, 200

    return carry_out(act)


@blp.route("/<int:application_id>/conflicts", methods=["POST"])
@api_token
@api_roles(MEMBER, CHAIR)
@blp.arguments(ConflictInputSchema)
@blp.response(200, DoneSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
def declare_conflict(inputs: dict, application_id: int):
    """Declare a conflict of interest: the caller is recused from the open ballot."""
    user = caller()

    def act() -> tuple[dict, int]:
        application = visible_application(application_id, user)
        ballots.declare_conflict(application, user, inputs["reason"])
        return {"message": _("%(reference)s: your conflict of interest is recorded; you are "
                             "recused from this ballot.", reference=application.reference)}, 200

    return carry_out(act)
