"""The SME loan forms: the application, the assessment, the agreement, repayments, write-off,
and the cancellation of the undrawn part."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
from workflow.people.readings import READING_LENGTH

from ..forms import AppForm, YenField, word_choices
from ..once import OneTimeKey

DATE_REQUIRED = _l("Enter a valid date.")
KEY_MISSING = _l("The form is incomplete or has expired; reload the page.")


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
    title = StringField(_l("Project title"), validators=[DataRequired(), Length(max=300)])
    round_id = SelectField(_l("Round"), coerce=int, validators=[InputRequired()])
    requested_yen = YenField(_l("Amount requested (yen)"), minimum=1,
                             validators=[InputRequired(_l("Enter the amount requested."))])
    term_months = IntegerField(
        _l("Term (months)"),
        description=_l("The whole repayment period, any grace months included."),
        validators=[InputRequired(_l("Enter the term in months.")),
                    NumberRange(1, MAX_TERM_MONTHS,
                                _l("The term must be from %(min)s to %(max)s months."))])
    investment_country = StringField(
        _l("Investment country"), description=_l("ISO 3166 code, two letters (VN, TH, IN…)"),
        validators=[DataRequired(), Length(min=2, max=2, message=_l("Two letters."))],
        filters=[lambda code: code.strip() if isinstance(code, str) else code],
        render_kw={"list": "country-codes", "autocomplete": "off"})
    project = TextAreaField(_l("Project"), description=_l("What the company will set up abroad."),
                            validators=[Optional(), Length(max=10000)])
    purpose = TextAreaField(_l("Purpose of the loan"), validators=[Optional(), Length(max=10000)])
    # The views say whose name it reads (reading_described).
    name_reading = StringField(_l("Company name reading (katakana)"),
                               validators=[Optional(), Length(max=READING_LENGTH)],
                               render_kw={"lang": "ja", "autocomplete": "off"})
    industry = SelectField(_l("Company's industry"), choices=word_choices(INDUSTRY_LABELS))
    capital_yen = YenField(_l("Company's capital (yen)"),
                           validators=[InputRequired(_l("Enter the company's capital."))])
    employees = IntegerField(
        _l("Company's employees"),
        validators=[InputRequired(_l("Enter the number of employees.")),
                    NumberRange(min=0, message=_l("The number of employees cannot be negative."))])
    submit = SubmitField(_l("Save"))


def reading_described(form: LoanForm, company_name: str) -> LoanForm:
    """The reading's help names the company it reads."""
    form.name_reading.description = _(
        "How %(name)s is read, in katakana; hiragana and half-width kana are accepted.",
        name=company_name)
    return form


class DocumentForm(OneTimeKey, AppForm):
    """One of the application's documents; the key makes a double click attach it once."""

    kind = SelectField(_l("Document"), choices=word_choices(DOCUMENT_KINDS))
    # `accept` only helps the browser's file picker; the server checks the content.
    file = FileField(_l("File (PDF, Word, Excel, PowerPoint or an image; 10 MB at most)"),
                     render_kw={"accept": ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.png,.jpg,"
                                          ".jpeg,.gif"})
    submit = SubmitField(_l("Attach"))


class AssessmentForm(VersionedForm):
    form_prefix = "assessment"
    risk_grade = SelectField(_l("Risk grade"), choices=[(g, g) for g in RISK_GRADES])
    notes = TextAreaField(_l("Assessment notes"), validators=[Optional(), Length(max=10000)])
    amount_yen = YenField(_l("Recommended amount (yen)"), minimum=1,
                          validators=[InputRequired(_l("Enter the recommended amount."))])
    annual_rate = DecimalField(
        _l("Annual rate (%)"), places=None,
        validators=[InputRequired(_l("Enter the annual rate.")),
                    NumberRange(0, 100, _l("The annual rate must be between 0 and 100 %%."))])
    term_months = IntegerField(
        _l("Term (months)"), description=_l("Grace months included."),
        validators=[InputRequired(_l("Enter the term in months.")),
                    NumberRange(min=1, message=_l("The term must be at least 1 month.")),
                    NumberRange(max=MAX_TERM_MONTHS,
                                message=_l("The term may be at most %(max)s months "
                                                   "(thirty years)."))])
    grace_months = IntegerField(
        _l("Grace months"), default=0, description=_l("Months paying interest only."),
        validators=[InputRequired(_l("Enter the grace months (0 for none).")),
                    NumberRange(min=0, message=_l("The grace period cannot be negative."))])
    method = SelectField(_l("Repayment method"), choices=list(METHOD_LABELS.items()))
    submit = SubmitField(_l("Complete the assessment"))


class AgreementForm(VersionedForm):
    form_prefix = "agreement"
    agreement_date = DateField(_l("Date signed"), validators=[DataRequired(DATE_REQUIRED)])
    agreement_file = FileField(_l("Signed agreement (PDF)"))
    submit = SubmitField(_l("Sign the agreement"))


class RepaymentForm(VersionedForm):
    form_prefix = "repayment"
    idempotency_key = HiddenField(validators=[InputRequired(KEY_MISSING)])
    received_on = DateField(_l("Date received"), validators=[DataRequired(DATE_REQUIRED)])
    amount_yen = YenField(_l("Amount received (yen)"), minimum=1,
                          validators=[InputRequired(_l("Enter the amount received."))])
    bank_reference = StringField(_l("Bank reference"),
                                 validators=[DataRequired(), Length(max=100)])
    submit = SubmitField(_l("Record the repayment"))


class WriteOffRequestForm(PanelForm):
    form_prefix = "writeoff_request"
    reason = TextAreaField(_l("Reason for the write-off"),
                           validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Request the write-off"))


class WriteOffForm(VersionedForm):
    form_prefix = "writeoff"
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Approve the write-off"))


class UndrawnCancellationForm(PanelForm):
    """A finance officer proposes to cancel part of what the loan has not drawn."""

    form_prefix = "undrawn"
    idempotency_key = HiddenField(validators=[InputRequired(KEY_MISSING)])
    amount_yen = YenField(_l("Amount to cancel (yen)"), minimum=1,
                          validators=[InputRequired(_l("Enter the amount to cancel."))])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(_l("Give the reason.")),
                                                 Length(max=REASON_LENGTH)])
    submit = SubmitField(_l("Propose the cancellation"))


class CancellationDecisionForm(PanelForm):
    """A second finance officer confirms a proposed cancellation, or one withdraws it."""

    form_prefix = "decision"
    idempotency_key = HiddenField(validators=[InputRequired(KEY_MISSING)])
