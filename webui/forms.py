"""The base of every form, and form helpers shared by the blueprints."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator, Mapping
from decimal import Decimal

from babel import support
from flask import current_app, has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    Field,
    FieldList,
    FormField,
    IntegerField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields import SelectFieldBase
from wtforms.i18n import messages_path
from wtforms.validators import StopValidation
from wtforms.widgets import TextInput

from models import INTEGER_COLUMN_MAX
from workflow.engine.errors import ValidationFailed
from workflow.engine.wording import per_locale

from .security import CONTROL_CHARACTERS

RATE_COLUMN_LIMIT = Decimal(1000)  # models.loan.Rate, Numeric(7, 4): below 1,000


def N_(message: str) -> str:  # noqa: N802 (gettext's name for "extract, translate later")
    """Marks an English sentence for the catalogue; it is translated where it is shown."""
    return message


# The English sentences (as the tests read them); each is translated when a field is refused.
CONTROL_IN_FIELD = N_("Remove the control characters (such as NUL) from this field.")
LINE_BREAK_IN_FIELD = N_("This field takes one line: remove the line breaks.")
LARGEST_NUMBER = f"{INTEGER_COLUMN_MAX:,}"
NUMBER_OUT_OF_RANGE = N_("Enter a number between −%(largest)s and %(largest)s.")
NUMBER_TOO_LARGE = NUMBER_OUT_OF_RANGE % {"largest": LARGEST_NUMBER}
RATE_OUT_OF_RANGE = N_("Enter a rate as a plain number below 1,000.")
ID_OUT_OF_RANGE = N_("This choice is not one of the list's.")


def word_choices(labels: Mapping[str, str]) -> list[tuple[str, object]]:
    """A select's options from words defined as data (N_, English), each translated when the
    page is drawn, in its reader's language."""
    return [(value, lazy_gettext(label)) for value, label in labels.items()]


def _leaf_fields(fields) -> Iterator[Field]:
    """Every field of a form, those of its sub-forms and repeated rows included."""
    for field in fields:
        if isinstance(field, FormField):
            yield from _leaf_fields(field.form)
        elif isinstance(field, FieldList):
            yield from _leaf_fields(field.entries)
        else:
            yield field


def _storable_problem(field: Field) -> str | None:
    """Why the database could not hold what was typed into the field, or None."""
    raw = [v for v in (field.raw_data or []) if isinstance(v, str)]
    if any(CONTROL_CHARACTERS.search(v) for v in raw):
        return _(CONTROL_IN_FIELD)  # PostgreSQL refuses NUL in text
    if (isinstance(field, StringField) and not isinstance(field, TextAreaField)
            and isinstance(field.data, str) and ("\r" in field.data or "\n" in field.data)):
        return _(LINE_BREAK_IN_FIELD)  # a title with a line break makes an unsendable email
    data = field.data
    if isinstance(field, YenField):
        return None  # YenField bounds itself to what a BIGINT column holds
    if isinstance(field, IntegerField) and isinstance(data, int) and (
            abs(data) > INTEGER_COLUMN_MAX):
        return _(NUMBER_OUT_OF_RANGE, largest=LARGEST_NUMBER)
    if isinstance(field, DecimalField) and isinstance(data, Decimal) and (
            not data.is_finite() or abs(data) >= RATE_COLUMN_LIMIT):
        return _(RATE_OUT_OF_RANGE)
    if isinstance(field, SelectFieldBase):
        chosen = data if isinstance(data, list | tuple) else [data]
        if any(isinstance(v, int) and not 0 <= v <= INTEGER_COLUMN_MAX for v in chosen):
            return _(ID_OUT_OF_RANGE)  # ids chosen from a list travel to the database as such
    return None


def refuse_what_no_column_holds(_form, field: Field) -> None:
    """A validator that every field of an AppForm runs first."""
    problem = _storable_problem(field)
    if problem is not None:
        # The one message that says what to change, rather than the other validators' own.
        raise StopValidation(problem)


@functools.cache
def _wtforms_catalogue(locale_name: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale_name], domain="wtforms")


# WTForms' catalogue of the locale in force: read from its file once per locale and
# process, where Flask-WTF reads it again for every request that builds a form.
_wtforms_messages = per_locale(lambda locale: _wtforms_catalogue(str(locale)))


class FieldMessages:
    """WTForms' own messages ("Not a valid choice.") in the page's language, as Flask-WTF
    gives them (in English outside a request)."""

    def gettext(self, string: str) -> str:
        if not has_request_context():
            return string
        return _wtforms_messages().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if not has_request_context():
            return singular if n == 1 else plural
        return _wtforms_messages().ungettext(singular, plural, n)


FIELD_MESSAGES = FieldMessages()


class AppForm(FlaskForm):
    """The base of every form of the application: besides its own validators, each field
    must hold what its database column can — no NUL or other control character in any
    field, no line break in a one-line field, numbers within their column's range —
    refused with a message beside the field rather than by the database with a 500."""

    class Meta:
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return FIELD_MESSAGES

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in _leaf_fields(self):
            field.validators = [refuse_what_no_column_holds, *field.validators]


# An amount once NFKC has made full-width characters plain ("－￥１，０００" → "-¥1,000") and
# the spaces are gone: a sign, the yen sign or 円, digits with thousands separators.
_WHOLE_YEN = re.compile(r"^(-?)¥?(-?)([0-9][0-9,]*)円?$")


def plain_amount(raw: str) -> str | None:
    """The digits (with a sign) of an amount as people type it in Japan or elsewhere —
    "１，０００円", "¥1,000", "1000" — or None when it is not a whole number of yen."""
    text = "".join(unicodedata.normalize("NFKC", raw).replace("\u2212", "-").split())
    match = _WHOLE_YEN.match(text)
    if match is None or (match[1] and match[2]):
        return None
    return match[1] + match[2] + match[3].replace(",", "")


class YenField(IntegerField):
    """Whole yen: digits with optional thousands separators, never a fraction; full-width
    digits and commas and the yen sign or 円 are accepted too (plain_amount).

    Rendered as a text box with a numeric keyboard, not as <input type="number">: a number
    box refuses the thousands separators people type ("1,000,000") and a scroll of the
    mouse wheel over it changes the amount.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, minimum: int = 0, **kwargs):
        render_kw = {"inputmode": "numeric", "autocomplete": "off",
                     **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.minimum = minimum

    def process_formdata(self, valuelist):
        if not valuelist or valuelist[0].strip() == "":
            self.data = None
            return
        digits = plain_amount(valuelist[0])
        if digits is None:
            self.data = None
            raise ValueError(_("Enter a whole number of yen, without decimals."))
        self.data = int(digits)

    def pre_validate(self, form):
        if self.data is not None and self.data < self.minimum:
            raise ValidationError(
                _("The amount cannot be negative.") if self.minimum == 0
                else _("The amount must be at least ¥%(amount)s.", amount=f"{self.minimum:,}")
            )
        if self.data is not None and self.data > 10**13:
            raise ValidationError(_("The amount is larger than any this system handles."))


def show_refusal(form: FlaskForm, error: ValidationFailed) -> None:
    """Put a service's refusal next to the field it names (or at the top of the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
