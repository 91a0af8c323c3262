"""The secretariat's credit assessment and the signing of the agreement."""

import html
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from models import Attachment, Ballot, db
from tests.conftest import speaks
from tests.webui.i18n.test_input import error_next_to

from .test_lifecycle import current, press

GOOD = {"assessment-risk_grade": "B", "assessment-notes": "Sound.",
        "assessment-amount_yen": "1,000,000", "assessment-annual_rate": "2.5",
        "assessment-term_months": "36", "assessment-grace_months": "6",
        "assessment-method": "equal_principal"}


def _assess(client, loan, **changes):
    data = {**GOOD, "assessment-version": str(current(loan).version), **changes}
    return client.post(f"/loans/{loan.id}/assessment", data=data)


def test_the_assessment_is_saved_and_the_file_goes_to_the_committee(make_loan, people,
                                                                    client_for):
    loan = make_loan("credit_assessment")
    assert _assess(client_for(people.secretariat), loan).status_code == 302
    loan = current(loan)
    details = loan.loan
    assert (loan.state, details.risk_grade, details.recommended_amount_yen,
            str(details.recommended_rate), details.recommended_term_months,
            details.recommended_grace_months, details.recommended_method) == (
        "committee_review", "B", 1_000_000, "2.5000", 36, 6, "equal_principal")
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1
    # The assessment is for staff eyes: the applicant's page does not show it.
    for user, shown in ((people.secretariat, True), (people.applicant, False)):
        page = client_for(user).get(f"/applications/{loan.id}").get_data(as_text=True)
        assert ('class="row mb-1 assessment"' in page) is shown


@pytest.mark.parametrize("changes, message", [
    ({"assessment-annual_rate": "-0.5"}, "The annual rate must be between 0 and 100 %."),
    ({"assessment-annual_rate": "100.01"}, "The annual rate must be between 0 and 100 %."),
    ({"assessment-annual_rate": "1.23456"}, "The annual rate may have at most 4 decimals."),
    ({"assessment-term_months": "0"}, "The term must be at least 1 month."),
    ({"assessment-amount_yen": "0"}, "The amount must be at least ¥1."),
    ({"assessment-grace_months": "36"}, "The grace period must be shorter than the term."),
    ({"assessment-risk_grade": "F"}, "Not a valid choice."),
])
def test_bad_terms_are_refused_and_nothing_changes(make_loan, people, client_for, changes,
                                                   message):
    loan = make_loan("credit_assessment")
    response = _assess(client_for(people.secretariat), loan, **changes)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    loan = current(loan)
    assert (loan.state, loan.loan.risk_grade) == ("credit_assessment", None)


def test_the_assessment_cannot_be_completed_without_its_form(make_loan, people, client_for):
    loan = make_loan("credit_assessment")
    response = press(client_for(people.secretariat), loan, "complete_assessment")
    assert response.status_code == 409
    assert "The credit assessment is not complete: Choose a risk grade from A to E." in (
        response.get_data(as_text=True))
    assert current(loan).state == "credit_assessment"


def test_only_the_secretariat_assesses(make_loan, people, client_for):
    loan = make_loan("credit_assessment")
    assert _assess(client_for(people.finance), loan).status_code == 403
    assert current(loan).state == "credit_assessment"


def _sign(client, loan, on, file=True):
    data = {"agreement-version": str(current(loan).version),
            "agreement-agreement_date": on.isoformat()}
    if file:
        data["agreement-agreement_file"] = (io.BytesIO(b"%PDF-1.4\n% signed\n"),
                                            "agreement.pdf")
    return client.post(f"/loans/{loan.id}/agreement", data=data,
                       content_type="multipart/form-data")


def test_signing_stores_the_date_and_the_file(make_loan, people, client_for):
    loan = make_loan("approved")
    signed_on = date.today() - timedelta(days=2)
    assert _sign(client_for(people.secretariat), loan, signed_on).status_code == 302
    loan = current(loan)
    attachment = db.session.get(Attachment, loan.loan.agreement_attachment_id)
    assert (loan.state, loan.loan.agreement_date) == ("contracted", signed_on)
    assert (attachment.kind, attachment.original_name) == ("agreement", "agreement.pdf")


@pytest.mark.parametrize("on, file, message", [
    (date.today(), False, "Attach the signed agreement."),
    (date.today() + timedelta(days=1), True, "The agreement date cannot be in the future."),
])
def test_an_agreement_needs_a_file_and_a_real_date(make_loan, people, client_for, on, file,
                                                   message):
    loan = make_loan("approved")
    response = _sign(client_for(people.secretariat), loan, on, file=file)
    assert message in response.get_data(as_text=True)
    loan = current(loan)
    assert (loan.state, loan.loan.agreement_date) == ("approved", None)
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_the_agreement_button_alone_is_refused(make_loan, people, client_for):
    loan = make_loan("approved")
    response = press(client_for(people.secretariat), loan, "sign_agreement")
    assert response.status_code == 409
    assert "Give the date the agreement was signed." in response.get_data(as_text=True)


@pytest.mark.parametrize("state, role, form", [
    ("credit_assessment", "secretariat", "loan-assessment"),
    ("approved", "secretariat", "loan-agreement"),
])
def test_the_panel_shows_the_form_to_whoever_may_act(make_loan, people, client_for, state,
                                                     role, form):
    loan = make_loan(state)
    for user, expected in ((getattr(people, role), True), (people.applicant, False),
                           (people.finance, False)):
        page = client_for(user).get(f"/applications/{loan.id}").get_data(as_text=True)
        assert (f'id="{form}"' in page) is expected
    staff_page = client_for(people.secretariat).get(f"/applications/{loan.id}")
    assert "SME eligibility" in staff_page.get_data(as_text=True)


@pytest.mark.parametrize(("locale", "changes", "field", "message"), [
    ("en", {"assessment-grace_months": "36"}, "assessment-grace_months",
     "The grace period must be shorter than the term."),
    ("ja", {"assessment-grace_months": "36"}, "assessment-grace_months",
     "据置期間は返済期間より短くしてください。"),
    ("ja", {"assessment-term_months": "12", "assessment-grace_months": "12"},
     "assessment-grace_months", "据置期間は返済期間より短くしてください。"),
])
def test_the_schedules_refusal_is_beside_its_field_in_either_language(
        make_loan, people, client_for, locale, changes, field, message):
    speaks(people.secretariat, locale)
    db.session.commit()
    loan = make_loan("credit_assessment")
    response = _assess(client_for(people.secretariat), loan, **changes)
    assert response.status_code == 200
    assert error_next_to(html.unescape(response.get_data(as_text=True)), field, message)
    assert current(loan).state == "credit_assessment"
