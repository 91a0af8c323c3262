"""The SME Basic Act's cabinet-order exceptions: rubber products (¥300M or 900 employees),
software and information-processing services (¥300M or 300), hotels and inns (¥50M or
200). Each threshold at its edge, and the way a company gives its industry."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Application, Organisation, db
from tests.workflow.grants.conftest import text_of
from workflow.people.sme import eligibility_problem

from .documents import attach_documents
from .test_lifecycle import current, loan_form, press


def _company(industry: str, capital: int, employees: int) -> Organisation:
    return Organisation(kind="company", name="Shizuoka Example K.K.", country_code="JP",
                        industry=industry, capital_yen=capital, employees=employees)


@pytest.mark.parametrize("industry, capital, employees", [
    # rubber products: the headcount limit is 900, not manufacturing's 300
    ("rubber_products", 300_000_001, 900),
    ("rubber_products", 300_000_000, 5_000),
    # software and information processing: ¥300M, not services' ¥50M; 300, not 100
    ("software", 300_000_000, 5_000),
    ("software", 900_000_000, 300),
    ("software", 200_000_000, 250),
    # hotels and inns: 200 employees, not services' 100
    ("hotels", 50_000_001, 200),
    ("hotels", 50_000_000, 2_000),
])
def test_within_a_cabinet_order_threshold_is_an_sme(industry, capital, employees):
    assert eligibility_problem(_company(industry, capital, employees)) is None


@pytest.mark.parametrize("industry, capital, employees, failed", [
    ("rubber_products", 300_000_001, 901,
     "in rubber products the capital must be at most ¥300,000,000 or the employees at most "
     "900, and it has ¥300,000,001 and 901 employees."),
    ("software", 300_000_001, 301,
     "in software and information-processing services the capital must be at most "
     "¥300,000,000 or the employees at most 300, and it has ¥300,000,001 and 301 employees."),
    ("hotels", 50_000_001, 201,
     "in hotels and inns the capital must be at most ¥50,000,000 or the employees at most "
     "200, and it has ¥50,000,001 and 201 employees."),
])
def test_past_both_cabinet_order_thresholds_is_not_an_sme(industry, capital, employees,
                                                          failed):
    problem = eligibility_problem(_company(industry, capital, employees))
    assert problem == f"Shizuoka Example K.K. is not an SME under the SME Basic Act: {failed}"


def test_the_loan_form_names_each_industry_clearly(sme, people, client_for):
    page = text_of(client_for(people.applicant).get("/loans/new"))
    for label in ("Rubber products (other than tyres, tubes and industrial belts)",
                  "Software and information-processing services", "Hotels and inns",
                  "Services (other than software, information processing, hotels and inns)",
                  "Manufacturing, construction, transport (other than rubber products)"):
        assert f">{label}</option>" in page


@pytest.mark.parametrize("industry, capital, employees, eligible", [
    ("software", "200,000,000", "250", True),  # over the services thresholds, yet an SME
    ("hotels", "60,000,000", "180", True),
    ("hotels", "60,000,000", "201", False),
    ("rubber_products", "400,000,000", "850", True),
])
def test_a_company_of_an_excepted_industry_applies_and_submits(sme, people, client_for,
                                                               industry, capital, employees,
                                                               eligible):
    applicant = client_for(people.applicant)
    response = applicant.post("/loans/new", data=loan_form(
        sme.id, industry=industry, capital_yen=capital, employees=employees))
    assert response.status_code == 302, text_of(response)
    loan = db.session.scalar(select(Application))
    assert current(loan).organisation.industry == industry
    attach_documents(applicant, loan)
    page = text_of(applicant.get(f"/applications/{loan.id}"))
    assert ("Eligible under the SME Basic Act." in page) == eligible
    response = press(applicant, loan, "submit")
    assert response.status_code == (302 if eligible else 409)
    assert current(loan).state == ("submitted" if eligible else "draft")
