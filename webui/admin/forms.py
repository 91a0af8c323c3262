from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    widgets,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from models import FUND_CODES, FUND_KINDS, INDUSTRY_LABELS, ROLE_LABELS
from models.organisation import KIND_LABELS
from models.user import LOCALES
from workflow.people.committees import COMMITTEE_ROLES, SEAT_CHOICE_LABELS, committee_title

from ..forms import AppForm, YenField
from ..once import OneTimeKey


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class UserForm(OneTimeKey, AppForm):
    email = EmailField(
        "Email", validators=[DataRequired(), Email("Enter a valid email address."),
                             Length(max=254)]
    )
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    organisation_id = SelectField("Organisation", coerce=int)
    # The committee roles follow from the seats below.
    roles = CheckboxesField("Roles", choices=[(role, label) for role, label in
                                              ROLE_LABELS.items()
                                              if role not in COMMITTEE_ROLES])
    seats_WNF = SelectField(f"Seat on the {committee_title('WNF')}",
                            choices=list(SEAT_CHOICE_LABELS.items()), default="")
    seats_SME = SelectField(f"Seat on the {committee_title('SME')}",
                            choices=list(SEAT_CHOICE_LABELS.items()), default="")
    away_until = DateField(
        "Away until (the last day away)", validators=[Optional()],
        description="A chair or deputy chair who is away does not preside: the other does.")
    # "": not chosen (the user's browser's language, else their organisation's).
    locale = SelectField("Language", choices=[("", "—"), *((code, code) for code in LOCALES)],
                         default="")
    active = BooleanField("Active", default=True)
    password = PasswordField(
        "Password", description="12 to 128 characters. Leave empty to keep the current one.",
        validators=[Optional(), Length(max=1024)],
    )
    submit = SubmitField("Save")


class OrganisationForm(OneTimeKey, AppForm):
    kind = SelectField("Kind", choices=list(KIND_LABELS.items()))
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    country_code = StringField(
        "Country code", description="ISO 3166, two letters (JP, TH, VN…)",
        validators=[DataRequired(), Length(max=2)],
    )
    city = StringField("City", validators=[Optional(), Length(max=100)])
    industry = SelectField(
        "Industry (companies)", choices=[("", "—"), *INDUSTRY_LABELS.items()],
        validators=[Optional()],
    )
    capital_yen = YenField("Capital (yen, companies)", validators=[Optional()])
    employees = IntegerField(
        "Employees (companies)",
        validators=[Optional(), NumberRange(min=0, message="Cannot be negative.")],
    )
    submit = SubmitField("Save")


class FundForm(OneTimeKey, AppForm):
    code = SelectField("Code", choices=[(c, c) for c in FUND_CODES])
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    kind = SelectField("Kind", choices=[(k, k) for k in FUND_KINDS])
    report_due_days = IntegerField(
        "Final report due (days after the activity ends)", default=60,
        description="Grants: the applicant is reminded before the report falls due and "
                    "once it is overdue.",
        validators=[Optional(), NumberRange(1, 3650, "Enter a number of days from 1 to 3,650.")])
    reminder_days = IntegerField(
        "Reminders (days before a due date)", default=14,
        description="How long before a final report or a loan instalment falls due the "
                    "applicant or the company is reminded.",
        validators=[Optional(), NumberRange(0, 365, "Enter a number of days from 0 to 365.")])
    submit = SubmitField("Save")


SEAT_FIELDS = {code: f"seats_{code}" for code in FUND_CODES}
