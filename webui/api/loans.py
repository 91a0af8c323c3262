"""SME loans through the API: a company's loan application (filed and edited as on its
form), the secretariat's credit assessment and signed agreement, the loan's schedule and
repayments, a repayment recorded by finance and a write-off requested; each through the
workflow as the pages do.

The other steps of a loan are the file's actions (webui.api.applications): submit,
screening, refer_to_assessment, decide with the approved terms, write_off, cancel; its
tranches are webui.api.money's.
"""

from __future__ import annotations

from datetime import date

from flask import abort, current_app
from flask_babel import gettext as _
from marshmallow import Schema, fields

from models import Application, Round, User, db
from workflow.engine import service
from workflow.loans import accrual, arrears, book, statement
from workflow.loans import applications as loans
from workflow.loans.assessment import Assessment, complete_assessment

from ..access import api_token
from .applications import as_file
from .attachments import UploadSchema
from .blueprints import api_blueprint
from .files import VIEWERS, visible_application
from .links import FILE_IN_PATH, NEW_ID, file_links, operation, to
from .loan_schemas import (
    AssessmentInputSchema,
    LoanRequestSchema,
    RepaymentInputSchema,
    RepaymentListSchema,
    ScheduleSchema,
    WriteOffRequestSchema,
)
from .schemas import ApplicationSchema, DoneSchema, FiredSchema
from .tokens import api_roles, caller
from .writes import (
    IDEMPOTENCY_PARAMETER,
    IF_MATCH_PARAMETER,
    carry_out,
    check_version,
    expected_version,
)

blp = api_blueprint("api_loans", __name__, url_prefix="/api/v1",
                    description="SME loan applications, assessments, schedules and repayments.")

SECRETARIAT, FINANCE = "secretariat", "finance_officer"


def _visible_loan(application_id: int, user: User) -> Application:
    application = visible_application(application_id, user)
    if application.kind != "loan":
        abort(404, _("There is no such loan, or you may not see it."))
    return application


def _request(inputs: dict) -> loans.LoanRequest:
    round_ = db.session.get(Round, inputs["round_id"])
    if round_ is None:
        abort(422, _("There is no such round."))
    return loans.LoanRequest(
        title=inputs["title"], round_=round_, requested_yen=inputs["requested_yen"],
        term_months=inputs["term_months"], investment_country=inputs["investment_country"],
        project=inputs["project"], purpose=inputs["purpose"], industry=inputs["industry"],
        capital_yen=inputs["capital_yen"], employees=inputs["employees"],
        name_reading=inputs["name_reading"])


@blp.route("/loans", methods=["POST"])
@api_token
@api_roles("applicant")
@blp.arguments(LoanRequestSchema)
@blp.response(201, ApplicationSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
@blp.doc(**operation("createLoan", 201, **file_links(NEW_ID),
                     SaveLoan=to("saveLoan", application_id=NEW_ID),
                     Upload=to("uploadAttachment", application_id=NEW_ID,
                               query__kind="business_plan")))
def create_loan(inputs: dict):
    """File a draft loan application of the caller's company in an open SME round."""
    user = caller()

    def act() -> tuple[dict, int]:
        company = user.organisation
        if company is None or company.kind != "company":
            abort(409, _("Only a company can apply for an SME loan."))
        application = loans.create_loan(company, user, _request(inputs))
        return as_file(application, user), 201

    return carry_out(act)


@blp.route("/loans/<int:application_id>", methods=["PUT"])
@api_token
@api_roles("applicant")
@blp.arguments(LoanRequestSchema)
@blp.response(200, ApplicationSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAMETER, IF_MATCH_PARAMETER])
@blp.doc(**operation("saveLoan", 200, **file_links(NEW_ID)))
def save_loan(inputs: dict, application_id: int):
    """Save the whole loan application (a draft, or one returned for revision)."""
    user = caller()
    expected = expected_version()

    def act() -> tuple[dict, int]:
        application = _visible_loan(application_id, user)
        check_version(application, expected)
        saved = loans.update_loan(application, user, _request(inputs))
        return as_file(saved, user), 200

    return carry_out(act)


@blp.route("/applications/<int:application_id>/assessment", methods=["POST"])
@api_token
@api_roles(SECRETARIAT)
@blp.arguments(AssessmentInputSchema)
@blp.response(200, FiredSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAMETER, IF_MATCH_PARAMETER])
@blp.doc(**operation("assessLoan", 200, **file_links("$response.body#/application/id")))
def assess_loan(inputs: dict, application_id: int):
    """Complete the credit assessment: the risk grade and the terms recommended; the file
    goes to the committee."""
    user = caller()
    expected = expected_version()

    def act() -> tuple[dict, int]:
        application = _visible_loan(application_id, user)
        check_version(application, expected)
        complete_assessment(application, user, Assessment(
            inputs["risk_grade"], inputs["notes"], inputs["amount_yen"],
            inputs["annual_rate"], inputs["term_months"], inputs["grace_months"],
            inputs["method"]), expected_version=expected)
        return {"application": as_file(application, user),
                "message": _("%(reference)s: the assessment is complete and the file is "
                             "with the committee.", reference=application.reference)}, 200

    return carry_out(act)


class AgreementArgs(Schema):
    agreement_date = fields.Date(required=True,
                                 metadata={"description": "The day the agreement was signed"})


@blp.route("/applications/<int:application_id>/agreement", methods=["POST"])
@api_token
@api_roles(SECRETARIAT)
@blp.arguments(AgreementArgs, location="query")
@blp.arguments(UploadSchema, location="files")
@blp.response(200, FiredSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAMETER, IF_MATCH_PARAMETER])
@blp.doc(**operation("signAgreement", 200, **file_links("$response.body#/application/id")))
def sign_agreement(args: dict, upload: dict, application_id: int):
    """Attach the signed agreement (multipart/form-data, field `file`) with its date: the
    loan is contracted."""
    user = caller()
    expected = expected_version()

    def act() -> tuple[dict, int]:
        application = _visible_loan(application_id, user)
        check_version(application, expected)
        loans.sign_agreement(application, user, agreement_date=args["agreement_date"],
                             file=upload["file"], upload_dir=current_app.config["UPLOAD_DIR"],
                             expected_version=expected)
        return {"application": as_file(application, user),
                "message": _("%(reference)s: the agreement is signed.",
                             reference=application.reference)}, 200

    return carry_out(act)


@blp.route("/applications/<int:application_id>/schedule")
@api_token
@api_roles(*VIEWERS)
@blp.response(200, ScheduleSchema)
@blp.doc(**operation("loanSchedule"))
def loan_schedule(application_id: int):
    """The loan's instalments as the page shows them (empty before the first release), and
    what paying it off today would take."""
    application = _visible_loan(application_id, caller())
    loan, today = application.loan, date.today()
    lines = book.schedule_lines(application)
    if not lines or loan is None or loan.first_release_on is None:
        return {"items": [], "owed": None}
    terms = book.terms_of(loan)
    owed = accrual.position(terms, lines, today)
    return {"items": [row._asdict() for row in statement.schedule_rows(lines, terms, today)],
            "owed": {"day": owed.day, "principal_yen": owed.principal,
                     "interest_yen": owed.interest, "damages_yen": owed.damages,
                     "total_yen": owed.total}}


@blp.route("/applications/<int:application_id>/repayments")
@api_token
@api_roles(*VIEWERS)
@blp.response(200, RepaymentListSchema)
@blp.doc(**operation("listRepayments"))
def list_repayments(application_id: int):
    """The repayments received, oldest first, each split into damages, interest, principal."""
    application = _visible_loan(application_id, caller())
    return {"items": [row._asdict() for row in book.received_lines(application)]}


@blp.route("/applications/<int:application_id>/repayments", methods=["POST"])
@api_token
@api_roles(FINANCE)
@blp.arguments(RepaymentInputSchema)
@blp.response(201, FiredSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAMETER, IF_MATCH_PARAMETER])
@blp.doc(**operation("recordRepayment", 201,
                     Repayments=to("listRepayments", application_id=FILE_IN_PATH),
                     Schedule=to("loanSchedule", application_id=FILE_IN_PATH)))
def record_repayment(inputs: dict, application_id: int):
    """Record money received: damages and interest fallen due first, then principal, the
    rest a prepayment (as the page's form does)."""
    user = caller()
    expected = expected_version()

    def act() -> tuple[dict, int]:
        application = _visible_loan(application_id, user)
        service.fire(application, "record_repayment", user, expected_version=expected,
                     amount_yen=inputs["amount_yen"], received_on=inputs["received_on"],
                     bank_reference=inputs["bank_reference"])
        return {"application": as_file(application, user),
                "message": _("%(reference)s: ¥%(amount)s recorded.",
                             reference=application.reference,
                             amount=f"{inputs['amount_yen']:,}")}, 201

    return carry_out(act)


@blp.route("/applications/<int:application_id>/write-off-request", methods=["POST"])
@api_token
@api_roles(FINANCE)
@blp.arguments(WriteOffRequestSchema)
@blp.response(200, DoneSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
def request_write_off(inputs: dict, application_id: int):
    """Ask the committee chair to write off a loan in arrears (the chair's `write_off`)."""
    user = caller()

    def act() -> tuple[dict, int]:
        application = _visible_loan(application_id, user)
        arrears.request_write_off(application, user, inputs["reason"])
        return {"message": _("%(reference)s: the write-off is requested; the committee chair "
                             "must approve it.", reference=application.reference)}, 200

    return carry_out(act)
