"""What the loan form accepts: an ISO 3166 investment country, and a round open today (on
edit, the application's own round stays selectable)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from models import Application, db
from tests.workflow.grants.conftest import error_next_to, text_of

from .test_lifecycle import current, loan_form


def _loans() -> int:
    return db.session.scalar(select(func.count()).select_from(Application))


@pytest.mark.parametrize("country", ["XX", "ZZ", "EU", "UK"])
def test_an_investment_country_outside_iso_3166_is_refused(sme, people, client_for, country):
    response = client_for(people.applicant).post("/loans/new",
                                                 data=loan_form(sme.id,
                                                                investment_country=country))
    assert response.status_code == 200
    assert error_next_to(text_of(response), "investment_country",
                         f"{country} is not an ISO 3166 country code.")
    assert _loans() == 0


def test_the_investment_country_is_stored_as_its_iso_code(sme, people, client_for):
    client = client_for(people.applicant)
    assert 'list="country-codes"' in text_of(client.get("/loans/new"))
    response = client.post("/loans/new", data=loan_form(sme.id, investment_country=" gb "))
    assert response.status_code == 302
    loan = db.session.scalar(select(Application))
    assert loan.loan.investment_country == "GB"
    page = text_of(client.get(f"/applications/{loan.id}"))
    assert '<dd class="col-sm-7 investment-country">United Kingdom (GB)</dd>' in page


@pytest.fixture
def closed_round(sme, make_round):
    return make_round(sme.fund, name="SME FY2025", opens_on=date.today() - timedelta(days=400),
                      closes_on=date.today() - timedelta(days=35))


def test_a_closed_round_is_not_offered_on_a_new_application(sme, closed_round, people,
                                                            client_for):
    client = client_for(people.applicant)
    page = text_of(client.get("/loans/new"))
    assert sme.name in page and closed_round.name not in page
    response = client.post("/loans/new", data=loan_form(closed_round.id))
    assert response.status_code == 200
    assert _loans() == 0


def test_no_open_round_is_said_plainly(sme, people, client_for):
    sme.closes_on = date.today() - timedelta(days=1)
    db.session.commit()
    page = text_of(client_for(people.applicant).get("/loans/new"))
    assert "No round of the SME loan fund is open for applications now." in page


def test_on_edit_the_applications_own_round_stays_selectable(sme, closed_round, make_loan,
                                                             people, client_for,
                                                             make_round):
    loan = make_loan("draft")
    loan.round_id = closed_round.id
    db.session.commit()
    client = client_for(people.applicant)
    page = text_of(client.get(f"/loans/{loan.id}/edit"))
    assert f'selected value="{closed_round.id}"' in page and sme.name in page
    response = client.post(f"/loans/{loan.id}/edit",
                           data=loan_form(closed_round.id, title="Kept in its round"))
    assert response.status_code == 302
    assert (current(loan).title, current(loan).round_id) == ("Kept in its round",
                                                            closed_round.id)
    # Moving to the open round is allowed; back to the closed one, no longer.
    assert client.post(f"/loans/{loan.id}/edit",
                       data=loan_form(sme.id)).status_code == 302
    other_closed = make_round(sme.fund, name="SME FY2024",
                              opens_on=date.today() - timedelta(days=800),
                              closes_on=date.today() - timedelta(days=400))
    response = client.post(f"/loans/{loan.id}/edit", data=loan_form(other_closed.id))
    assert response.status_code == 200
    assert current(loan).round_id == sme.id
