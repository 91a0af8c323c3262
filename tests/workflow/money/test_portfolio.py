"""The portfolio dashboard: figures by country and year, persons trained, the loan book."""

from datetime import datetime

import pytest

from models import FinalReport, ReportParticipant, db, write_intent
from workflow.money import kept_figures, ledger


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
