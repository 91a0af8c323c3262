"""The SME loan forms: the application, the assessment, the agreement, repayments, write-off,
and the cancellation of the undrawn part."""

from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from models import INDUSTRY_LABELS, METHOD_LABELS, RISK_GRADES
from workflow.loans.documents import DOCUMENT_KINDS
from workflow.loans.lending_law import MAX_TERM_MONTHS
from workflow.loans.undrawn import REASON_LENGTH

from ..forms import AppForm, YenField
from ..once import OneTimeKey

DATE_REQUIRED = "Enter a valid date."
KEY_MISSING = "The form is incomplete or has expired; reload the page."


class PanelForm(AppForm):
    """A form shown on the application page next to others: its fields carry a prefix."""

    form_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.form_prefix)
        super().__init__(*args, **kwargs)


class VersionedForm(PanelForm):
    """A form that moves the workflow: it carries the version of the file the user saw."""

    version = HiddenField()

    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class LoanForm(OneTimeKey, AppForm):
    title = StringField("Project title", validators=[DataRequired(), Length(max=300)])
    round_id = SelectField("Round", coerce=int, validators=[InputRequired()])
    requested_yen = YenField("Amount requested (yen)", minimum=1,
                             validators=[InputRequired("Enter the amount requested.")])
    term_months = IntegerField(
        "Term (months)", description="The whole repayment period, any grace months included.",
        validators=[InputRequired("Enter the term in months."),
                    NumberRange(1, MAX_TERM_MONTHS,
                                f"The term must be from 1 to {MAX_TERM_MONTHS} months.")])
    investment_country = StringField(
        "Investment country", description="ISO 3166 code, two letters (VN, TH, IN…)",
        validators=[DataRequired(), Length(min=2, max=2, message="Two letters.")],
        filters=[lambda code: code.strip() if isinstance(code, str) else code],
        render_kw={"list": "country-codes", "autocomplete": "off"})
    project = TextAreaField("Project", description="What the company will set up abroad.",
                            validators=[Optional(), Length(max=10000)])
    purpose = TextAreaField("Purpose of the loan", validators=[Optional(), Length(max=10000)])
    industry = SelectField("Company's industry", choices=list(INDUSTRY_LABELS.items()))
    capital_yen = YenField("Company's capital (yen)",
                           validators=[InputRequired("Enter the company's capital.")])
    employees = IntegerField(
        "Company's employees",
        validators=[InputRequired("Enter the number of employees."),
                    NumberRange(min=0, message="The number of employees cannot be negative.")])
    submit = SubmitField("Save")


class DocumentForm(OneTimeKey, AppForm):
    """One of the application's documents; the key makes a double click attach it once."""

    kind = SelectField("Document", choices=list(DOCUMENT_KINDS.items()))
    # `accept` only helps the browser's file picker; the server checks the content.
    file = FileField("File (PDF, Word, Excel, PowerPoint or an image; 10 MB at most)",
                     render_kw={"accept": ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.png,.jpg,"
                                          ".jpeg,.gif"})
    submit = SubmitField("Attach")


class AssessmentForm(VersionedForm):
    form_prefix = "assessment"
    risk_grade = SelectField("Risk grade", choices=[(g, g) for g in RISK_GRADES])
    notes = TextAreaField("Assessment notes", validators=[Optional(), Length(max=10000)])
    amount_yen = YenField("Recommended amount (yen)", minimum=1,
                          validators=[InputRequired("Enter the recommended amount.")])
    annual_rate = DecimalField(
        "Annual rate (%)", places=None,
        validators=[InputRequired("Enter the annual rate."),
                    NumberRange(0, 100, "The annual rate must be between 0 and 100 %%.")])
    term_months = IntegerField(
        "Term (months)", description="Grace months included.",
        validators=[InputRequired("Enter the term in months."),
                    NumberRange(min=1, message="The term must be at least 1 month."),
                    NumberRange(max=MAX_TERM_MONTHS,
                                message=f"The term may be at most {MAX_TERM_MONTHS} months "
                                        "(thirty years).")])
    grace_months = IntegerField(
        "Grace months", default=0, description="Months paying interest only.",
        validators=[InputRequired("Enter the grace months (0 for none)."),
                    NumberRange(min=0, message="The grace period cannot be negative.")])
    method = SelectField("Repayment method", choices=list(METHOD_LABELS.items()))
    submit = SubmitField("Complete the assessment")


class AgreementForm(VersionedForm):
    form_prefix = "agreement"
    agreement_date = DateField("Date signed", validators=[DataRequired(DATE_REQUIRED)])
    agreement_file = FileField("Signed agreement (PDF)")
    submit = SubmitField("Sign the agreement")


class RepaymentForm(VersionedForm):
    form_prefix = "repayment"
    idempotency_key = HiddenField(validators=[InputRequired(KEY_MISSING)])
    received_on = DateField("Date received", validators=[DataRequired(DATE_REQUIRED)])
    amount_yen = YenField("Amount received (yen)", minimum=1,
                          validators=[InputRequired("Enter the amount received.")])
    bank_reference = StringField("Bank reference",
                                 validators=[DataRequired(), Length(max=100)])
    submit = SubmitField("Record the repayment")


class WriteOffRequestForm(PanelForm):
    form_prefix = "writeoff_request"
    reason = TextAreaField("Reason for the write-off",
                           validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField("Request the write-off")


class WriteOffForm(VersionedForm):
    form_prefix = "writeoff"
    comment = TextAreaField("Comment", validators=[Optional(), Length(max=5000)])
    submit = SubmitField("Approve the write-off")


class UndrawnCancellationForm(PanelForm):
    """A finance officer proposes to cancel part of what the loan has not drawn."""

    form_prefix = "undrawn"
    idempotency_key = HiddenField(validators=[InputRequired(KEY_MISSING)])
    amount_yen = YenField("Amount to cancel (yen)", minimum=1,
                          validators=[InputRequired("Enter the amount to cancel.")])
    reason = TextAreaField("Reason", validators=[DataRequired("Give the reason."),
                                                 Length(max=REASON_LENGTH)])
    submit = SubmitField("Propose the cancellation")


class CancellationDecisionForm(PanelForm):
    """A second finance officer confirms a proposed cancellation, or one withdraws it."""

    form_prefix = "decision"
    idempotency_key = HiddenField(validators=[InputRequired(KEY_MISSING)])
