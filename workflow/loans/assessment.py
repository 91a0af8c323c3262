"""The secretariat's credit assessment of an SME loan: the risk grade and the terms it
recommends, checked against the amount requested, the Interest Rate Restriction Act's caps
(workflow.loans.lending_law) and the schedule they would make; completing it sends the file to the
committee (complete_assessment).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from models import REPAYMENT_METHODS, RISK_GRADES, Application, User, utcnow
from models.i18n import N_
from workflow.engine import service
from workflow.engine.errors import ValidationFailed
from workflow.engine.rules import Step, effect, guard

from .lending_law import interest_rate_problem
from .schedule import ScheduleRefused, build_schedule


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


# The assessment form's field for each of build_schedule's arguments.
TERM_FIELDS = {"amount": "amount_yen", "annual_rate": "annual_rate", "months": "term_months",
               "grace_months": "grace_months", "method": "method"}


def terms_problem(amount_yen, annual_rate, term_months, grace_months, method
                  ) -> tuple[str, str | None] | None:
    """(sentence, field) when the loan terms are unlawful or cannot make a schedule; None
    when they can. The rate is capped on the amount (workflow.loans.lending_law)."""
    if isinstance(annual_rate, Decimal) and isinstance(amount_yen, int) and amount_yen > 0:
        unlawful = interest_rate_problem(annual_rate, amount_yen)
        if unlawful:
            return unlawful, "annual_rate"
    try:
        build_schedule(amount_yen, annual_rate, term_months, method=method,
                       grace_months=grace_months)
    except ScheduleRefused as refused:
        return refused.message, TERM_FIELDS[refused.field]
    if isinstance(annual_rate, Decimal) and annual_rate.as_tuple().exponent < -4:
        return _("The annual rate may have at most 4 decimals."), "annual_rate"
    return None


def _assessment_problem(application: Application, a: Assessment
                        ) -> tuple[str, str | None] | None:
    if a.risk_grade not in RISK_GRADES:
        return _("Choose a risk grade from A to E."), "risk_grade"
    for value, sentence, field in (
            (a.amount_yen, N_("Give the recommended amount."), "amount_yen"),
            (a.annual_rate, N_("Give the annual rate."), "annual_rate"),
            (a.term_months, N_("Give the term."), "term_months"),
            (a.grace_months, N_("Give the grace period."), "grace_months")):
        if value is None:
            return _(sentence), field
    if a.method not in REPAYMENT_METHODS:
        return _("Choose the repayment method."), "method"
    requested = application.requested_yen
    if requested is not None and a.amount_yen > requested:
        return (_("The recommended amount may not be above the ¥%(requested)s requested; "
                  "¥%(amount)s was given.", requested=f"{requested:,}",
                  amount=f"{a.amount_yen:,}"), "amount_yen")
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
        return _("The credit assessment has not been filled in.")
    problem = _assessment_problem(step.application, Assessment(
        loan.risk_grade, loan.assessment_notes, loan.recommended_amount_yen,
        loan.recommended_rate, loan.recommended_term_months, loan.recommended_grace_months,
        loan.recommended_method))
    if not problem:
        return None
    return _("The credit assessment is not complete: %(problem)s", problem=problem[0])


@effect("audit_assessment")
def _audit_assessment(step: Step) -> None:
    loan = step.application.loan
    step.data["assessment"] = {
        "risk_grade": loan.risk_grade, "amount_yen": loan.recommended_amount_yen,
        "annual_rate": loan.recommended_rate, "term_months": loan.recommended_term_months,
        "grace_months": loan.recommended_grace_months, "method": loan.recommended_method,
    }
