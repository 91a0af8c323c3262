"""What the API sends and takes about SME loans: the loan's part of the file, the company's
figures, the assessment (staff only, as on the page), the application a company files, the
schedule and the repayments. Money is whole yen (integers)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from models import INDUSTRIES, INTEGER_COLUMN_MAX, REPAYMENT_METHODS, RISK_GRADES
from workflow.loans.lending_law import MAX_TERM_MONTHS
from workflow.people.readings import READING_LENGTH

YEN = validate.Range(min=1, max=2**63 - 1)
# What an INTEGER column holds: a count, and an id or a number of people.
COUNT = validate.Range(min=0, max=INTEGER_COLUMN_MAX)
POSITIVE = validate.Range(min=1, max=INTEGER_COLUMN_MAX)
TEXT = validate.Length(max=10000)


def percent(value) -> None:
    if not 0 <= value <= 100:
        raise ValidationError("A rate from 0 to 100 %.")


class LoanSchema(Schema):
    """The loan's request and, once decided, its terms: the same for everyone who sees it."""

    investment_country = fields.String(allow_none=True)
    project = fields.String()
    purpose = fields.String()
    requested_term_months = fields.Integer(allow_none=True)
    annual_rate = fields.Decimal(allow_none=True, as_string=True)
    term_months = fields.Integer(allow_none=True)
    grace_months = fields.Integer(allow_none=True)
    method = fields.String(allow_none=True)
    damages_rate = fields.Decimal(allow_none=True, as_string=True)
    prepayment_mode = fields.String(allow_none=True)
    conditions = fields.String(allow_none=True)
    approved_on = fields.Date(allow_none=True)
    agreement_date = fields.Date(allow_none=True)
    first_release_on = fields.Date(allow_none=True)


class CompanySchema(Schema):
    """The applying company's SME figures, which the eligibility rule reads."""

    name = fields.String(required=True)
    name_reading = fields.String(required=True, metadata={
        "description": "How the name is read, in katakana (フリガナ); empty when not given"})
    industry = fields.String(allow_none=True)
    capital_yen = fields.Integer(allow_none=True)
    employees = fields.Integer(allow_none=True)


class AssessmentSchema(Schema):
    """The secretariat's credit assessment: shown to the staff only, as on the page."""

    risk_grade = fields.String(allow_none=True)
    notes = fields.String(attribute="assessment_notes")
    amount_yen = fields.Integer(allow_none=True, attribute="recommended_amount_yen")
    annual_rate = fields.Decimal(allow_none=True, as_string=True, attribute="recommended_rate")
    term_months = fields.Integer(allow_none=True, attribute="recommended_term_months")
    grace_months = fields.Integer(allow_none=True, attribute="recommended_grace_months")
    method = fields.String(allow_none=True, attribute="recommended_method")


class LoanRequestSchema(Schema):
    """The whole loan application, as its form: it replaces what was saved before."""

    round_id = fields.Integer(required=True, validate=POSITIVE)
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    requested_yen = fields.Integer(required=True, validate=YEN)
    term_months = fields.Integer(required=True,
                                 validate=validate.Range(min=1, max=MAX_TERM_MONTHS))
    investment_country = fields.String(required=True, validate=validate.Length(equal=2),
                                       metadata={"description": "ISO 3166 code: VN, TH …"})
    project = fields.String(load_default="", validate=TEXT)
    purpose = fields.String(load_default="", validate=TEXT)
    industry = fields.String(required=True, validate=validate.OneOf(INDUSTRIES))
    capital_yen = fields.Integer(required=True, validate=validate.Range(min=0, max=2**63 - 1))
    employees = fields.Integer(required=True, validate=COUNT)
    name_reading = fields.String(
        load_default=None, validate=validate.Length(max=READING_LENGTH),
        metadata={"description": "The company name's reading in katakana (hiragana and "
                                 "half-width kana are turned into it); left as it is when "
                                 "not sent"})


class AssessmentInputSchema(Schema):
    """The assessment form: completing it sends the file to the committee."""

    risk_grade = fields.String(required=True, validate=validate.OneOf(RISK_GRADES))
    notes = fields.String(load_default="", validate=TEXT)
    amount_yen = fields.Integer(required=True, validate=YEN)
    annual_rate = fields.Decimal(required=True, as_string=True, places=None, validate=percent)
    term_months = fields.Integer(required=True,
                                 validate=validate.Range(min=1, max=MAX_TERM_MONTHS))
    grace_months = fields.Integer(required=True,
                                  validate=validate.Range(min=0, max=MAX_TERM_MONTHS))
    method = fields.String(required=True, validate=validate.OneOf(REPAYMENT_METHODS))


class InstalmentSchema(Schema):
    number = fields.Integer(required=True)
    due_on = fields.Date(required=True)
    status = fields.String(required=True, metadata={"description": "paid, overdue or due"})
    past_grace = fields.Boolean(required=True,
                                metadata={"description": "Overdue beyond the grace days"})
    principal_yen = fields.Integer(required=True)
    interest_yen = fields.Integer(required=True)
    paid_yen = fields.Integer(required=True)
    balance_after_yen = fields.Integer(required=True)
    paid_on = fields.Date(allow_none=True)
    damages_yen = fields.Integer(required=True,
                                 metadata={"description": "Delay damages owed on it today"})


class OwedSchema(Schema):
    """What paying the loan off today would take."""

    day = fields.Date(required=True)
    principal_yen = fields.Integer(required=True)
    interest_yen = fields.Integer(required=True)
    damages_yen = fields.Integer(required=True)
    total_yen = fields.Integer(required=True)


class ScheduleSchema(Schema):
    items = fields.List(fields.Nested(InstalmentSchema), required=True,
                        metadata={"description": "Empty before the first release"})
    owed = fields.Nested(OwedSchema, allow_none=True, required=True)


class RepaymentSchema(Schema):
    received_on = fields.Date(required=True)
    bank_reference = fields.String(required=True)
    amount_yen = fields.Integer(required=True)
    damages_yen = fields.Integer(required=True)
    interest_yen = fields.Integer(required=True)
    principal_yen = fields.Integer(required=True)


class RepaymentListSchema(Schema):
    items = fields.List(fields.Nested(RepaymentSchema), required=True)


class RepaymentInputSchema(Schema):
    amount_yen = fields.Integer(required=True, validate=YEN)
    received_on = fields.Date(required=True)
    bank_reference = fields.String(required=True, validate=validate.Length(min=1, max=100))


class WriteOffRequestSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=5000))
