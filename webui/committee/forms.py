"""The committee's forms: a vote, a declared conflict, the chair's closing of a ballot."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from models import METHOD_LABELS, PREPAYMENT_LABELS
from workflow.loans.lending_law import MAX_TERM_MONTHS

from ..forms import AppForm, YenField, word_choices


class VoteForm(AppForm):
    choice = RadioField(_l("Your vote"),
                        choices=[("approve", _l("Approve")), ("reject", _l("Reject")),
                                 ("abstain", _l("Abstain"))],
                        validators=[InputRequired(
                            message=_l("Choose approve, reject or abstain."))])
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=5000)])


class ConflictForm(AppForm):
    reason = TextAreaField(_l("Reason"), validators=[
        InputRequired(message=_l("Give the reason for the conflict of interest.")),
        Length(max=2000)])


class CloseForm(AppForm):
    """The chair closes the ballot; the amount and terms apply only to an approval."""

    version = IntegerField(validators=[InputRequired()])
    approved_yen = YenField(_l("Approved amount (¥)"), minimum=1, validators=[Optional()],
                            description=_l("Leave empty to approve the amount requested."))
    conditions = TextAreaField(_l("Conditions"), validators=[Optional(), Length(max=5000)])
    casting_vote = RadioField(
        _l("Deciding vote (only on a tie)"), default="",
        choices=[("", _l("None")), ("approve", _l("Approve")), ("reject", _l("Reject"))],
        validators=[Optional()])
    # The rate caps of the Interest Rate Restriction Act depend on the amount approved:
    # workflow.loans.terms checks them and puts its sentence next to the field.
    annual_rate = DecimalField(_l("Annual rate (%)"), places=None, validators=[
        Optional(), NumberRange(min=0, max=100, message=_l("A rate from 0 to 100 %%."))])
    term_months = IntegerField(_l("Term (months)"), validators=[
        Optional(), NumberRange(min=1, max=MAX_TERM_MONTHS,
                                message=_l("From %(min)s to %(max)s months."))])
    grace_months = IntegerField(_l("Grace (months)"), validators=[
        Optional(), NumberRange(min=0, message=_l("The grace period cannot be negative."))])
    method = SelectField(_l("Repayment"), choices=list(METHOD_LABELS.items()),
                         validators=[Optional()])
    damages_rate = DecimalField(
        _l("Delay damages (% a year)"), places=None,
        description=_l("On principal overdue, per day (actual/365)."),
        validators=[Optional(),
                    NumberRange(min=0, max=100, message=_l("A rate from 0 to 100 %%."))])
    prepayment_mode = SelectField(_l("A partial prepayment gives"),
                                  choices=word_choices(PREPAYMENT_LABELS),
                                  validators=[Optional()])

    LOAN_FIELDS = ("annual_rate", "term_months", "grace_months", "method", "damages_rate",
                   "prepayment_mode")

    def inputs(self, kind: str) -> dict:
        """What the chair gives fire("decide"): loan terms only for a loan."""
        names = ["approved_yen", "conditions", "casting_vote"]
        if kind == "loan":
            names += self.LOAN_FIELDS
        return {name: getattr(self, name).data for name in names}


class AwayForm(AppForm):
    """A chair or deputy chair marks themselves away: the other presides meanwhile."""

    away_until = DateField(_l("Away until (the last day away)"), validators=[Optional()],
                           description=_l("Leave empty when you are back."))
