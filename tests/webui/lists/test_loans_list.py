"""The loans list filters, searches, sorts and exports as the applications list does; its
country is the one each loan invests in."""

import csv
import io
import re

import pytest

from models import LoanDetails, db


@pytest.fixture
def loans(make_application, make_org):
    """Three loans of Japanese companies investing abroad, and a grant that is no loan."""
    made = {}
    for title, country, amount in (("Machining plant", "VN", 3_000_000),
                                   ("Sewing workshop", "TH", 1_000_000),
                                   ("Solar assembly line", "VN", 2_000_000)):
        application = make_application(
            "loan", state="submitted", title=title, requested_yen=amount,
            organisation=make_org(kind="company", country_code="JP", name=f"{title} K.K."))
        application.loan = LoanDetails(investment_country=country)
        made[title] = application
    made["grant"] = make_application("grant", state="submitted", title="Welding course",
                                     organisation=make_org(country_code="VN"))
    db.session.commit()
    return made


def _titles(page: str) -> list[str]:
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    return re.findall(r"</a></td><td>([^<]+)</td>", body)


def test_the_list_holds_loans_only(client, login_as, loans):
    login_as("secretariat")
    page = client.get("/loans/").get_data(as_text=True)
    assert sorted(_titles(page)) == ["Machining plant", "Sewing workshop", "Solar assembly line"]
    assert "3 found" in page


def test_the_country_filter_is_the_investment_country(client, login_as, loans):
    login_as("secretariat")
    assert sorted(_titles(client.get("/loans/?country=VN").get_data(as_text=True))) == [
        "Machining plant", "Solar assembly line"]
    # Every company is Japanese, but no loan invests in Japan.
    assert _titles(client.get("/loans/?country=JP").get_data(as_text=True)) == []


def test_the_list_searches_and_sorts(client, login_as, loans):
    login_as("secretariat")
    assert _titles(client.get("/loans/?q=solar").get_data(as_text=True)) == [
        "Solar assembly line"]
    page = client.get("/loans/?sort=requested&direction=asc").get_data(as_text=True)
    assert _titles(page) == ["Sewing workshop", "Solar assembly line", "Machining plant"]
    page = client.get("/loans/?sort=country&direction=asc").get_data(as_text=True)
    assert _titles(page)[0] == "Sewing workshop"  # TH before VN
    assert 'href="/loans/?sort=requested&amp;direction=desc"' in page


def test_a_bad_filter_is_said_beside_the_field_and_nothing_is_listed(client, login_as, loans):
    login_as("secretariat")
    response = client.get("/loans/?country=Vietnam")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "is not a two-letter country code" in page or "Field cannot be longer" in page
    assert _titles(page) == []


def test_the_export_is_the_filtered_loans_with_their_investment_country(client, login_as,
                                                                          loans):
    login_as("secretariat")
    response = client.get("/loans/export.csv?country=VN&sort=requested&direction=desc")
    assert response.status_code == 200
    header, *rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert "investment_country" in header
    column = header.index("investment_country")
    assert [(r[header.index("title")], r[column]) for r in rows] == [
        ("Machining plant", "VN"), ("Solar assembly line", "VN")]


def test_an_applicant_lists_only_their_company_s_loans(client, login_as, loans):
    company = loans["Sewing workshop"].organisation
    login_as("applicant", organisation=company)
    page = client.get("/loans/").get_data(as_text=True)
    assert _titles(page) == ["Sewing workshop"]
    rows = list(csv.reader(io.StringIO(client.get("/loans/export.csv").get_data(as_text=True))))
    assert [r[0] for r in rows[1:]] == [loans["Sewing workshop"].reference]
