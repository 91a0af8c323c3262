"""The notifications page's forms."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField

from ..forms import AppForm

EMAIL_RHYTHMS = (("each", _l("One email for each notification, as it happens")),
                 ("daily", _l("One email a day summing them up (the daily digest)")))


class DigestForm(AppForm):
    """How the user wants their notifications by email."""

    rhythm = RadioField(_l("How should we email you?"), choices=EMAIL_RHYTHMS, default="each")
