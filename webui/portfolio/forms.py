"""The portfolio's fiscal-year choice (a GET form: nothing changes)."""

from wtforms import SelectField
from wtforms.validators import Optional

from ..forms import AppForm

ALL_YEARS = "All fiscal years"
YEAR_LABEL = "FY{year} (April {year} – March {next})"


class FiscalYearForm(AppForm):
    class Meta:
        csrf = False

    year = SelectField("Fiscal year", coerce=int, validators=[Optional()])


def fiscal_year_form(formdata, years: list[int]) -> FiscalYearForm:
    form = FiscalYearForm(formdata=formdata)
    form.year.choices = [(0, ALL_YEARS)] + [
        (year, YEAR_LABEL.format(year=year, next=year + 1)) for year in years]
    return form
