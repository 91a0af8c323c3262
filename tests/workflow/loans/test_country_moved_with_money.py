"""A loan's money on the portfolio follows its investment country as the file says it now:
the kept figures (workflow.money.kept_figures) move with a corrected country in the
correction's transaction, and `flask audit verify --full` fails when they do not match the
ledger summed by each file's current country.

No workflow step books money before the approval, after which the request is closed to
edits; the scene books money on a file returned for revision to drive the real edit form
through a move no page makes today, as a correction would."""

from sqlalchemy import select, text

from models import Application, LedgerEntry, LoanDetails, db, write_intent
from workflow.money import kept_figures, ledger

from .conftest import act
from .test_lifecycle import loan_form


def _a_loan_with_money_in_vietnam(make_loan, sme) -> Application:
    application = make_loan("revision_requested")
    application.approved_yen = 1_000_000
    db.session.commit()
    act(ledger.reserve, application, 1_000_000, None)
    act(ledger.post, application.fund, "disbursement", 400_000, actor=None,
        application=application)
    return application


def _disbursed_by_country(client) -> dict[str, int]:
    return {row["country"]: row["disbursed_yen"]
            for row in client.get("/portfolio/money.json").get_json() if row["kind"] == "loan"}


def _ledger_by_current_country(kind: str) -> dict[str, int]:
    sums: dict[str, int] = {}
    for country, amount in db.session.execute(
            select(LoanDetails.investment_country, LedgerEntry.amount_yen)
            .join(Application, Application.id == LedgerEntry.application_id)
            .join(LoanDetails, LoanDetails.application_id == Application.id)
            .where(LedgerEntry.kind == kind)):
        sums[country] = sums.get(country, 0) + amount
    return sums


def test_the_portfolio_moves_a_loan_s_money_with_its_corrected_country(
        app, make_loan, sme, people, client_for):
    application = _a_loan_with_money_in_vietnam(make_loan, sme)
    finance = client_for(people.finance)
    assert _disbursed_by_country(finance) == {"VN": 400_000}

    applicant = client_for(people.applicant)
    edited = applicant.post(f"/loans/{application.id}/edit",
                            data=loan_form(sme.id, investment_country="th"))
    assert edited.status_code == 302, edited.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(LoanDetails, application.id).investment_country == "TH"

    assert _disbursed_by_country(finance) == {"TH": 400_000}
    assert _ledger_by_current_country("disbursement") == {"TH": 400_000}
    assert kept_figures.differences() == []
    verified = app.test_cli_runner().invoke(args=["audit", "verify", "--full"])
    assert verified.exit_code == 0, verified.output
    assert kept_figures.MATCHED in verified.output


def test_a_country_moved_behind_the_workflow_s_back_fails_the_full_verification(
        app, make_loan, sme):
    application = _a_loan_with_money_in_vietnam(make_loan, sme)
    with write_intent(True):  # someone with database access corrects the row by hand
        db.session.execute(text("UPDATE loan_details SET investment_country = 'TH' "
                                "WHERE application_id = :id"), {"id": application.id})
        db.session.commit()
    verified = app.test_cli_runner().invoke(args=["audit", "verify", "--full"])
    assert verified.exit_code == 1
    assert "The kept portfolio_totals row" in verified.output
    assert "'investment_country': 'TH'" in verified.output
