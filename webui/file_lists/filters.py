"""The filter bar of application lists (a GET form: no CSRF, nothing changes)."""

from __future__ import annotations

import functools

from flask import current_app, request
from markupsafe import Markup
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from workflow.files import catalogue
from workflow.files.search import SORTS, Filters, all_states

from ..forms import AppForm
from ..labels import state_label


class ListedSelectField(SelectField):
    """A select of hundreds of ids (organisations, rounds), checked with one set lookup
    rather than WTForms' walk through every choice."""

    def pre_validate(self, form) -> None:
        if self.data not in {value for value, _ in self.choices}:
            raise ValidationError(self.gettext("Not a valid choice."))


class FilterForm(AppForm):
    class Meta:
        csrf = False

    q = StringField("Reference or title", validators=[Optional(), Length(max=200)])
    organisation_id = ListedSelectField("Organisation", coerce=int, validators=[Optional()])
    country = StringField("Country", validators=[Optional(), Length(max=2)])
    state = SelectField("State", validators=[Optional()])
    round_id = ListedSelectField("Round", coerce=int, validators=[Optional()])
    fund = SelectField("Fund", validators=[Optional()])
    date_from = DateField("Created from", validators=[Optional()])
    date_to = DateField("to", validators=[Optional()])
    sort = SelectField("Sort by", choices=[(s, s.capitalize()) for s in SORTS],
                       default="created", validators=[Optional()])
    direction = SelectField("Order", choices=[("desc", "Descending"), ("asc", "Ascending")],
                            default="desc", validators=[Optional()])


def filter_form(staff: bool, kind: str = "") -> FilterForm:
    """The filter bar; a list of one kind ("loan") offers only that programme's states and
    rounds."""
    form = FilterForm(formdata=request.args)
    form.state.choices = [("", "Any state")] + [(s, state_label(s)) for s in all_states(kind)]
    choices = catalogue.filter_choices()
    form.fund.choices = [("", "Any fund")] + [(code, code) for code in choices.funds]
    # Tuples: the same ones from page to page, so that their HTML is kept (render_select).
    form.round_id.choices = ((0, "Any round"),
                             *(choices.loan_rounds if kind == "loan" else choices.rounds))
    form.organisation_id.choices = ((0, "Any organisation"),
                                    *(choices.organisations if staff else ()))
    return form


def render_select(field: SelectField, css: str) -> Markup:
    """The field's <select> as WTForms writes it (applications/_select.html), without
    WTForms' widget, which builds every option anew: the organisation filter lists
    hundreds. Options that are the same from page to page (tuples) are written once per
    worker and kept."""
    choices = field.choices
    if isinstance(choices, tuple):
        options = _options(choices, field.coerce, field.data)
    else:
        options = _options.__wrapped__(choices, field.coerce, field.data)
    return _macros().select(css, field.id, field.name, options)


@functools.lru_cache(maxsize=64)
def _options(choices, coerce, chosen) -> Markup:
    return _macros().options([(value, label, coerce(value) == chosen)
                              for value, label in choices])


def _macros():
    return current_app.jinja_env.get_template("applications/_select.html").module


def filters_from(form: FilterForm) -> Filters:
    return Filters(
        q=(form.q.data or "").strip(), organisation_id=form.organisation_id.data or None,
        country=(form.country.data or "").strip().upper(), state=form.state.data or "",
        round_id=form.round_id.data or None, fund=form.fund.data or "",
        date_from=form.date_from.data, date_to=form.date_to.data,
        sort=form.sort.data or "created", descending=(form.direction.data or "desc") == "desc",
    )
