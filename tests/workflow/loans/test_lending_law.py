"""The Interest Rate Restriction Act's caps and the 360-month term, on every form; and two
dates and amounts a person gets wrong: a recommendation above the request, an agreement
dated before the approval."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import LedgerEntry, LoanDetails, db, write_intent
from workflow.committee import ballots
from workflow.engine import service
from workflow.engine.errors import TransitionRefused
from workflow.loans.lending_law import damages_rate_problem, interest_rate_problem

from .conftest import act
from .test_assessment import GOOD, _assess, _sign
from .test_lifecycle import current


@pytest.mark.parametrize("principal, interest, damages", [
    (1, "20", "29.2"), (99_999, "20", "29.2"),
    (100_000, "18", "26.28"), (999_999, "18", "26.28"),
    (1_000_000, "15", "21.9"), (80_000_000, "15", "21.9"),
])
def test_the_caps_follow_the_principal(principal, interest, damages):
    cap, damages_cap = Decimal(interest), Decimal(damages)
    assert interest_rate_problem(cap, principal) is None
    assert damages_rate_problem(damages_cap, principal) is None
    assert "Interest Rate Restriction Act" in interest_rate_problem(cap + Decimal("0.01"),
                                                                    principal)
    assert "1.46 times the interest cap" in damages_rate_problem(
        damages_cap + Decimal("0.01"), principal)


@pytest.mark.parametrize("changes, field, message", [
    ({"assessment-annual_rate": "15.5"}, "annual_rate",
     "The annual rate may be at most 15 % a year on a principal of ¥1,000,000 or more "
     "(Interest Rate Restriction Act); 15.5 % was given."),
    ({"assessment-amount_yen": "999,999", "assessment-annual_rate": "18.5"}, "annual_rate",
     "at most 18 % a year on a principal from ¥100,000 to under ¥1,000,000"),
    ({"assessment-term_months": "10000"}, "term_months",
     "The term may be at most 360 months (thirty years)."),
    ({"assessment-amount_yen": "1,000,001"}, "amount_yen",
     "The recommended amount may not be above the ¥1,000,000 requested; ¥1,000,001 was "
     "given."),
])
def test_the_assessment_refuses_beyond_the_law_and_the_request(make_loan, people, client_for,
                                                               changes, field, message):
    loan = make_loan("credit_assessment")
    response = _assess(client_for(people.secretariat), loan, **changes)
    assert response.status_code == 200
    shown = response.get_data(as_text=True)
    # Next to its field: between its input and the next one.
    after = shown[shown.index(f'name="assessment-{field}"'):]
    assert message in after[:after.index('name="assessment-', 10)]
    assert current(loan).state == "credit_assessment"


def test_an_assessment_at_the_cap_goes_through(make_loan, people, client_for):
    loan = make_loan("credit_assessment", amount=99_999)
    assert _assess(client_for(people.secretariat), loan, **{
        "assessment-amount_yen": "99,999", "assessment-annual_rate": "20",
        "assessment-term_months": "360", "assessment-grace_months": "0"}).status_code == 302
    assert current(loan).state == "committee_review"


def _to_decision(make_loan, people, client_for):
    loan = make_loan("credit_assessment")
    assert _assess(client_for(people.secretariat), loan, **GOOD).status_code == 302
    for member in (people.chair, people.member):
        act(ballots.cast_vote, current(loan), member, "approve")
    return current(loan)


def test_the_chair_approves_with_a_damages_rate_and_a_prepayment_setting(make_loan, people,
                                                                         client_for):
    loan = _to_decision(make_loan, people, client_for)
    chair = client_for(people.chair)
    form = {"version": str(loan.version), "approved_yen": "1,000,000", "annual_rate": "2.5",
            "term_months": "36", "grace_months": "6", "method": "equal_principal",
            "damages_rate": "21.95", "prepayment_mode": "shorter_term"}
    refused = chair.post(f"/committee/applications/{loan.id}/close", data=form)
    assert "The delay damages rate may be at most 21.9 % a year" in refused.get_data(
        as_text=True)
    assert current(loan).state == "committee_review"
    form["damages_rate"] = "21.9"
    assert chair.post(f"/committee/applications/{loan.id}/close", data=form).status_code == 302
    details = current(loan).loan
    assert (current(loan).state, details.damages_rate, details.prepayment_mode,
            details.approved_on) == ("approved", Decimal("21.9"), "shorter_term", date.today())
    page = client_for(people.applicant).get(f"/applications/{loan.id}").get_data(as_text=True)
    assert "21.9 % a year on principal overdue" in page
    assert "Shorter term, same principal per instalment" in page


def test_the_approval_defaults_to_the_usual_damages_rate_on_its_business_day(
        make_loan, people, client_for):
    loan = _to_decision(make_loan, people, client_for)
    act(service.fire, loan, "decide", people.chair, today=date(2026, 11, 2))
    details = current(loan).loan
    assert (details.damages_rate, details.prepayment_mode, details.approved_on) == (
        Decimal("14.6"), "lower_instalment", date(2026, 11, 2))
    commitment = db.session.scalar(select(LedgerEntry).where(
        LedgerEntry.application_id == loan.id, LedgerEntry.kind == "commitment"))
    assert commitment.booked_on == date(2026, 11, 2)


def test_an_agreement_is_not_dated_before_the_approval(make_loan, people, client_for):
    loan = make_loan("approved", approved_on=date(2026, 11, 2))
    response = _sign(client_for(people.secretariat), loan, date(2026, 11, 1))
    assert ("The agreement cannot be dated before the approval on 02 November 2026; "
            "01 November 2026 was given.") in response.get_data(as_text=True)
    assert current(loan).state == "approved"
    assert _sign(client_for(people.secretariat), loan, date(2026, 11, 2)).status_code == 302
    assert current(loan).state == "contracted"


@pytest.mark.parametrize("column, value", [
    ("annual_rate", Decimal("20.01")), ("recommended_rate", Decimal("25")),
    ("damages_rate", Decimal("29.21")), ("term_months", 361),
    ("recommended_term_months", 10_000), ("requested_term_months", 100_000_000),
    ("prepayment_mode", "never"),
])
def test_the_database_holds_the_limits_too(make_loan, column, value):
    loan = make_loan("approved")
    db.session.commit()
    with write_intent(True), pytest.raises(IntegrityError):
        details = db.session.get(LoanDetails, loan.id)
        setattr(details, column, value)
        db.session.flush()
    db.session.rollback()


def test_the_service_refuses_a_term_past_the_limit_before_building_it(make_loan, people,
                                                                      client_for):
    loan = _to_decision(make_loan, people, client_for)
    with pytest.raises(TransitionRefused, match="at most 360 months") as refused:
        act(service.fire, loan, "decide", people.chair, term_months=100_000_000)
    assert refused.value.field == "term_months"
