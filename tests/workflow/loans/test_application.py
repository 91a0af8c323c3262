"""The applicant's side: the loan form, SME eligibility at submission, who may edit."""

import pytest
from sqlalchemy import func, select

from models import Application, AuditEvent, Organisation, db

from .documents import attach_documents
from .test_lifecycle import current, loan_form, press


def _loans() -> int:
    return db.session.scalar(select(func.count()).select_from(Application))


@pytest.mark.parametrize("industry, capital, employees, failed", [
    ("manufacturing", 300_000_001, 301,
     "in manufacturing and other industries the capital must be at most ¥300,000,000 or the "
     "employees at most 300"),
    ("other", 400_000_000, 1_000,
     "in manufacturing and other industries the capital must be at most ¥300,000,000"),
    ("wholesale", 100_000_001, 101,
     "in wholesale the capital must be at most ¥100,000,000 or the employees at most 100"),
    ("services", 50_000_001, 101,
     "in services the capital must be at most ¥50,000,000 or the employees at most 100"),
    ("retail", 50_000_001, 51,
     "in retail the capital must be at most ¥50,000,000 or the employees at most 50"),
])
def test_an_ineligible_company_cannot_submit(sme, company, people, client_for, industry,
                                             capital, employees, failed):
    applicant = client_for(people.applicant)
    applicant.post("/loans/new", data=loan_form(sme.id, industry=industry,
                                                capital_yen=str(capital),
                                                employees=str(employees)))
    loan = db.session.scalar(select(Application))
    attach_documents(applicant, loan)
    response = press(applicant, loan, "submit")
    assert response.status_code == 409
    assert failed in response.get_data(as_text=True)
    assert current(loan).state == "draft"
    # The figures were saved on the company's own record, where the rule reads them.
    db.session.expire_all()
    company = db.session.get(Organisation, company.id)
    assert (company.industry, company.capital_yen, company.employees) == (
        industry, capital, employees)
    assert "not an SME" in applicant.get(f"/applications/{loan.id}").get_data(as_text=True)


@pytest.mark.parametrize("industry, capital, employees", [
    ("manufacturing", 300_000_000, 5_000),  # capital exactly at the limit
    ("wholesale", 900_000_000, 100),  # headcount exactly at the limit
    ("services", 50_000_000, 900),
    ("retail", 10_000_000_000, 50),
])
def test_a_company_within_either_threshold_submits(sme, company, people, client_for, industry,
                                                   capital, employees):
    applicant = client_for(people.applicant)
    applicant.post("/loans/new", data=loan_form(sme.id, industry=industry,
                                                capital_yen=str(capital),
                                                employees=str(employees)))
    loan = db.session.scalar(select(Application))
    attach_documents(applicant, loan)
    assert press(applicant, loan, "submit").status_code == 302
    assert current(loan).state == "submitted"


@pytest.mark.parametrize("changes, message", [
    ({"requested_yen": "0"}, "The amount must be at least ¥1."),
    ({"term_months": "0"}, "The term must be from 1 to 360 months."),
    ({"employees": "-3"}, "The number of employees cannot be negative."),
    ({"investment_country": "JP"}, "SME loans finance investment outside Japan."),
    ({"investment_country": "V1"}, "V1 is not an ISO 3166 country code."),
    ({"requested_yen": "1.5"}, "Enter a whole number of yen, without decimals."),
])
def test_bad_loan_input_is_refused_next_to_the_field(sme, people, client_for, changes,
                                                     message):
    response = client_for(people.applicant).post("/loans/new",
                                                 data=loan_form(sme.id, **changes))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _loans() == 0


def test_submission_needs_a_complete_form(sme, people, client_for):
    applicant = client_for(people.applicant)
    applicant.post("/loans/new", data=loan_form(sme.id, project="", purpose=""))
    loan = db.session.scalar(select(Application))
    response = press(applicant, loan, "submit")
    assert "it still needs the project, the purpose." in response.get_data(as_text=True)
    assert current(loan).state == "draft"


def test_only_a_company_may_apply(sme, make_user, client_for):
    society_member = make_user("applicant")  # an alumni society, not a company
    client = client_for(society_member)
    response = client.post("/loans/new", data=loan_form(sme.id))
    assert response.status_code == 409
    assert "Only a company can apply for an SME loan." in response.get_data(as_text=True)
    assert "New loan application" not in client.get("/loans/").get_data(as_text=True)
    assert _loans() == 0


def test_the_owner_edits_a_draft_and_the_change_is_audited(make_loan, people, client_for, sme):
    loan = make_loan("draft")
    response = client_for(people.applicant).post(
        f"/loans/{loan.id}/edit", data=loan_form(sme.id, requested_yen="2,500,000",
                                                 term_months="24", employees="90"))
    assert response.status_code == 302
    loan = current(loan)
    assert (loan.requested_yen, loan.loan.requested_term_months,
            loan.organisation.employees) == (2_500_000, 24, 90)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "loan.update"))
    changed = event.data["changed"]
    assert (changed["requested_yen"], changed["requested_term_months"],
            changed["employees"]) == (2_500_000, 24, 90)
    assert "title" not in changed and "capital_yen" not in changed  # unchanged: not listed


@pytest.mark.parametrize("state, who, status", [
    ("submitted", "owner", 409),
    ("screening", "owner", 409),
    ("revision_requested", "owner", 302),
    ("draft", "other_company", 404),
])
def test_who_may_edit_and_when(make_loan, make_user, make_org, people, client_for, sme, state,
                               who, status):
    loan = make_loan(state)
    user = people.applicant if who == "owner" else make_user(
        "applicant", organisation=make_org(kind="company"))
    response = client_for(user).post(f"/loans/{loan.id}/edit",
                                     data=loan_form(sme.id, title="Changed"))
    assert response.status_code == status
    assert (current(loan).title == "Changed") == (status == 302)


def test_the_list_shows_the_companys_loans_and_the_way_to_apply(make_loan, make_org,
                                                                people, client_for):
    own = make_loan("draft")
    other = make_loan("submitted", title="Someone else's plant")
    other.organisation = make_org(kind="company", name="Other KK")
    db.session.commit()
    page = client_for(people.applicant).get("/loans/").get_data(as_text=True)
    assert own.reference in page and other.reference not in page
    assert "New loan application" in page
    staff_page = client_for(people.finance).get("/loans/").get_data(as_text=True)
    # The staff see a loan once submitted: the draft is its company's alone.
    assert own.reference not in staff_page and other.reference in staff_page
