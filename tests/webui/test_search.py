"""Application lists: filters, sorting, pagination, the search box, CSV export."""

import csv
import io

import pytest

from models import db


@pytest.fixture
def three(make_application, make_org):
    th = make_org(name="Thai society", country_code="TH")
    ke = make_org(name="Kenyan society", country_code="KE")
    a = make_application("grant", state="screening", organisation=th,
                         title="Kaizen training course", requested_yen=500_000)
    b = make_application("grant", state="draft", organisation=ke,
                         title="Seminar on 5S in Nairobi", requested_yen=900_000)
    c = make_application("grant", state="approved", organisation=th,
                         title="Study tour to Osaka", requested_yen=700_000)
    db.session.commit()
    return a, b, c


def _refs(page: str, apps) -> list[str]:
    return [a.reference for a in sorted(apps, key=lambda a: page.find(a.reference))
            if a.reference in page]


@pytest.mark.parametrize("query, expected", [
    ("q=kaizen", [0]), ("q=seminar+nairobi", [1]), ("country=TH", [0, 2]),
    ("state=approved", [2]), ("country=ke&state=draft", [1]), ("fund=WNF", [0, 1, 2]),
])
def test_filters(client, login_as, three, query, expected):
    login_as("auditor")  # who reads every file, the draft too
    page = client.get(f"/applications/?{query}").get_data(as_text=True)
    assert sorted(a.reference for a in three if a.reference in page) == sorted(
        three[i].reference for i in expected)


def test_search_by_reference(client, login_as, three):
    login_as("auditor")
    page = client.get(f"/applications/?q={three[1].reference.lower()}").get_data(as_text=True)
    assert three[1].reference in page and three[0].reference not in page


def test_sorting_by_requested_amount(client, login_as, three):
    login_as("auditor")
    page = client.get("/applications/?sort=requested&direction=asc").get_data(as_text=True)
    assert _refs(page, three) == [three[0].reference, three[2].reference, three[1].reference]


@pytest.mark.parametrize("query, message", [
    ("state=flying", "Not a valid choice"),
    ("sort=colour", "Not a valid choice"),
    ("date_from=2027-05-01&date_to=2027-04-01", "The date range ends before it starts."),
    ("date_from=2027-13-45", "Not a valid date value."),
    ("country=Thailand", "Field cannot be longer than 2 characters."),
])
def test_bad_filters_get_a_message_not_a_500(client, login_as, three, query, message):
    login_as("secretariat")
    response = client.get(f"/applications/?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_applicants_find_only_their_own(client, login_as, three):
    login_as("applicant", organisation=three[1].organisation)
    page = client.get("/applications/?q=").get_data(as_text=True)
    assert three[1].reference in page
    assert three[0].reference not in page and three[2].reference not in page
    exported = client.get("/applications/export.csv").get_data(as_text=True)
    assert three[1].reference in exported and three[0].reference not in exported


def test_pagination(client, login_as, make_application, make_org):
    org = make_org()
    for n in range(55):
        make_application("grant", organisation=org, title=f"Course {n}")
    login_as("auditor")
    first = client.get("/applications/").get_data(as_text=True)
    second = client.get("/applications/?page=2").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert first.count("Course ") == 50 and second.count("Course ") == 5


def test_csv_export_applies_the_filters_and_streams(client, login_as, three):
    login_as("auditor")
    response = client.get("/applications/export.csv?country=TH&sort=reference&direction=asc")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["reference", "kind", "fund"]
    assert [r[0] for r in rows[1:]] == [three[0].reference, three[2].reference]


def test_csv_export_defuses_formulas(client, login_as, make_application):
    login_as("auditor")
    make_application("grant", title="=HYPERLINK(\"http://evil\")")
    body = client.get("/applications/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in body


def test_one_after_another_each_user_sees_their_own_list(client, login_as, three):
    """The list's statements are built once per shape of filters and kept: the values (whose
    organisation, which country, which words) must still be each request's own."""
    thai, kenyan = three[0].organisation, three[1].organisation
    for organisation, mine in ((thai, [0, 2]), (kenyan, [1]), (thai, [0, 2])):
        client.post("/auth/logout")
        login_as("applicant", organisation=organisation)
        for query in ("", "?q=s", "?sort=requested&direction=asc"):  # every title has an s
            page = client.get(f"/applications/{query}").get_data(as_text=True)
            assert [a.reference for a in three if a.reference in page] == [
                three[i].reference for i in mine], query
    client.post("/auth/logout")
    login_as("auditor")
    for country, expected in (("TH", [0, 2]), ("KE", [1]), ("TH", [0, 2])):
        page = client.get(f"/applications/?country={country}").get_data(as_text=True)
        assert [a.reference for a in three if a.reference in page] == [
            three[i].reference for i in expected]
