"""The committee's forms: a vote, a declared conflict, the chair's closing of a ballot."""

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

from ..forms import AppForm, YenField


class VoteForm(AppForm):
    choice = RadioField("Your vote", choices=[("approve", "Approve"), ("reject", "Reject"),
                                              ("abstain", "Abstain")],
                        validators=[InputRequired(message="Choose approve, reject or abstain.")])
    comment = TextAreaField("Comment (optional)", validators=[Optional(), Length(max=5000)])


class ConflictForm(AppForm):
    reason = TextAreaField("Reason", validators=[
        InputRequired(message="Give the reason for the conflict of interest."),
        Length(max=2000)])


class CloseForm(AppForm):
    """The chair closes the ballot; the amount and terms apply only to an approval."""

    version = IntegerField(validators=[InputRequired()])
    approved_yen = YenField("Approved amount (¥)", minimum=1, validators=[Optional()],
                            description="Leave empty to approve the amount requested.")
    conditions = TextAreaField("Conditions", validators=[Optional(), Length(max=5000)])
    casting_vote = RadioField(
        "Deciding vote (only on a tie)", default="",
        choices=[("", "None"), ("approve", "Approve"), ("reject", "Reject")],
        validators=[Optional()])
    # The rate caps of the Interest Rate Restriction Act depend on the amount approved:
    # workflow.loans.terms checks them and puts its sentence next to the field.
    annual_rate = DecimalField("Annual rate (%)", places=None, validators=[
        Optional(), NumberRange(min=0, max=100, message="A rate from 0 to 100 %%.")])
    term_months = IntegerField("Term (months)", validators=[
        Optional(), NumberRange(min=1, max=MAX_TERM_MONTHS,
                                message=f"From 1 to {MAX_TERM_MONTHS} months.")])
    grace_months = IntegerField("Grace (months)", validators=[
        Optional(), NumberRange(min=0, message="The grace period cannot be negative.")])
    method = SelectField("Repayment", choices=list(METHOD_LABELS.items()),
                         validators=[Optional()])
    damages_rate = DecimalField(
        "Delay damages (% a year)", places=None,
        description="On principal overdue, per day (actual/365).",
        validators=[Optional(), NumberRange(min=0, max=100, message="A rate from 0 to 100 %%.")])
    prepayment_mode = SelectField("A partial prepayment gives",
                                  choices=list(PREPAYMENT_LABELS.items()),
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

    away_until = DateField("Away until (the last day away)", validators=[Optional()],
                           description="Leave empty when you are back.")
