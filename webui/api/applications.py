"""Applications through the API: the list (the list page's filters, order and cursor), one
file with its grant or loan details, the actions it offers the caller now, and firing one."""

from __future__ import annotations

from models import Application, User
from workflow.engine import registry, service
from workflow.engine.permissions import READER_ROLES
from workflow.files import kept_lists
from workflow.files.search import Filters

from ..access import api_token
from .blueprints import api_blueprint
from .files import VIEWERS, visible_application
from .links import FILE_IN_PATH, file_links, operation, to
from .schemas import (
    ActionInputSchema,
    ActionListSchema,
    ApplicationListArgs,
    ApplicationPageSchema,
    ApplicationSchema,
    FiredSchema,
)
from .tokens import api_roles, caller
from .writes import IDEMPOTENCY_PARAMETER, IF_MATCH_PARAMETER, carry_out, etag_of, expected_version

blp = api_blueprint("api_applications", __name__, url_prefix="/api/v1/applications",
                    description="Grant proposals and loan applications, and their actions.")

def state_label(workflow: str, version: int, state: str, user: User) -> str:
    shown = registry.get(workflow, version).state(state)
    return shown.staff_label if user.has_role(*READER_ROLES) else shown.applicant_label


def labelled(application: Application, user: User) -> Application:
    """The file with what this user is shown of it (ApplicationSchema reads it): the label
    of its state; a loan's company figures, and its assessment for the staff (as the page)."""
    staff = user.has_role(*READER_ROLES)
    application.state_label = state_label(application.workflow_name,
                                          application.workflow_version, application.state, user)
    loan = application.loan if application.kind == "loan" else None
    application.company_shown = application.organisation if loan is not None else None
    application.assessment_shown = loan if staff and loan is not None and loan.risk_grade else None
    return application


def as_file(application: Application, user: User) -> dict:
    """The file as the API shows it (ApplicationSchema's fields)."""
    return ApplicationSchema().dump(labelled(application, user))


@blp.route("/")
@api_token
@api_roles(*VIEWERS)
@blp.arguments(ApplicationListArgs, location="query", as_kwargs=True)
@blp.response(200, ApplicationPageSchema)
@blp.doc(**operation("listApplications", 200,
                     GetFile=to("getApplication", application_id="$response.body#/items/0/id")))
def list_applications(limit: int, after: str | None = None, before: str | None = None,
                      direction: str = "desc", **chosen):
    """The files the caller may see, a page at a time (follow `next`)."""
    user = caller()
    filters = Filters(q=(chosen.get("q") or "").strip(),
                      organisation_id=chosen.get("organisation_id"),
                      country=(chosen.get("country") or "").strip().upper(),
                      state=chosen.get("state") or "", round_id=chosen.get("round_id"),
                      fund=chosen.get("fund") or "", date_from=chosen.get("date_from"),
                      date_to=chosen.get("date_to"), sort=chosen.get("sort") or "created",
                      descending=direction == "desc")
    page = kept_lists.page_of(filters, user, limit, after=after, before=before)
    items = [{"id": ident, "reference": reference, "title": title, "state": state,
              "state_label": state_label(workflow, version, state, user),
              "organisation": organisation, "organisation_reading": reading, "country": country,
              "requested_yen": requested, "approved_yen": approved}
             for (ident, reference, title, workflow, version, state, requested, approved,
                  organisation, reading, country, *_key) in page.rows]
    return {"items": items, "next": page.after, "previous": page.before}


@blp.route("/<int:application_id>")
@api_token
@api_roles(*VIEWERS)
@blp.response(200, ApplicationSchema, headers={"ETag": {"schema": {"type": "string"}}})
@blp.doc(**operation("getApplication", 200, **file_links(FILE_IN_PATH),
                     ListTranches=to("listTranches", application_id=FILE_IN_PATH),
                     ListBallots=to("listBallots", application_id=FILE_IN_PATH),
                     Schedule=to("loanSchedule", application_id=FILE_IN_PATH),
                     Repayments=to("listRepayments", application_id=FILE_IN_PATH),
                     SaveProposal=to("saveProposal", application_id=FILE_IN_PATH),
                     SaveLoan=to("saveLoan", application_id=FILE_IN_PATH)))
def get_application(application_id: int):
    """One file with its grant or loan details; its ETag is its version, for If-Match."""
    user = caller()
    application = visible_application(application_id, user)
    return labelled(application, user), 200, {"ETag": etag_of(application)}


@blp.route("/<int:application_id>/actions")
@api_token
@api_roles(*VIEWERS)
@blp.response(200, ActionListSchema)
@blp.doc(**operation("listActions", 200, FireFirst=to(
    "fireAction", application_id=FILE_IN_PATH, trigger="$response.body#/items/0/trigger")))
def list_actions(application_id: int):
    """What the caller may do to the file now; a blocked action says why."""
    user = caller()
    application = visible_application(application_id, user)
    return {"items": [{"trigger": a.trigger, "label": a.label, "requires": list(a.requires),
                       "blocked": a.blocked}
                      for a in service.available_actions(application, user)]}


@blp.route("/<int:application_id>/actions/<trigger>", methods=["POST"])
@api_token
@api_roles(*VIEWERS)
@blp.arguments(ActionInputSchema)
@blp.response(200, FiredSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAMETER, IF_MATCH_PARAMETER])
@blp.doc(**operation("fireAction", 200, **file_links("$response.body#/application/id")))
def fire_action(inputs: dict, application_id: int, trigger: str):
    """Take an action (its `trigger`), as its button on the file's page would."""
    user = caller()
    expected = expected_version()

    def act() -> tuple[dict, int]:
        application = visible_application(application_id, user)
        # A blank text is an input not given (as an empty field of the page's form).
        given = {name: value for name, value in inputs.items()
                 if not (isinstance(value, str) and not value.strip())}
        service.fire(application, trigger, user, expected_version=expected, **given)
        file = as_file(application, user)
        return {"application": file,
                "message": f"{application.reference}: done. It is now “{file['state_label']}”."
                }, 200

    return carry_out(act)
