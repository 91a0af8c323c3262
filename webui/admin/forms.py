from babel import Locale
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
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
from workflow.people.readings import READING_LENGTH

from ..forms import AppForm, YenField, word_choices
from ..once import OneTimeKey

FUND_KIND_LABELS = dict(zip(FUND_KINDS, (_l("Grant"), _l("Loan")), strict=True))


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class UserForm(OneTimeKey, AppForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired(), Email(_l("Enter a valid email address.")),
                                 Length(max=254)]
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    organisation_id = SelectField(_l("Organisation"), coerce=int)
    # The committee roles follow from the seats below.
    roles = CheckboxesField(_l("Roles"), choices=word_choices({
        role: label for role, label in ROLE_LABELS.items() if role not in COMMITTEE_ROLES}))
    seats_WNF = SelectField(_l("Seat on the %(committee)s", committee=committee_title("WNF")),
                            choices=word_choices(SEAT_CHOICE_LABELS), default="")
    seats_SME = SelectField(_l("Seat on the %(committee)s", committee=committee_title("SME")),
                            choices=word_choices(SEAT_CHOICE_LABELS), default="")
    away_until = DateField(
        _l("Away until (the last day away)"), validators=[Optional()],
        description=_l("A chair or deputy chair who is away does not preside: the other does."))
    # Each language named in its own words, as a language switch names them; "": not chosen
    # (the user's browser's language, else their organisation's).
    locale = SelectField(_l("Language"), default="", choices=[
        ("", "—"), *((code, Locale.parse(code).display_name) for code in LOCALES)])
    active = BooleanField(lazy_pgettext("account", "Active"), default=True)
    password = PasswordField(
        _l("Password"),
        description=_l("12 to 128 characters. Leave empty to keep the current one."),
        validators=[Optional(), Length(max=1024)],
    )
    submit = SubmitField(_l("Save"))


class OrganisationForm(OneTimeKey, AppForm):
    kind = SelectField(_l("Kind"), choices=word_choices(KIND_LABELS))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    name_reading = StringField(
        _l("Reading of the name (katakana)"),
        description=_l("For a Japanese name: how it is read, in katakana; hiragana is accepted."),
        validators=[Optional(), Length(max=READING_LENGTH)], render_kw={"lang": "ja"})
    country_code = StringField(
        _l("Country code"), description=_l("ISO 3166, two letters (JP, TH, VN…)"),
        validators=[DataRequired(), Length(max=2)],
    )
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    industry = SelectField(
        _l("Industry (companies)"), choices=[("", "—"), *word_choices(INDUSTRY_LABELS)],
        validators=[Optional()],
    )
    capital_yen = YenField(_l("Capital (yen, companies)"), validators=[Optional()])
    employees = IntegerField(
        _l("Employees (companies)"),
        validators=[Optional(), NumberRange(min=0, message=_l("Cannot be negative."))],
    )
    submit = SubmitField(_l("Save"))


class FundForm(OneTimeKey, AppForm):
    code = SelectField(lazy_pgettext("fund", "Code"), choices=[(c, c) for c in FUND_CODES])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=list(FUND_KIND_LABELS.items()))
    report_due_days = IntegerField(
        _l("Final report due (days after the activity ends)"), default=60,
        description=_l("Grants: the applicant is reminded before the report falls due and "
                       "once it is overdue."),
        validators=[Optional(),
                    NumberRange(1, 3650, _l("Enter a number of days from 1 to 3,650."))])
    reminder_days = IntegerField(
        _l("Reminders (days before a due date)"), default=14,
        description=_l("How long before a final report or a loan instalment falls due the "
                       "applicant or the company is reminded."),
        validators=[Optional(),
                    NumberRange(0, 365, _l("Enter a number of days from 0 to 365."))])
    submit = SubmitField(_l("Save"))


SEAT_FIELDS = {code: f"seats_{code}" for code in FUND_CODES}
