"""SME loan applications: the request, its company figures, the credit assessment and the
agreement.

The repayment side (schedule, repayments) lives in workflow.repayments; the daily arrears
job and the write-off in workflow.arrears.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import bindparam, select

from models import (
    INDUSTRIES,
    REPAYMENT_METHODS,
    RISK_GRADES,
    Application,
    Attachment,
    Fund,
    LoanDetails,
    Organisation,
    Round,
    User,
    db,
    utcnow,
)

from . import arrears, attachments, audit, repayments, service, undrawn  # noqa: F401 - rules
from .applications import create_application
from .common_rules import missing_fields_check
from .errors import TransitionRefused, ValidationFailed
from .lending_law import MAX_TERM_MONTHS, interest_rate_problem
from .permissions import is_member_of_applicant
from .rules import Step, effect, guard
from .schedule import build_schedule

EDITABLE_STATES = ("draft", "revision_requested")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


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


def sme_fund() -> Fund:
    """The loan fund (code SME)."""
    fund = db.session.scalar(select(Fund).where(Fund.code == "SME"))
    if fund is None:
        raise ValidationFailed("There is no SME loan fund yet; ask an administrator.")
    return fund


def _check_request(request: LoanRequest) -> None:
    """Refuse, next to the field, anything the applicant cannot mean."""
    if not request.title.strip():
        raise ValidationFailed("Give the project a title.", "title")
    if not isinstance(request.requested_yen, int) or request.requested_yen < 1:
        raise ValidationFailed("The amount requested must be at least ¥1.", "requested_yen")
    if not isinstance(request.term_months, int) or not 1 <= request.term_months <= MAX_TERM_MONTHS:
        raise ValidationFailed(f"The term must be from 1 to {MAX_TERM_MONTHS} months.",
                               "term_months")
    country = request.investment_country.strip().upper()
    if not _COUNTRY.match(country):
        raise ValidationFailed("Give the investment country as two letters (VN, TH, IN…).",
                               "investment_country")
    if country == "JP":
        raise ValidationFailed("SME loans finance investment outside Japan.",
                               "investment_country")
    if request.industry not in INDUSTRIES:
        raise ValidationFailed("Choose the company's industry.", "industry")
    if request.capital_yen is None or request.capital_yen < 0:
        raise ValidationFailed("The capital cannot be negative.", "capital_yen")
    if request.employees is None or request.employees < 0:
        raise ValidationFailed("The number of employees cannot be negative.", "employees")
    if request.round_ is not None and request.round_.fund.code != "SME":
        raise ValidationFailed("Choose a round of the SME loan fund.", "round_id")


def _apply(application: Application, company: Organisation, request: LoanRequest) -> dict:
    """Copy the request onto the rows; return what changed, for the audit trail."""
    loan = application.loan
    targets = [
        (application, "title", request.title.strip()),
        (application, "round_id", request.round_.id if request.round_ else None),
        (application, "requested_yen", request.requested_yen),
        (loan, "requested_term_months", request.term_months),
        (loan, "investment_country", request.investment_country.strip().upper()),
        (loan, "project", request.project.strip()),
        (loan, "purpose", request.purpose.strip()),
        # The company's figures live on its Organisation: the eligibility rule reads them there.
        (company, "industry", request.industry),
        (company, "capital_yen", request.capital_yen),
        (company, "employees", request.employees),
    ]
    changed = {}
    for row, name, value in targets:
        if getattr(row, name) != value:
            changed[name] = value
            setattr(row, name, value)
    return changed


def create_loan(company: Organisation, actor: User, request: LoanRequest,
                today: date | None = None) -> Application:
    """A new draft loan application of `company`, with its details and figures."""
    if company.kind != "company":
        raise ValidationFailed("Only a company can apply for an SME loan.")
    if actor is None or not actor.has_role("applicant") or actor.organisation_id != company.id:
        raise TransitionRefused(f"Only a representative of {company.name} may apply for its "
                                "loan.")
    _check_request(request)
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
        return "Only the applying company may edit its loan application."
    if application.state not in EDITABLE_STATES:
        return ("The application can be edited only as a draft or when a revision is "
                "requested.")
    return None


def update_loan(application: Application, actor: User, request: LoanRequest) -> Application:
    """Save the owner's changes to a draft (or a file returned for revision)."""
    application = service.lock(application)
    problem = may_edit(application, actor)
    if problem:
        raise TransitionRefused(problem)
    _check_request(request)
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
        missing.append("the term")
    if not loan.investment_country:
        missing.append("the investment country")
    if not (loan.project or "").strip():
        missing.append("the project")
    if not (loan.purpose or "").strip():
        missing.append("the purpose")
    return missing


# --- credit assessment (secretariat) ---------------------------------------------------

@dataclass(frozen=True)
class Assessment:
    """The secretariat's credit assessment and the terms it recommends."""

    risk_grade: str
    notes: str
    amount_yen: int | None
    annual_rate: Decimal | None
    term_months: int | None
    grace_months: int | None
    method: str


# build_schedule's sentences name the term they refuse; "grace" before "term" because
# "The grace period must be shorter than the term" is about the grace period.
TERM_FIELDS = {"amount": "amount_yen", "annual rate": "annual_rate", "grace": "grace_months",
               "term": "term_months", "method": "method"}


def terms_problem(amount_yen, annual_rate, term_months, grace_months, method
                  ) -> tuple[str, str | None] | None:
    """(sentence, field) when the loan terms are unlawful or cannot make a schedule; None
    when they can. The rate is capped on the amount (workflow.lending_law)."""
    if isinstance(annual_rate, Decimal) and isinstance(amount_yen, int) and amount_yen > 0:
        unlawful = interest_rate_problem(annual_rate, amount_yen)
        if unlawful:
            return unlawful, "annual_rate"
    try:
        build_schedule(amount_yen, annual_rate, term_months, method=method,
                       grace_months=grace_months)
    except ValueError as error:
        message = str(error)
        field = next((f for word, f in TERM_FIELDS.items() if word in message.lower()), None)
        return message, field
    if isinstance(annual_rate, Decimal) and annual_rate.as_tuple().exponent < -4:
        return "The annual rate may have at most 4 decimals.", "annual_rate"
    return None


def _assessment_problem(application: Application, a: Assessment
                        ) -> tuple[str, str | None] | None:
    if a.risk_grade not in RISK_GRADES:
        return "Choose a risk grade from A to E.", "risk_grade"
    for value, label, field in ((a.amount_yen, "recommended amount", "amount_yen"),
                                (a.annual_rate, "annual rate", "annual_rate"),
                                (a.term_months, "term", "term_months"),
                                (a.grace_months, "grace period", "grace_months")):
        if value is None:
            return f"Give the {label}.", field
    if a.method not in REPAYMENT_METHODS:
        return "Choose the repayment method.", "method"
    requested = application.requested_yen
    if requested is not None and a.amount_yen > requested:
        return (f"The recommended amount may not be above the ¥{requested:,} requested; "
                f"¥{a.amount_yen:,} was given.", "amount_yen")
    return terms_problem(a.amount_yen, a.annual_rate, a.term_months, a.grace_months, a.method)


def complete_assessment(application: Application, actor: User, assessment: Assessment, *,
                        expected_version: int | None = None,
                        today: date | None = None) -> Application:
    """Save the assessment and send the file to the committee (complete_assessment)."""
    problem = _assessment_problem(application, assessment)
    if problem:
        raise ValidationFailed(*problem)
    loan = application.loan
    loan.risk_grade = assessment.risk_grade
    loan.assessment_notes = assessment.notes.strip()
    loan.recommended_amount_yen = assessment.amount_yen
    loan.recommended_rate = assessment.annual_rate
    loan.recommended_term_months = assessment.term_months
    loan.recommended_grace_months = assessment.grace_months
    loan.recommended_method = assessment.method
    loan.assessed_at = utcnow()
    return service.fire(application, "complete_assessment", actor,
                        expected_version=expected_version, today=today)


@guard("assessment_complete")
def assessment_complete(step: Step) -> str | None:
    loan = step.application.loan
    if loan is None:
        return "The credit assessment has not been filled in."
    problem = _assessment_problem(step.application, Assessment(
        loan.risk_grade, loan.assessment_notes, loan.recommended_amount_yen,
        loan.recommended_rate, loan.recommended_term_months, loan.recommended_grace_months,
        loan.recommended_method))
    return f"The credit assessment is not complete: {problem[0]}" if problem else None


@effect("loan", "complete_assessment")
def _audit_assessment(step: Step) -> None:
    loan = step.application.loan
    step.data["assessment"] = {
        "risk_grade": loan.risk_grade, "amount_yen": loan.recommended_amount_yen,
        "annual_rate": loan.recommended_rate, "term_months": loan.recommended_term_months,
        "grace_months": loan.recommended_grace_months, "method": loan.recommended_method,
    }


# --- the agreement (secretariat) --------------------------------------------------------

def sign_agreement(application: Application, actor: User, *, agreement_date: date | None,
                   file, upload_dir: str, expected_version: int | None = None,
                   today: date | None = None) -> Application:
    """Store the signed agreement and its date, and mark the loan contracted."""
    today = today or date.today()
    if agreement_date is None:
        raise ValidationFailed("Give the date the agreement was signed.", "agreement_date")
    if agreement_date > today:
        raise ValidationFailed("The agreement date cannot be in the future.", "agreement_date")
    approved_on = application.loan.approved_on if application.loan else None
    if approved_on is not None and agreement_date < approved_on:
        raise ValidationFailed(
            f"The agreement cannot be dated before the approval on {approved_on:%d %B %Y}; "
            f"{agreement_date:%d %B %Y} was given.", "agreement_date")
    if not file or not getattr(file, "filename", ""):
        raise ValidationFailed("Attach the signed agreement.", "agreement_file")
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
        return "Give the date the agreement was signed."
    attachment = agreement_file(step.application)
    if (attachment is None or attachment.application_id != step.application.id
            or attachment.kind != "agreement"):
        return "Attach the signed agreement before marking it signed."
    step.data["agreement"] = {"date": loan.agreement_date, "attachment_id": attachment.id,
                              "file": attachment.original_name}
    return None
