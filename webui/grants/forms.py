"""The grant forms: new proposal, proposal, upload, final report, screening checklist."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from models import FUNDING_LABELS, FUNDING_SOURCES, PROGRAMME_LABELS, PROGRAMME_TYPES
from workflow.engine.errors import ValidationFailed
from workflow.grants.screening import CHECKLIST

from ..forms import AppForm, YenField, word_choices
from ..once import OneTimeKey

FUNDING_CHOICES = word_choices({s: FUNDING_LABELS[s] for s in FUNDING_SOURCES})
MAX_FORM_ROWS = 60  # rows beyond this are ignored; the workflow refuses more than 50 lines


class NewProposalForm(OneTimeKey, AppForm):
    round_id = SelectField(_l("Round"), coerce=int)
    title = StringField(_l("Title"),
                        validators=[DataRequired(_l("Enter a title.")), Length(max=300)])
    submit = SubmitField(_l("Create the draft"))


class BudgetRowForm(Form):
    category = StringField(_l("Category"), validators=[Optional(), Length(max=100)])
    description = StringField(_l("Description"), validators=[Optional(), Length(max=300)])
    amount_yen = YenField(_l("Amount (¥)"), validators=[Optional()])
    funded_by = SelectField(_l("Funded by"), choices=FUNDING_CHOICES, default="wnf")
    remove = BooleanField(_l("Remove"))


class ExpenseRowForm(BudgetRowForm):
    budget_line_id = HiddenField()


class ParticipantRowForm(Form):
    country_code = StringField(_l("Country code"), validators=[Optional(), Length(max=60)])
    participants = IntegerField(_l("Participants"), validators=[
        Optional(), NumberRange(min=0, message=_l("The number cannot be negative."))])
    remove = BooleanField(_l("Remove"))


class ProposalForm(AppForm):
    title = StringField(_l("Title"),
                        validators=[DataRequired(_l("Enter a title.")), Length(max=300)])
    programme_type = SelectField(_l("Programme type"), default="", choices=[
        ("", _l("— choose —")),
        *word_choices({p: PROGRAMME_LABELS[p] for p in PROGRAMME_TYPES})])
    objectives = TextAreaField(_l("Objectives"), validators=[Length(max=10000)],
                               render_kw={"rows": 5})
    start_date = DateField(_l("Start date"), validators=[Optional()])
    end_date = DateField(_l("End date"), validators=[Optional()])
    venue_country = StringField(_l("Venue country (ISO code, e.g. TH)"),
                                validators=[Length(max=60)],
                                render_kw={"list": "country-codes", "autocomplete": "off"})
    venue_city = StringField(_l("Venue city"), validators=[Length(max=100)])
    expected_participants = IntegerField(_l("Expected participants (in all)"), validators=[
        Optional(), NumberRange(min=0, message=_l("The number cannot be negative."))])
    # Choices are checked by the workflow, which says why a choice is refused.
    partner_ids = SelectMultipleField(_l("Partner alumni societies and related organisations"),
                                      coerce=int,
                                      validate_choice=False,
                                      description=_l("Hold Ctrl (⌘ on a Mac) to choose several."))
    budget = FieldList(FormField(BudgetRowForm), max_entries=MAX_FORM_ROWS)
    participants = FieldList(FormField(ParticipantRowForm), max_entries=MAX_FORM_ROWS)
    add_budget_row = SubmitField(_l("Add a budget line"))
    add_participant_row = SubmitField(_l("Add a country"))
    save = SubmitField(_l("Save the draft"))


class UploadForm(OneTimeKey, AppForm):
    # `accept` only helps the browser's file picker; the server checks the content.
    file = FileField(_l("File (PDF, Word, Excel, PowerPoint or an image; 10 MB at most)"),
                     render_kw={"accept": ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.png,.jpg,"
                                          ".jpeg,.gif"})
    submit = SubmitField(_l("Attach"))


class ReportForm(OneTimeKey, AppForm):
    version = IntegerField(validators=[InputRequired()])
    outcomes = TextAreaField(_l("Outcomes"), validators=[Length(max=20000)],
                             render_kw={"rows": 6})
    participants = FieldList(FormField(ParticipantRowForm), max_entries=MAX_FORM_ROWS)
    expenses = FieldList(FormField(ExpenseRowForm), max_entries=MAX_FORM_ROWS)
    add_participant_row = SubmitField(_l("Add a country"))
    add_expense_row = SubmitField(_l("Add an expenditure line"))
    submit = SubmitField(_l("Submit the final report"))


class ChecklistForm(AppForm):
    items = SelectMultipleField(_l("Checked"), choices=list(CHECKLIST))
    back = HiddenField()


class NoteForm(OneTimeKey, AppForm):
    body = TextAreaField(_l("Note for the secretariat (the applicant does not see it)"),
                         validators=[DataRequired(_l("Write the note first.")), Length(max=5000)],
                         render_kw={"rows": 2})
    back = HiddenField()


def show_field_refusal(form: AppForm, error: ValidationFailed) -> None:
    """Put a refusal next to its field, also inside row lists (`budget-2-amount_yen`)."""
    target = _field_at(form, error.field) if error.field else None
    if target is None:
        form.form_errors.append(error.message)
    else:
        target.errors = [*target.errors, error.message]


def _field_at(form: AppForm, path: str):
    name, _, rest = path.partition("-")
    field = getattr(form, name, None)
    if field is None or not rest:
        return field if field is not None and not isinstance(field, FieldList) else None
    index, _, sub = rest.partition("-")
    if not isinstance(field, FieldList) or not index.isdigit() or int(index) >= len(
            field.entries):
        return None
    return getattr(field.entries[int(index)].form, sub, None)
