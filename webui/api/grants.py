"""Grant proposals through the API: an alumni society's draft, its details, and the
secretariat's screening checklist, each through the workflow as the pages do."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _

from models import Round, db
from workflow.grants import proposals, screening
from workflow.grants.budget import BudgetLineInput, ParticipantInput

from ..access import api_token
from .applications import as_file
from .blueprints import api_blueprint
from .files import visible_application
from .links import NEW_ID, file_links, operation, to
from .schemas import (
    ApplicationSchema,
    ChecklistSchema,
    DoneSchema,
    NewProposalSchema,
    ProposalSchema,
)
from .tokens import api_roles, caller
from .writes import (
    IDEMPOTENCY_PARAMETER,
    IF_MATCH_PARAMETER,
    carry_out,
    check_version,
    expected_version,
)

blp = api_blueprint("api_grants", __name__, url_prefix="/api/v1",
                description="Grant proposals and their screening.")


@blp.route("/grants", methods=["POST"])
@api_token
@api_roles("applicant")
@blp.arguments(NewProposalSchema)
@blp.response(201, ApplicationSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
@blp.doc(**operation("createProposal", 201, **file_links(NEW_ID),
                     SaveProposal=to("saveProposal", application_id=NEW_ID),
                     Upload=to("uploadAttachment", application_id=NEW_ID)))
def create_proposal(inputs: dict):
    """Start a draft proposal of the caller's alumni society in an open WNF round."""
    user = caller()

    def act() -> tuple[dict, int]:
        round_ = db.session.get(Round, inputs["round_id"])
        if round_ is None:
            abort(422, _("There is no such round."))
        application = proposals.create_proposal(round_=round_, title=inputs["title"],
                                                actor=user)
        return as_file(application, user), 201

    return carry_out(act)


@blp.route("/grants/<int:application_id>", methods=["PUT"])
@api_token
@api_roles("applicant")
@blp.arguments(ProposalSchema)
@blp.response(200, ApplicationSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAMETER, IF_MATCH_PARAMETER])
@blp.doc(**operation("saveProposal", 200, **file_links(NEW_ID)))
def save_proposal(inputs: dict, application_id: int):
    """Save the whole proposal (details, partners, participants, budget) of a draft."""
    user = caller()
    expected = expected_version()

    def act() -> tuple[dict, int]:
        application = visible_application(application_id, user)
        if application.kind != "grant":
            abort(404, _("There is no such grant proposal, or you may not see it."))
        check_version(application, expected)
        data = proposals.ProposalInput(
            title=inputs["title"], programme_type=inputs.get("programme_type"),
            objectives=inputs["objectives"], start_date=inputs.get("start_date"),
            end_date=inputs.get("end_date"), venue_country=inputs.get("venue_country"),
            venue_city=inputs["venue_city"],
            expected_participants=inputs.get("expected_participants"),
            partner_ids=tuple(inputs["partner_ids"]),
            participants=tuple(ParticipantInput(**row) for row in inputs["participants"]),
            budget=tuple(BudgetLineInput(**row) for row in inputs["budget"]))
        saved = proposals.save_proposal(application, user, data)
        return as_file(saved, user), 200

    return carry_out(act)


@blp.route("/applications/<int:application_id>/checklist", methods=["PUT"])
@api_token
@api_roles("secretariat")
@blp.arguments(ChecklistSchema)
@blp.response(200, DoneSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
def record_checklist(inputs: dict, application_id: int):
    """Tick the screening checklist of a proposal: exactly the items given."""
    user = caller()

    def act() -> tuple[dict, int]:
        application = visible_application(application_id, user)
        added, cleared = screening.record_checklist(application, user, inputs["items"])
        return {"message": f"{application.reference}: checklist saved ({len(added)} ticked, "
                           f"{len(cleared)} cleared)."}, 200

    return carry_out(act)
