from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from models import LEDGER_KINDS

from ..forms import AppForm, YenField
from ..labels import ledger_kind_label
from ..once import OneTimeKey


class DonationForm(OneTimeKey, AppForm):
    donor_kind = SelectField("Donor", choices=[("alumni_society", "An alumni society"),
                                               ("person", "A person"),
                                               ("company", "A company")])
    donor_organisation_id = SelectField("Organisation (society or company)", coerce=int,
                                        validators=[Optional()])
    donor_name = StringField("Name (a person)", validators=[Optional(), Length(max=200)])
    received_on = DateField("Received on", validators=[InputRequired("Enter a valid date.")])
    amount_yen = YenField("Amount (yen)", minimum=1, validators=[InputRequired()])
    note = TextAreaField("Note", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Record the donation")


class LedgerFilterForm(AppForm):
    class Meta:
        csrf = False

    kind = SelectField("Kind", choices=[("", "Any kind")] + [(k, ledger_kind_label(k))
                                                              for k in LEDGER_KINDS],
                       validators=[Optional()])
    reference = StringField("Application", validators=[Optional(), Length(max=20)])
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])
