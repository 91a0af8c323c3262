"""The filter bar of application lists (a GET form: no CSRF, nothing changes)."""

from __future__ import annotations

import functools

from flask import current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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

    q = StringField(_l("Reference, title or organisation"),
                    validators=[Optional(), Length(max=200)])
    organisation_id = ListedSelectField(_l("Organisation"), coerce=int, validators=[Optional()])
    country = StringField(_l("Country"), validators=[Optional(), Length(max=2)])
    state = SelectField(_l("State"), validators=[Optional()])
    round_id = ListedSelectField(_l("Round"), coerce=int, validators=[Optional()])
    fund = SelectField(_l("Fund"), validators=[Optional()])
    date_from = DateField(_l("Created from"), validators=[Optional()])
    date_to = DateField(_l("to"), validators=[Optional()])
    sort = SelectField(_l("Sort by"), choices=[(s, s.capitalize()) for s in SORTS],
                       default="created", validators=[Optional()])
    direction = SelectField(_l("Order"),
                            choices=[("desc", _l("Descending")), ("asc", _l("Ascending"))],
                            default="desc", validators=[Optional()])


def filter_form(staff: bool, kind: str = "") -> FilterForm:
    """The filter bar; a list of one kind ("loan") offers only that programme's states and
    rounds. Its words are the request's language: the options are kept per wording."""
    form = FilterForm(formdata=request.args)
    form.state.choices = [("", _("Any state"))] + [(s, state_label(s)) for s in all_states(kind)]
    choices = catalogue.filter_choices()
    form.fund.choices = [("", _("Any fund"))] + [(code, code) for code in choices.funds]
    # Tuples: the same ones from page to page, so that their HTML is kept (render_select).
    form.round_id.choices = ((0, _("Any round")),
                             *(choices.loan_rounds if kind == "loan" else choices.rounds))
    form.organisation_id.choices = ((0, _("Any organisation")),
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
