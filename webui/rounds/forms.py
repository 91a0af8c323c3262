from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..forms import AppForm, YenField
from ..once import OneTimeKey


class RoundForm(OneTimeKey, AppForm):
    fund_id = SelectField(_l("Fund"), coerce=int)
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    opens_on = DateField(_l("Opens on"), validators=[DataRequired(_l("Enter a valid date."))])
    closes_on = DateField(_l("Closes on"), validators=[DataRequired(_l("Enter a valid date."))])
    budget_yen = YenField(_l("Budget (yen)"), validators=[InputRequired()])
    cap_yen = YenField(_l("Cap per application (yen)"), minimum=1, validators=[InputRequired()])
    min_own_percent = IntegerField(
        _l("Minimum own contribution (%)"),
        validators=[InputRequired(),
                    NumberRange(0, 100, _l("A percentage from 0 to 100."))],
        default=0,
    )
    submit = SubmitField(_l("Save"))
