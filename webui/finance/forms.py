"""The finance forms. Each carries a one-time key so that sending it twice acts once."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField
from wtforms.validators import InputRequired, Length, Optional

from workflow.money.tranches import NOTE_LENGTH

from ..forms import AppForm, YenField

KEY_MISSING = _l("The form is incomplete or has expired; reload the page.")


class TrancheActionForm(AppForm):
    """Authorise or cancel one tranche: the one-time key is all it sends."""

    idempotency_key = HiddenField(validators=[InputRequired(KEY_MISSING)])


class RequestTrancheForm(TrancheActionForm):
    amount_yen = YenField(_l("Amount (yen)"), minimum=1,
                          validators=[InputRequired(_l("Enter the amount to release."))])
    note = StringField(_l("Note for the authorising officer"),
                       validators=[Optional(), Length(max=NOTE_LENGTH)])
