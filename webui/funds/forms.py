from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from models import LEDGER_KINDS

from ..forms import AppForm, YenField
from ..labels import ledger_kind_label
from ..once import OneTimeKey


class DonationForm(OneTimeKey, AppForm):
    donor_kind = SelectField(_l("Donor"), choices=[("alumni_society", _l("An alumni society")),
                                               ("person", _l("A person")),
                                               ("company", _l("A company"))])
    donor_organisation_id = SelectField(_l("Organisation (society or company)"), coerce=int,
                                        validators=[Optional()])
    donor_name = StringField(_l("Name (a person)"), validators=[Optional(), Length(max=200)])
    received_on = DateField(_l("Received on"),
                            validators=[InputRequired(_l("Enter a valid date."))])
    amount_yen = YenField(_l("Amount (yen)"), minimum=1, validators=[InputRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Record the donation"))


def ledger_kind_choices() -> list[tuple[str, str]]:
    return [("", _l("Any kind"))] + [(kind, ledger_kind_label(kind)) for kind in LEDGER_KINDS]


class LedgerFilterForm(AppForm):
    class Meta:
        csrf = False

    # A callable: the kinds are named in the language of the page showing the form.
    kind = SelectField(_l("Kind"), choices=ledger_kind_choices, validators=[Optional()])
    reference = StringField(_l("Application"), validators=[Optional(), Length(max=20)])
    date_from = DateField(lazy_pgettext("ledger filter", "From"), validators=[Optional()])
    date_to = DateField(lazy_pgettext("ledger filter", "To"), validators=[Optional()])
