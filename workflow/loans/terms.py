"""The terms the committee chair approves a loan on, checked as the law and the schedule
need them (used by workflow.committee.decision when a ballot closes with an approval).

Each term is the chair's input, else the credit assessment's recommendation, else a default:
the damages rate 14.6 % a year (lending_law.DEFAULT_DAMAGES_RATE) and prepayments lowering
the instalments. Rates are capped by the Interest Rate Restriction Act on the approved
amount (workflow.loans.lending_law); a refusal names the field it is about.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from models import PREPAYMENT_MODES, LoanDetails
from models.i18n import N_
from workflow.engine.errors import TransitionRefused
from workflow.engine.rules import Step
from workflow.engine.wording import word

from .lending_law import (
    DEFAULT_DAMAGES_RATE,
    damages_rate_problem,
    interest_rate_problem,
    term_problem,
)
from .schedule import ScheduleRefused, build_schedule

DECIMALS = 4  # the rate columns keep 4 decimals: a rate is never rounded on its way in
# The chair's decision form's field for each of build_schedule's arguments.
DECISION_FIELDS = {"amount": "approved_yen", "annual_rate": "annual_rate",
                   "months": "term_months", "grace_months": "grace_months", "method": "method"}


def blank(value) -> bool:
    """An input left empty (None, or only spaces)."""
    return value is None or (isinstance(value, str) and not value.strip())


def whole(value, field: str, what: str) -> int | None:
    """An integer input (int or digits, thousands separators allowed), None when blank."""
    if blank(value):
        return None
    if isinstance(value, bool):
        raise TransitionRefused(_("%(what)s must be a whole number.", what=word(what)), field=field)
    if isinstance(value, int):
        return value
    text = str(value).strip().replace(",", "")
    if not text.lstrip("-").isdigit():
        raise TransitionRefused(_("%(what)s must be a whole number.", what=word(what)), field=field)
    return int(text)


def rate_input(value, field: str, what: str) -> Decimal | None:
    """A rate in percent (Decimal, number or text), None when blank."""
    if blank(value):
        return None
    try:
        rate = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise TransitionRefused(_("%(what)s must be a number.", what=word(what)),
                                field=field) from None
    if rate.is_finite() and rate.normalize().as_tuple().exponent < -DECIMALS:
        raise TransitionRefused(_("%(what)s may have at most %(decimals)s decimals.",
                                  what=word(what), decimals=DECIMALS), field=field)
    return rate


def loan_terms(step: Step, details: LoanDetails, amount: int) -> dict:
    """The approved terms: the chair's inputs, else the assessment's recommendation.

    Checked against the law's caps on `amount`, then by building the repayment schedule,
    which refuses terms that make no sense.
    """
    inputs = step.inputs
    rate = rate_input(inputs.get("annual_rate"), "annual_rate", N_("The annual rate"))
    rate = details.recommended_rate if rate is None else rate
    if rate is None:
        raise TransitionRefused(_("The annual rate is required to approve a loan."),
                                field="annual_rate")
    problem = interest_rate_problem(rate, amount)
    if problem:
        raise TransitionRefused(problem, field="annual_rate")
    damages = rate_input(inputs.get("damages_rate"), "damages_rate",
                         N_("The delay damages rate"))
    damages = DEFAULT_DAMAGES_RATE if damages is None else damages
    problem = damages_rate_problem(damages, amount)
    if problem:
        raise TransitionRefused(problem, field="damages_rate")
    term = whole(inputs.get("term_months"), "term_months", N_("The term"))
    term = term if term is not None else (details.recommended_term_months
                                          or details.requested_term_months)
    if term is None:
        raise TransitionRefused(_("The term is required to approve a loan."), field="term_months")
    problem = term_problem(term)
    if problem:
        raise TransitionRefused(problem, field="term_months")
    grace = whole(inputs.get("grace_months"), "grace_months", N_("The grace period"))
    grace = grace if grace is not None else (details.recommended_grace_months or 0)
    method = inputs.get("method") or details.recommended_method or "annuity"
    mode = inputs.get("prepayment_mode") or "lower_instalment"
    if mode not in PREPAYMENT_MODES:
        raise TransitionRefused(_("Choose what a prepayment does: lower the instalments or "
                                  "shorten the term."), field="prepayment_mode")
    try:
        build_schedule(amount, rate, term, method, grace)
    except ScheduleRefused as problem:
        raise TransitionRefused(problem.message, field=DECISION_FIELDS[problem.field]) from None
    return {"annual_rate": rate, "term_months": term, "grace_months": grace, "method": method,
            "damages_rate": damages, "prepayment_mode": mode}

