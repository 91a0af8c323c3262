"""The grant forms: new proposal, proposal, upload, final report, screening checklist."""

from __future__ import annotations

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

from ..forms import AppForm, YenField
from ..once import OneTimeKey

FUNDING_CHOICES = [(s, FUNDING_LABELS[s]) for s in FUNDING_SOURCES]
MAX_FORM_ROWS = 60  # rows beyond this are ignored; the workflow refuses more than 50 lines


class NewProposalForm(OneTimeKey, AppForm):
    round_id = SelectField("Round", coerce=int)
    title = StringField("Title", validators=[DataRequired("Enter a title."), Length(max=300)])
    submit = SubmitField("Create the draft")


class BudgetRowForm(Form):
    category = StringField("Category", validators=[Optional(), Length(max=100)])
    description = StringField("Description", validators=[Optional(), Length(max=300)])
    amount_yen = YenField("Amount (¥)", validators=[Optional()])
    funded_by = SelectField("Funded by", choices=FUNDING_CHOICES, default="wnf")
    remove = BooleanField("Remove")


class ExpenseRowForm(BudgetRowForm):
    budget_line_id = HiddenField()


class ParticipantRowForm(Form):
    country_code = StringField("Country code", validators=[Optional(), Length(max=60)])
    participants = IntegerField("Participants", validators=[
        Optional(), NumberRange(min=0, message="The number cannot be negative.")])
    remove = BooleanField("Remove")


class ProposalForm(AppForm):
    title = StringField("Title", validators=[DataRequired("Enter a title."), Length(max=300)])
    programme_type = SelectField("Programme type", default="", choices=[
        ("", "— choose —"), *((p, PROGRAMME_LABELS[p]) for p in PROGRAMME_TYPES)])
    objectives = TextAreaField("Objectives", validators=[Length(max=10000)],
                               render_kw={"rows": 5})
    start_date = DateField("Start date", validators=[Optional()])
    end_date = DateField("End date", validators=[Optional()])
    venue_country = StringField("Venue country (ISO code, e.g. TH)",
                                validators=[Length(max=60)],
                                render_kw={"list": "country-codes", "autocomplete": "off"})
    venue_city = StringField("Venue city", validators=[Length(max=100)])
    expected_participants = IntegerField("Expected participants (in all)", validators=[
        Optional(), NumberRange(min=0, message="The number cannot be negative.")])
    # Choices are checked by the workflow, which says why a choice is refused.
    partner_ids = SelectMultipleField("Partner alumni societies and related organisations",
                                      coerce=int,
                                      validate_choice=False,
                                      description="Hold Ctrl (⌘ on a Mac) to choose several.")
    budget = FieldList(FormField(BudgetRowForm), max_entries=MAX_FORM_ROWS)
    participants = FieldList(FormField(ParticipantRowForm), max_entries=MAX_FORM_ROWS)
    add_budget_row = SubmitField("Add a budget line")
    add_participant_row = SubmitField("Add a country")
    save = SubmitField("Save the draft")


class UploadForm(OneTimeKey, AppForm):
    # `accept` only helps the browser's file picker; the server checks the content.
    file = FileField("File (PDF, Word, Excel, PowerPoint or an image; 10 MB at most)",
                     render_kw={"accept": ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.png,.jpg,"
                                          ".jpeg,.gif"})
    submit = SubmitField("Attach")


class ReportForm(OneTimeKey, AppForm):
    version = IntegerField(validators=[InputRequired()])
    outcomes = TextAreaField("Outcomes", validators=[Length(max=20000)],
                             render_kw={"rows": 6})
    participants = FieldList(FormField(ParticipantRowForm), max_entries=MAX_FORM_ROWS)
    expenses = FieldList(FormField(ExpenseRowForm), max_entries=MAX_FORM_ROWS)
    add_participant_row = SubmitField("Add a country")
    add_expense_row = SubmitField("Add an expenditure line")
    submit = SubmitField("Submit the final report")


class ChecklistForm(AppForm):
    items = SelectMultipleField("Checked", choices=list(CHECKLIST))
    back = HiddenField()


class NoteForm(OneTimeKey, AppForm):
    body = TextAreaField("Note for the secretariat (the applicant does not see it)",
                         validators=[DataRequired("Write the note first."), Length(max=5000)],
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
