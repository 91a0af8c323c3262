"""Form helpers shared by the blueprints."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import IntegerField, ValidationError
from wtforms.widgets import TextInput

from workflow.engine.errors import ValidationFailed

_WHOLE_NUMBER = re.compile(r"^\s*-?[0-9][0-9,]*\s*$")


class YenField(IntegerField):
    """Whole yen: digits with optional thousands separators, never a fraction.

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
        raw = valuelist[0]
        if not _WHOLE_NUMBER.match(raw):
            self.data = None
            raise ValueError("Enter a whole number of yen, without decimals.")
        self.data = int(raw.replace(",", ""))

    def pre_validate(self, form):
        if self.data is not None and self.data < self.minimum:
            raise ValidationError(
                "The amount cannot be negative." if self.minimum == 0
                else f"The amount must be at least ¥{self.minimum:,}."
            )
        if self.data is not None and self.data > 10**13:
            raise ValidationError("The amount is larger than any this system handles.")


def show_refusal(form: FlaskForm, error: ValidationFailed) -> None:
    """Put a service's refusal next to the field it names (or at the top of the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
