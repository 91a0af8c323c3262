"""The profile page's forms for personal access tokens."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange

from workflow.people.api_tokens import DEFAULT_DAYS, MAX_DAYS, NAME_LENGTH, SCOPE_LABELS

from ..forms import AppForm
from ..once import OneTimeKey


class NewTokenForm(OneTimeKey, AppForm):
    """A one-time key: the same form sent again (a reload) makes no second token."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=NAME_LENGTH)],
                       description=_l("What the token is for, e.g. “accounting export”."))
    scope = SelectField(_l("Scope"), choices=list(SCOPE_LABELS.items()), default="read")
    days = IntegerField(_l("Valid for (days)"), default=DEFAULT_DAYS,
                        validators=[DataRequired(), NumberRange(min=1, max=MAX_DAYS)])
    submit = SubmitField(_l("Make token"))


class RevokeTokenForm(AppForm):
    submit = SubmitField(_l("Revoke"))
