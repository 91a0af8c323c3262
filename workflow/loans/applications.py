"""SME loan applications: the request, its company figures and the agreement.

The credit assessment lives in workflow.loans.assessment;
the releases in workflow.loans.drawdowns; the repayment side in workflow.loans.repayments;
the daily arrears job and the write-off in workflow.loans.arrears; the undrawn part in
workflow.loans.undrawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from models import (
    INDUSTRIES,
    Application,
    Attachment,
    Fund,
    LoanDetails,
    Organisation,
    Round,
    User,
    db,
)
from models.i18n import N_
from workflow.engine import audit, kept, service
from workflow.engine.errors import TransitionRefused, ValidationFailed
from workflow.engine.permissions import is_member_of_applicant
from workflow.engine.rules import Step, guard
from workflow.engine.wording import long_date
from workflow.files import attachments
from workflow.files.applications import create_application
from workflow.files.common_rules import missing_fields_check
from workflow.money.round_choice import check_round_choice
from workflow.people.accounts import check_country
from workflow.people.readings import company_reading

from . import arrears, repayments, undrawn  # noqa: F401 - rules
from .lending_law import MAX_TERM_MONTHS

EDITABLE_STATES = ("draft", "revision_requested")
LOAN_FUND_CODE = "SME"


@dataclass(frozen=True)
class LoanRequest:
    """What the applicant fills in: the request and the company's SME figures."""

    title: str
    round_: Round | None
    requested_yen: int
    term_months: int
    investment_country: str
    project: str
    purpose: str
    industry: str
    capital_yen: int
    employees: int
    # The company name's reading, in kana (workflow.people.readings); None: left as it is.
    name_reading: str | None = None


def sme_fund() -> Fund:
    """The loan fund (code SME)."""
    fund = db.session.scalar(select(Fund).where(Fund.code == "SME"))
    if fund is None:
        raise ValidationFailed(_("There is no SME loan fund yet; ask an administrator."))
    return fund


def _check_request(request: LoanRequest) -> None:
    """Refuse, next to the field, anything the applicant cannot mean."""
    if not request.title.strip():
        raise ValidationFailed(_("Give the project a title."), "title")
    if not isinstance(request.requested_yen, int) or request.requested_yen < 1:
        raise ValidationFailed(_("The amount requested must be at least ¥1."), "requested_yen")
    if not isinstance(request.term_months, int) or not 1 <= request.term_months <= MAX_TERM_MONTHS:
        raise ValidationFailed(_("The term must be from 1 to %(max_term_months)s months.",
                                 max_term_months=MAX_TERM_MONTHS),
                               "term_months")
    country = check_country(request.investment_country, "investment_country")
    if country == "JP":
        raise ValidationFailed(_("SME loans finance investment outside Japan."),
                               "investment_country")
    if request.industry not in INDUSTRIES:
        raise ValidationFailed(_("Choose the company's industry."), "industry")
    if request.capital_yen is None or request.capital_yen < 0:
        raise ValidationFailed(_("The capital cannot be negative."), "capital_yen")
    if request.employees is None or request.employees < 0:
        raise ValidationFailed(_("The number of employees cannot be negative."), "employees")
    if request.name_reading is not None:
        company_reading(request.name_reading)  # refused here, before anything is written


def _apply(application: Application, company: Organisation, request: LoanRequest) -> dict:
    """Copy the request onto the rows; return what changed, for the audit trail."""
    loan = application.loan
    reading = (company.name_reading if request.name_reading is None
               else company_reading(request.name_reading))
    targets = [
        (application, "title", request.title.strip()),
        (application, "round_id", request.round_.id if request.round_ else None),
        (application, "requested_yen", request.requested_yen),
        (loan, "requested_term_months", request.term_months),
        (loan, "investment_country", request.investment_country.strip().upper()),
        (loan, "project", request.project.strip()),
        (loan, "purpose", request.purpose.strip()),
        # The company's figures live on its Organisation: the eligibility rule reads them there.
        (company, "name_reading", reading),
        (company, "industry", request.industry),
        (company, "capital_yen", request.capital_yen),
        (company, "employees", request.employees),
    ]
    changed = {}
    for row, name, value in targets:
        if getattr(row, name) != value:
            changed[name] = value
            setattr(row, name, value)
    if {"name_reading", "industry", "capital_yen", "employees"} & set(changed):
        # The company's record, which other pages name too.
        kept.catalogue_changed(row_id=company.id)
    return changed


def create_loan(company: Organisation, actor: User, request: LoanRequest,
                today: date | None = None) -> Application:
    """A new draft loan application of `company`, with its details and figures."""
    if company.kind != "company":
        raise ValidationFailed(_("Only a company can apply for an SME loan."))
    if actor is None or not actor.has_role("applicant") or actor.organisation_id != company.id:
        raise TransitionRefused(_("Only a representative of %(name)s may apply for its loan.",
                                  name=company.name))
    _check_request(request)
    check_round_choice(request.round_, LOAN_FUND_CODE, today, keep_id=None)
    application = create_application(
        fund=sme_fund(), organisation=company, title=request.title, actor=actor,
        round_=request.round_, requested_yen=request.requested_yen, today=today)
    application.loan = LoanDetails()
    _apply(application, company, request)
    db.session.flush()
    return application


def may_edit(application: Application, user: User | None) -> str | None:
    """None when `user` may edit the request now; else why not."""
    if user is None or not user.has_role("applicant") or not is_member_of_applicant(
            user, application):
        return _("Only the applying company may edit its loan application.")
    if application.state not in EDITABLE_STATES:
        return (_("The application can be edited only as a draft or when a revision is requested."))
    return None


def update_loan(application: Application, actor: User, request: LoanRequest,
                today: date | None = None) -> Application:
    """Save the owner's changes to a draft (or a file returned for revision)."""
    application = service.lock(application)
    problem = may_edit(application, actor)
    if problem:
        raise TransitionRefused(problem)
    _check_request(request)
    check_round_choice(request.round_, LOAN_FUND_CODE, today, keep_id=application.round_id)
    if application.loan is None:
        application.loan = LoanDetails()
    changed = _apply(application, application.organisation, request)
    if changed:
        audit.record("loan.update", actor=actor, object_type="application",
                     object_id=application.id, from_state=application.state,
                     to_state=application.state,
                     data={"reference": application.reference, "changed": changed})
    db.session.flush()
    return application


@missing_fields_check("loan")
def loan_missing_fields(application: Application) -> list[str]:
    """What a loan application still needs before it can be submitted."""
    loan = application.loan
    if loan is None:
        return ["the loan details"]
    missing = []
    if not loan.requested_term_months:
        missing.append(N_("the term"))
    if not loan.investment_country:
        missing.append(N_("the investment country"))
    if not (loan.project or "").strip():
        missing.append(N_("the project"))
    if not (loan.purpose or "").strip():
        missing.append(N_("the purpose"))
    return missing


# --- the agreement (secretariat) --------------------------------------------------------

def sign_agreement(application: Application, actor: User, *, agreement_date: date | None,
                   file, upload_dir: str, expected_version: int | None = None,
                   today: date | None = None) -> Application:
    """Store the signed agreement and its date, and mark the loan contracted."""
    today = today or date.today()
    if agreement_date is None:
        raise ValidationFailed(_("Give the date the agreement was signed."), "agreement_date")
    if agreement_date > today:
        raise ValidationFailed(_("The agreement date cannot be in the future."), "agreement_date")
    approved_on = application.loan.approved_on if application.loan else None
    if approved_on is not None and agreement_date < approved_on:
        raise ValidationFailed(
            _("The agreement cannot be dated before the approval on %(approved_on)s; "
              "%(agreement_date)s was given.", approved_on=long_date(approved_on),
              agreement_date=long_date(agreement_date)), "agreement_date")
    if not file or not getattr(file, "filename", ""):
        raise ValidationFailed(_("Attach the signed agreement."), "agreement_file")
    try:
        stored = attachments.store(application, file, "agreement", actor, upload_dir)
    except ValidationFailed as refusal:
        raise ValidationFailed(refusal.message, "agreement_file") from None
    application.loan.agreement_date = agreement_date
    application.loan.agreement_attachment_id = stored.id
    return service.fire(application, "sign_agreement", actor,
                        expected_version=expected_version, today=today)


_AGREEMENT_NAME = select(Attachment.original_name).where(Attachment.id == bindparam("id"))


def _agreement_id(application: Application) -> int | None:
    loan = application.loan
    return None if loan is None else loan.agreement_attachment_id


def agreement_name(application: Application) -> str | None:
    """The signed agreement's file name, for the loan panel (one column, not the row)."""
    attachment_id = _agreement_id(application)
    if attachment_id is None:
        return None
    return db.session.connection().execute(_AGREEMENT_NAME, {"id": attachment_id}).scalar()


def agreement_file(application: Application) -> Attachment | None:
    attachment_id = _agreement_id(application)
    return None if attachment_id is None else db.session.get(Attachment, attachment_id)


@guard("agreement_attached")
def agreement_attached(step: Step) -> str | None:
    loan = step.application.loan
    if loan is None or loan.agreement_date is None:
        return _("Give the date the agreement was signed.")
    attachment = agreement_file(step.application)
    if (attachment is None or attachment.application_id != step.application.id
            or attachment.kind != "agreement"):
        return _("Attach the signed agreement before marking it signed.")
    step.data["agreement"] = {"date": loan.agreement_date, "attachment_id": attachment.id,
                              "file": attachment.original_name}
    return None
