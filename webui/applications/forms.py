from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..forms import AppForm


class ActionForm(AppForm):
    """A workflow button: the version the user saw, and the comment or reason if needed."""

    version = IntegerField(validators=[InputRequired()])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=5000)])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=5000)])
    outcome = HiddenField()
