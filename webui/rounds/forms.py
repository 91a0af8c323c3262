from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..forms import AppForm, YenField
from ..once import OneTimeKey


class RoundForm(OneTimeKey, AppForm):
    fund_id = SelectField("Fund", coerce=int)
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    opens_on = DateField("Opens on", validators=[DataRequired("Enter a valid date.")])
    closes_on = DateField("Closes on", validators=[DataRequired("Enter a valid date.")])
    budget_yen = YenField("Budget (yen)", validators=[InputRequired()])
    cap_yen = YenField("Cap per application (yen)", minimum=1, validators=[InputRequired()])
    min_own_percent = IntegerField(
        "Minimum own contribution (%)",
        validators=[InputRequired(),
                    NumberRange(0, 100, "A percentage from 0 to 100.")],
        default=0,
    )
    submit = SubmitField("Save")
