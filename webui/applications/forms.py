from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..forms import AppForm


class ActionForm(AppForm):
    """A workflow button: the version the user saw, and the comment or reason if needed."""

    version = IntegerField(validators=[InputRequired()])
    comment = TextAreaField("Comment", validators=[Optional(), Length(max=5000)])
    reason = TextAreaField("Reason", validators=[Optional(), Length(max=5000)])
    outcome = HiddenField()
