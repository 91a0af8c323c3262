"""The portfolio dashboard: figures by country and year, persons trained, the loan book."""

from datetime import datetime

from models import FinalReport, ReportParticipant, db, write_intent
from workflow import ledger


def _report(application, participants: dict[str, int], accepted: bool):
    db.session.add(FinalReport(application_id=application.id, outcomes="Done",
                               accepted_at=datetime(2027, 3, 1) if accepted else None,
                               participants=[ReportParticipant(country_code=c, participants=n)
                                             for c, n in participants.items()]))
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


def test_money_by_country_and_fiscal_year(client, login_as, make_application, make_org):
    thai = make_application("grant", state="in_implementation",
                            organisation=make_org(country_code="TH"))
    thai.approved_yen = 2_000_000
    db.session.commit()
    with write_intent(True):
        ledger.post(thai.fund, "donation", 10_000_000, actor=None)
        ledger.reserve(thai, 2_000_000, None)
        ledger.post(thai.fund, "disbursement", 1_500_000, actor=None, application=thai)
        db.session.commit()
    login_as("secretariat")
    rows = client.get("/portfolio/money.json").get_json()
    assert rows == [{"country": "TH", "country_name": "Thailand",
                     "fiscal_year": thai.fiscal_year, "approved_yen": 2_000_000,
                     "disbursed_yen": 1_500_000}]
    page = client.get("/portfolio/").get_data(as_text=True)
    assert "2,000,000" in page and "1,500,000" in page


def test_applicants_do_not_see_the_portfolio(client, login_as):
    login_as("applicant")
    assert client.get("/portfolio/").status_code == 403
