"""The notifications page's forms."""

from wtforms import RadioField

from ..forms import AppForm

EMAIL_RHYTHMS = (("each", "One email for each notification, as it happens"),
                 ("daily", "One email a day summing them up (the daily digest)"))


class DigestForm(AppForm):
    """How the user wants their notifications by email."""

    rhythm = RadioField("How should we email you?", choices=EMAIL_RHYTHMS, default="each")
