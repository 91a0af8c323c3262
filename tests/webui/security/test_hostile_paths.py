"""Numbers and cursors in a URL never reach the database past what its columns hold: an id
beyond INTEGER (or in full-width digits, or with a NUL) is a 404, a page past the end is the
last page, and a cursor edited by hand is told "This link is out of date" with a 400."""

import base64
import json

OUT_OF_DATE = "This link is out of date"


def cursor(*parts) -> str:
    """A list cursor as the pages write them (workflow.engine.keyset, workflow.files.search)."""
    data = json.dumps(list(parts), separators=(",", ":"))
    return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")


ID_PATHS = ["/applications/{}", "/committee/applications/{}", "/rounds/{}",
            "/grants/{}/attachments/1", "/loans/{}/files/1", "/committee/ballots/{}/tally.json"]
NO_ID = ["2147483648", "9223372036854775808", "99999999999999999999", "0", "-1", "１２",
         "1%00", "%00"]


def test_an_id_no_column_holds_is_a_404(client, login_as):
    login_as("auditor")
    answers = {(path, value): client.get(path.format(value)).status_code
               for path in ID_PATHS for value in NO_ID}
    assert {k: v for k, v in answers.items() if v != 404} == {}


def test_an_id_past_the_column_is_a_404_on_every_method(client, login_as):
    login_as("admin", "finance_officer", "secretariat")
    for method, path in [("POST", "/finance/tranches/2147483648/authorise"),
                         ("POST", "/finance/tranches/9223372036854775808/cancel"),
                         ("POST", "/applications/2147483648/actions/withdraw"),
                         ("GET", "/admin/users/2147483648"),
                         ("GET", "/admin/organisations/2147483648")]:
        assert client.open(path, method=method).status_code == 404, path


def test_the_largest_id_a_column_holds_is_looked_up_as_any_other(client, login_as):
    login_as("auditor")
    assert client.get("/applications/2147483647").status_code == 404  # no such file


def test_a_nul_or_a_huge_segment_in_a_path_is_not_found(client, login_as):
    login_as("auditor", "secretariat")
    for path in ["/funds/%00", "/funds/W%00F/ledger.csv", "/workflows/grant%00",
                 "/static/app%00.css", "/funds/" + "X" * 10_000]:
        assert client.get(path).status_code in (400, 404), path


def test_a_page_past_the_end_of_the_ledger_is_its_last_page(client, login_as, make_fund):
    make_fund("WNF")
    login_as("auditor")
    for page in ("3", "99999999999999999999", "-5", "１", "abc"):
        response = client.get(f"/funds/WNF?page={page}")
        assert response.status_code == 200, page


def test_a_page_past_the_end_of_the_loans_is_their_last_page(client, login_as,
                                                             make_application):
    loan = make_application("loan", state="submitted", title="Cold-chain warehouse")
    login_as("auditor")
    for page in ("2", "20"):
        response = client.get(f"/loans/?page={page}")
        assert response.status_code == 200
        assert "Cold-chain warehouse" in response.get_data(as_text=True), page
    # As on the applications list: deep pages are reached by "Next", not by number.
    response = client.get("/loans/?page=99999999999999999999")
    assert response.status_code == 400 and "Next" in response.get_data(as_text=True)
    assert loan.id


def test_a_page_number_of_twenty_digits_is_told_not_a_500(client, login_as, make_application):
    make_application("grant", state="screening")
    login_as("auditor")
    response = client.get("/applications/?page=99999999999999999999")
    assert response.status_code == 400
    assert "Next" in response.get_data(as_text=True)


APPLICATION_CURSORS = [
    cursor("title", True, ["a\u0000b", 1]),  # NUL: PostgreSQL refuses it in text
    cursor("title", True, ["Course", 2**31]),  # past the INTEGER id
    cursor("title", True, ["Course", 2**63]),
    cursor("requested", True, [2**63, 1]),  # past BIGINT
    cursor("requested", True, [1.5, 1]),  # a fraction of a yen
    cursor("created", True, ["2026-13-45T00:00:00", 1]),
    cursor("created", True, [None, 1]),
    cursor("created", True, ["2026-01-01T00:00:00", "1"]),
    cursor("created", True, ["2026-01-01T00:00:00", True]),
    cursor("created", True, ["2026-01-01T00:00:00"]),
    "%00", "AAAA%00", "W10", "9" * 40,
]


def test_an_edited_cursor_of_the_application_list_is_out_of_date(client, login_as,
                                                                 make_application):
    make_application("grant", state="screening", title="Course")
    login_as("auditor")
    for value in APPLICATION_CURSORS:
        sort = "title" if "dGl0bGUi" in value else "requested" if "cmVxdWVzdGVk" in value \
            else "created"
        for argument in ("after", "before"):
            response = client.get(f"/applications/?sort={sort}&{argument}={value}")
            assert response.status_code == 400, (value, argument)
            assert OUT_OF_DATE in response.get_data(as_text=True)


def test_a_cursor_within_the_columns_still_pages(client, login_as, make_application):
    make_application("grant", state="screening", title="Course", requested_yen=500_000)
    login_as("auditor")
    response = client.get("/applications/?sort=requested&after=" + cursor(
        "requested", True, [2**62, 2**31 - 1]))
    assert response.status_code == 200
    assert "Course" in response.get_data(as_text=True)


def test_an_edited_cursor_of_the_screening_queue_is_out_of_date(client, login_as,
                                                                make_application):
    make_application("grant", state="submitted")
    login_as("secretariat")
    for value in [cursor("screening", ["2026-01-01T00:00:00", 2**31]),
                  cursor("screening", ["2026-01-01T00:00:00", -(2**63)]),
                  cursor("screening", ["2026-01-01T00:00:00\u0000", 1]),
                  cursor("screening", ["2026-01-01T00:00:00", 1, 2]),
                  cursor("awaiting", ["2026-01-01T00:00:00", 1]),  # another list's
                  "%00"]:
        response = client.get(f"/grants/screening?after={value}&page=99999999999999999999")
        assert response.status_code == 400, value
        assert OUT_OF_DATE in response.get_data(as_text=True)


def test_an_edited_cursor_of_a_committee_list_is_out_of_date(client, login_as):
    login_as("committee_chair", "committee_member", "secretariat")
    for section in ("awaiting", "voted", "open", "stuck"):
        value = cursor(section, ["2026-01-01T00:00:00", 2**63])
        response = client.get(f"/committee/?{section}_after={value}&{section}_page=-1")
        assert response.status_code == 400, section
        assert OUT_OF_DATE in response.get_data(as_text=True)


def test_an_edited_cursor_of_a_finance_list_is_out_of_date(client, login_as):
    login_as("finance_officer")
    for section, value in [("ready", cursor("ready", ["WNF-2026-0001", 2**31])),
                           ("ready", cursor("requested", ["WNF-2026-0001", 1])),  # another's
                           ("awaiting", cursor("requested", ["2026-01-01T00:00:00", 2**63])),
                           ("awaiting", "%00")]:
        response = client.get(f"/finance/?{section}_after={value}&{section}_page=-1")
        assert response.status_code == 400, (section, value)
        assert OUT_OF_DATE in response.get_data(as_text=True)
