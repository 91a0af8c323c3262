"""The portfolio dashboard: figures by country and year, persons trained, the loan book."""

import re
from datetime import datetime

import pytest

from models import FinalReport, ReportParticipant, db, write_intent
from tests.conftest import fire
from tests.statements import counting_statements
from workflow.engine import audit, kept
from workflow.money import kept_figures, ledger
from workflow.people import accounts


def _report(application, participants: dict[str, int], accepted: bool):
    """A final report (scene-setting), counted as trained when accepted, as the acceptance
    (workflow.grants.reports.settle_grant) counts it."""
    accepted_at = datetime(2027, 3, 1) if accepted else None
    db.session.add(FinalReport(application_id=application.id, outcomes="Done",
                               accepted_at=accepted_at,
                               participants=[ReportParticipant(country_code=c, participants=n)
                                             for c, n in participants.items()]))
    if accepted:
        kept_figures.report_accepted(db.session.connection(), accepted_at, participants.items())
    db.session.commit()


def test_persons_trained_count_accepted_reports_only(client, login_as, make_application):
    accepted = make_application("grant", state="closed")
    pending = make_application("grant", state="report_submitted")
    _report(accepted, {"TH": 25, "VN": 5}, accepted=True)
    _report(pending, {"TH": 100}, accepted=False)
    login_as("auditor")
    page = client.get("/portfolio/").get_data(as_text=True)
    assert 'data-figure="trained">30<' in page
    assert "Thailand" in page and "Vietnam" in page


@pytest.fixture
def thai_grant(make_application, make_org):
    """A Thai society's grant in implementation, approved for 2,000,000 yen and reserved
    in a fund of 10,000,000 donated: nothing disbursed yet."""
    thai = make_application("grant", state="in_implementation",
                            organisation=make_org(country_code="TH"))
    thai.approved_yen = 2_000_000
    db.session.commit()
    with write_intent(True):
        ledger.post(thai.fund, "donation", 10_000_000, actor=None)
        ledger.reserve(thai, 2_000_000, None)
        db.session.commit()
    return thai


def _disburse(grant, amount: int) -> None:
    with write_intent(True):
        ledger.post(grant.fund, "disbursement", amount, actor=None, application=grant)
        db.session.commit()


def test_money_by_country_and_fiscal_year(client, login_as, thai_grant):
    _disburse(thai_grant, 1_500_000)
    login_as("secretariat")
    rows = client.get("/portfolio/money.json").get_json()
    assert rows == [{"kind": "grant", "country": "TH", "country_name": "Thailand",
                     "fiscal_year": thai_grant.fiscal_year, "approved_yen": 2_000_000,
                     "disbursed_yen": 1_500_000}]
    page = client.get("/portfolio/").get_data(as_text=True)
    assert "2,000,000" in page and "1,500,000" in page


def _approved_loan(make_application, make_org, country: str | None, amount: int,
                   disbursed: int):
    """An SME loan of a Japanese company investing in `country`, approved and drawn on."""
    from models import LoanDetails

    loan = make_application("loan", state="active", title="Plant abroad",
                            organisation=make_org(kind="company", country_code="JP"))
    loan.loan = LoanDetails(investment_country=country)
    loan.approved_yen = amount
    db.session.commit()
    with write_intent(True):
        ledger.post(loan.fund, "donation", amount, actor=None)
        ledger.reserve(loan, amount, None)
        ledger.post(loan.fund, "disbursement", disbursed, actor=None, application=loan)
        db.session.commit()
    return loan


def test_a_loan_counts_under_its_investment_country_apart_from_the_grants(
        client, login_as, make_application, make_org):
    grant = make_application("grant", state="approved",
                             organisation=make_org(country_code="TH"))
    grant.approved_yen = 2_000_000
    db.session.commit()
    vietnam = _approved_loan(make_application, make_org, "VN", 40_000_000, 10_000_000)
    _approved_loan(make_application, make_org, "TH", 30_000_000, 30_000_000)
    login_as("auditor")
    rows = client.get("/portfolio/money.json").get_json()
    year = vietnam.fiscal_year
    assert sorted((r["kind"], r["country"], r["fiscal_year"], r["approved_yen"],
                   r["disbursed_yen"]) for r in rows) == [
        ("grant", "TH", year, 2_000_000, 0),
        ("loan", "TH", year, 30_000_000, 30_000_000),
        ("loan", "VN", year, 40_000_000, 10_000_000),
    ]  # nothing under Japan, where the companies are
    page = client.get("/portfolio/").get_data(as_text=True)
    grants_table = page.split('class="table table-sm mb-4 money-grant"')[1].split("</table>")[0]
    loans_table = page.split('class="table table-sm mb-4 money-loan"')[1].split("</table>")[0]
    assert "2,000,000" in grants_table and "40,000,000" not in grants_table
    assert "Vietnam" in loans_table and "40,000,000" in loans_table
    assert "Japan" not in page
    by_country = page.split('class="table table-sm by-country"')[1].split("</table>")[0]
    assert '<tr data-country="TH"><td>Thailand</td>' in by_country
    assert ('<tr data-country="VN"><td>Vietnam</td><td class="text-end">0</td>'
            '<td class="text-end">1</td></tr>') in by_country


def test_applicants_do_not_see_the_portfolio(client, login_as):
    login_as("applicant")
    assert client.get("/portfolio/").status_code == 403


def test_the_figures_shown_again_after_a_booking_follow_it(client, login_as, thai_grant):
    """A worker keeps the portfolio's figures until a file changes: a disbursement booked
    after a view is in the next one, on the page, its JSON and the API."""
    login_as("secretariat")
    assert client.get("/portfolio/money.json").get_json()[0]["disbursed_yen"] == 0
    assert 'data-figure="grants-disbursed">¥0<' in client.get("/portfolio/").get_data(as_text=True)
    _disburse(thai_grant, 1_500_000)
    assert client.get("/portfolio/money.json").get_json()[0]["disbursed_yen"] == 1_500_000
    page = client.get("/portfolio/").get_data(as_text=True)
    assert 'data-figure="grants-disbursed">¥1,500,000<' in page


def _states(page: str) -> dict[str, int]:
    """The table of applications by state: state -> applications."""
    table = page.split("Applications by state")[1].split("</table>")[0]
    return {state: int(n) for state, n in re.findall(
        r'state=(\w+)">[^<]*</a></td><td class="text-end">(\d+)<', table)}


def test_the_states_shown_again_after_a_transition_follow_it(client, login_as,
                                                             make_application, make_user):
    """The figures are kept under the revisions of the rows they read: a transition moves
    the counts by state, and the next view shows them."""
    grant = make_application("grant", state="submitted")
    login_as("secretariat")
    assert _states(client.get("/portfolio/").get_data(as_text=True)) == {"submitted": 1}
    fire(grant, "start_screening", make_user("secretariat"))
    assert _states(client.get("/portfolio/").get_data(as_text=True)) == {"screening": 1}


def test_a_note_on_a_file_leaves_the_figures_kept(client, login_as, thai_grant):
    """A change that moves no kept figure (a note) does not make the next view sum the
    figures again: it reads none of their tables."""
    login_as("secretariat")
    client.get("/portfolio/")
    with write_intent(True):
        audit.record("note", actor=None, object_type="application", object_id=thai_grant.id,
                     data={"comment": "Called the society."})
        db.session.commit()
    with counting_statements(db.engine) as seen:
        page = client.get("/portfolio/").get_data(as_text=True)
    assert "2,000,000" in page
    read = " ".join(seen)
    assert "figure_revisions" in read  # the revisions were looked at, and were unchanged
    # (the statement of the revisions reads the count by state's own, and nothing else does)
    summed = " ".join(s for s in seen if "figure_revisions" not in s)
    assert not [table for table in kept.FIGURE_TABLES if table in summed]


def test_the_money_follows_its_society_to_a_corrected_country(client, login_as, thai_grant):
    """An organisation's country is a name the figures read, not a kept row: correcting it
    moves the people's revision, and the next view places the money in the new country."""
    _disburse(thai_grant, 1_500_000)
    login_as("secretariat")
    assert [r["country"] for r in client.get("/portfolio/money.json").get_json()] == ["TH"]
    org = thai_grant.organisation
    fields = {name: getattr(org, name) for name in ("kind", "name", "country_code", "city",
                                                     "industry", "capital_yen", "employees")}
    db.session.commit()
    with write_intent(True):
        accounts.save_organisation(org, **{**fields, "country_code": "VN"})
        db.session.commit()
    rows = client.get("/portfolio/money.json").get_json()
    assert [(r["country"], r["approved_yen"], r["disbursed_yen"]) for r in rows] == [
        ("VN", 2_000_000, 1_500_000)]
    page = client.get("/portfolio/").get_data(as_text=True)
    on_the_map = page.split("grant-countries")[1].split("</table>")[0]
    assert '<tr data-country="VN"><td>Vietnam</td><td class="text-end">1,500,000<' in on_the_map
    assert 'data-country="TH"' not in on_the_map
