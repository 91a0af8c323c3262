from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import BooleanField, HiddenField, SelectField, SubmitField
from wtforms.widgets import Select

from ..forms import AppForm
from ..i18n import LANGUAGE_NAMES

NOT_CHOSEN = ""  # the defaults: the browser's or organisation's language, its country's zone


class LongSelect(Select):
    """A select of hundreds of options (the world's time zones), each option written by one
    format string: WTForms' general attribute writer, run for each of them, was most of the
    settings page's time. The markup is WTForms' own (`selected` before `value`)."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw or not isinstance(choice.value, str):
            return super().render_option(choice, **kwargs)
        selected = "selected " if choice.selected else ""
        label = escape(choice.label or choice.value)
        return Markup(f'<option {selected}value="{escape(choice.value)}">{label}</option>')


class LanguageForm(AppForm):
    """The switch in the bar of every page: one button per language."""

    locale = SelectField(choices=list(LANGUAGE_NAMES.items()))
    next = HiddenField()


class SettingsForm(AppForm):
    locale = SelectField(_l("Language"), choices=[
        (NOT_CHOSEN, _l("As my browser asks (else my organisation's language)")),
        *LANGUAGE_NAMES.items()])
    time_zone = SelectField(_l("Time zone"), widget=LongSelect(), choices=[
        (NOT_CHOSEN, _l("My organisation's"))])  # the zones: the view's, in its language
    japanese_era = BooleanField(
        _l("Japanese era dates (令和8年12月6日) on Japanese pages"))
    submit = SubmitField(_l("Save settings"))
