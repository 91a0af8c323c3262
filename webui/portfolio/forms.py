"""The portfolio's fiscal-year choice (a GET form: nothing changes)."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import Optional

from ..forms import AppForm
from ..labels import fiscal_year


class FiscalYearForm(AppForm):
    class Meta:
        csrf = False

    year = SelectField(_l("Fiscal year"), coerce=int, validators=[Optional()])


def fiscal_year_form(formdata, years: list[int]) -> FiscalYearForm:
    form = FiscalYearForm(formdata=formdata)
    form.year.choices = [(0, _l("All fiscal years"))] + [
        (year, _l("%(fiscal_year)s (April %(year)s – March %(next)s)",
                  fiscal_year=fiscal_year(year), year=year, next=year + 1))
        for year in years]
    return form
