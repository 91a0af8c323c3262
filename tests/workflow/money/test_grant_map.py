"""The grants' world map: yen disbursed and persons trained by country, per fiscal year
(April to March); every figure equals the sum of its ledger entries or accepted reports."""

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from models import (
    Application,
    FinalReport,
    LedgerEntry,
    LoanDetails,
    Organisation,
    ReportParticipant,
    db,
    write_intent,
)
from workflow.engine.fiscal import fiscal_year_bounds
from workflow.money import kept_figures, ledger

# (society's country, booked on, yen): the last day of FY2025 and the first of FY2026.
DISBURSEMENTS = (("TH", date(2026, 3, 31), 700_000), ("TH", date(2026, 4, 1), 300_000),
                 ("VN", date(2026, 9, 15), 450_000), ("TH", date(2026, 12, 1), 50_000))


@pytest.fixture
def grants_paid(make_application, make_org):
    """Grants of Thai and Vietnamese societies disbursed across two fiscal years, an SME
    loan disbursed in Vietnam (not on the map), and two accepted reports and a pending one."""
    societies = {code: make_org(country_code=code) for code in ("TH", "VN")}
    grants = {code: make_application("grant", state="in_implementation",
                                     organisation=society, requested_yen=2_000_000)
              for code, society in societies.items()}
    loan = make_application("loan", state="active",
                            organisation=make_org(kind="company", country_code="JP"))
    loan.loan = LoanDetails(investment_country="VN")
    db.session.commit()
    with write_intent(True):
        fund = grants["TH"].fund
        ledger.post(fund, "donation", 10_000_000, actor=None)
        ledger.post(loan.fund, "donation", 10_000_000, actor=None)
        for code, day, amount in DISBURSEMENTS:
            ledger.post(fund, "disbursement", amount, actor=None, application=grants[code],
                        booked_on=day)
        ledger.post(loan.fund, "disbursement", 5_000_000, actor=None, application=loan,
                    booked_on=date(2026, 9, 15))
        db.session.commit()
    for application, accepted_at, counts in (
            (grants["TH"], datetime(2026, 3, 31, 23, 0), {"TH": 20, "LA": 5}),
            (grants["VN"], datetime(2026, 4, 1, 9, 0), {"VN": 12})):
        db.session.add(FinalReport(
            application_id=application.id, outcomes="Done", accepted_at=accepted_at,
            participants=[ReportParticipant(country_code=c, participants=n)
                          for c, n in counts.items()]))
        # counted as the acceptance (workflow.grants.reports.settle_grant) counts it
        kept_figures.report_accepted(db.session.connection(), accepted_at, counts.items())
    pending = make_application("grant", state="report_submitted",
                               organisation=societies["VN"])
    db.session.add(FinalReport(application_id=pending.id, outcomes="Pending",
                               participants=[ReportParticipant(country_code="VN",
                                                               participants=99)]))
    db.session.commit()
    return grants


def _ledger_sum(country: str, year: int | None) -> int:
    """What the ledger says was disbursed to grants of the country's societies."""
    query = (select(func.coalesce(func.sum(LedgerEntry.amount_yen), 0))
             .join(Application, Application.id == LedgerEntry.application_id)
             .join(Organisation, Organisation.id == Application.organisation_id)
             .where(LedgerEntry.kind == "disbursement", Application.kind == "grant",
                    Organisation.country_code == country))
    if year is not None:
        start, end = fiscal_year_bounds(year)
        query = query.where(LedgerEntry.booked_on.between(start, end))
    return db.session.scalar(query)


def _map(client, year=None) -> dict[str, dict]:
    url = "/portfolio/grants-map.json" + (f"?year={year}" if year else "")
    response = client.get(url)
    assert response.status_code == 200
    return {row["country"]: row for row in response.get_json()}


@pytest.mark.parametrize("year", [None, 2025, 2026])
def test_the_map_s_money_equals_the_ledger_per_fiscal_year(client, login_as, grants_paid,
                                                           year):
    login_as("secretariat")
    rows = _map(client, year)
    for country in ("TH", "VN"):
        shown = rows[country]["disbursed_yen"] if country in rows else 0
        assert shown == _ledger_sum(country, year)
    assert "JP" not in rows  # the loan is not a grant, nor its company's country


def test_fiscal_years_run_from_april_to_march(client, login_as, grants_paid):
    login_as("secretariat")
    assert _map(client, 2025)["TH"]["disbursed_yen"] == 700_000  # 31 March 2026
    assert _map(client, 2026)["TH"]["disbursed_yen"] == 350_000  # 1 April, 1 December
    assert _map(client)["TH"] == {"country": "TH", "numeric": "764", "name": "Thailand",
                                  "disbursed_yen": 1_050_000, "trained": 20}


def test_persons_trained_come_from_accepted_reports_by_fiscal_year(client, login_as,
                                                                     grants_paid):
    login_as("secretariat")
    assert {c: r["trained"] for c, r in _map(client, 2025).items()} == {"TH": 20, "LA": 5}
    assert _map(client, 2026)["VN"]["trained"] == 12  # not the 99 of the pending report
    assert _map(client)["LA"]["disbursed_yen"] == 0


def test_the_page_shows_the_year_s_figures_and_refuses_an_unknown_year(client, login_as,
                                                                         grants_paid):
    login_as("auditor")
    page = client.get("/portfolio/?year=2025").get_data(as_text=True)
    table = page.split('class="table table-sm mb-4 grant-countries"')[1].split("</table>")[0]
    assert '<tr data-country="TH"><td>Thailand</td><td class="text-end">700,000</td>' in table
    assert "FY2025 (April 2025 – March 2026)" in page
    assert 'data-figure="grants-disbursed">¥700,000<' in page
    refused = client.get("/portfolio/?year=1990")
    assert refused.status_code == 400
    assert "Not a valid choice" in refused.get_data(as_text=True)
    assert client.get("/portfolio/grants-map.json?year=1990").status_code == 400
