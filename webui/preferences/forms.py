from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, SubmitField

from ..forms import AppForm
from ..i18n import LANGUAGE_NAMES

NOT_CHOSEN = ""  # the defaults: the browser's or organisation's language, its country's zone


class LanguageForm(AppForm):
    """The switch in the bar of every page: one button per language."""

    locale = SelectField(choices=list(LANGUAGE_NAMES.items()))
    next = HiddenField()


class SettingsForm(AppForm):
    locale = SelectField(_l("Language"), choices=[
        (NOT_CHOSEN, _l("As my browser asks (else my organisation's language)")),
        *LANGUAGE_NAMES.items()])
    time_zone = SelectField(_l("Time zone"), choices=[
        (NOT_CHOSEN, _l("My organisation's"))])  # the zones: the view's, in its language
    japanese_era = BooleanField(
        _l("Japanese era dates (令和8年12月6日) on Japanese pages"))
    submit = SubmitField(_l("Save settings"))
