"""An applicant's home page shows their money: a society what was released to it, a company
its loans, with the schedule to download as CSV and PDF; each figure from the ledger."""

import csv
import io
import re
from datetime import date

from freezegun import freeze_time
from sqlalchemy import func, select

from models import LedgerEntry, db, write_intent
from tests.conftest import fire
from tests.workflow.loans.conftest import act, repay
from webui.labels import long_date
from workflow.money import ledger, tranches


def _figure(page: str, name: str, loan: str | None = None) -> str:
    if loan:
        page = page[page.index(f'data-loan="{loan}"'):]
    found = re.search(rf'data-figure="{name}">(.*?)</(?:dd|strong)>', page, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_a_society_sees_the_money_released_to_it(client, login_as, make_application, make_user,
                                                  make_org):
    society = make_org(name="Thai Alumni")
    login_as("applicant", organisation=society)
    grant = make_application("grant", state="approved", organisation=society,
                             requested_yen=900_000, title="Welding course")
    other = make_application("grant", state="approved", requested_yen=500_000)
    for application in (grant, other):
        application.approved_yen = application.requested_yen
        db.session.commit()
        with write_intent(True):
            ledger.post(application.fund, "donation", 2_000_000, actor=None)
            ledger.reserve(application, application.approved_yen, None)
            db.session.commit()
    finance, finance2 = make_user("finance_officer"), make_user("finance_officer")
    for application, amount in ((grant, 300_000), (grant, 200_000), (other, 400_000)):
        tranche = act(tranches.request_tranche, application, amount, finance)
        fire(application, "release_tranche", finance2, tranche_id=tranche.id)

    page = client.get("/home").get_data(as_text=True)
    assert "Money released to Thai Alumni" in page
    assert _figure(page, "released-total") == "¥500,000"
    ledger_total = db.session.scalar(select(func.sum(LedgerEntry.amount_yen)).where(
        LedgerEntry.kind == "disbursement", LedgerEntry.application_id == grant.id))
    assert ledger_total == 500_000
    assert page.count(grant.reference) == 2 and other.reference not in page
    assert long_date(date.today()) in page  # "7 December 2026"


def test_a_society_is_offered_a_proposal_and_not_loans(client, login_as, make_org):
    login_as("applicant", organisation=make_org())
    page = client.get("/home").get_data(as_text=True)
    assert "New grant proposal" in page
    assert "New loan application" not in page and "SME loans" not in page


def test_a_company_is_offered_a_loan_and_not_a_proposal(client, login_as, make_org):
    login_as("applicant", organisation=make_org(kind="company", country_code="JP"))
    page = client.get("/home").get_data(as_text=True)
    assert "New loan application" in page
    assert "New grant proposal" not in page and "New proposal" not in page
    assert "No loan of yours has been released yet." in page


def test_a_company_sees_its_next_instalment_principal_and_arrears(active_loan, people,
                                                                   client_for):
    loan = active_loan()  # ¥1,000,000 released on 15 January 2024, four monthly instalments
    repay(loan, people.finance, 100_000, date(2024, 2, 15))
    with freeze_time("2024-04-20"):
        client = client_for(people.applicant)
        page = client.get("/home").get_data(as_text=True)

    disbursed, repaid = (db.session.scalar(select(func.sum(LedgerEntry.amount_yen)).where(
        LedgerEntry.application_id == loan.id, LedgerEntry.kind == kind))
        for kind in ("disbursement", "repayment_principal"))
    assert _figure(page, "outstanding", loan.reference) == f"¥{disbursed - repaid:,}"
    assert disbursed - repaid < 1_000_000
    # Instalments of 15 March and 15 April are due and not fully paid: arrears, in words.
    arrears = _figure(page, "arrears", loan.reference)
    assert arrears.startswith("¥") and "due and unpaid" in arrears
    assert "15 May 2024" in _figure(page, "next", loan.reference)


def test_a_long_schedule_opens_on_the_next_twelve_and_folds_the_rest(make_loan, release,
                                                                     people, client_for):
    loan = make_loan("contracted", term=36, grace=0)
    release(loan, on=date(2024, 1, 15))
    with freeze_time("2024-01-20"):
        page = client_for(people.applicant).get("/home").get_data(as_text=True)
    statement = page[page.index(f'data-loan="{loan.reference}"'):]
    opened, folded = statement.split('class="mt-2 schedule-later"')
    assert "The next 12 of 36 instalments still to pay" in opened
    assert opened.count("<tr><td>") == 12
    assert "Show all: the 24 later instalments" in folded
    assert folded[:folded.index("</details>")].count("<tr><td>") == 24


def test_the_schedule_downloads_as_csv_and_pdf(active_loan, people, client_for):
    loan = active_loan()
    client = client_for(people.applicant)
    response = client.get(f"/home/loans/{loan.id}/schedule.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(f'{loan.reference}-schedule.csv"')
    header, *rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert header[:3] == ["Instalment", "Due on", "Principal (JPY)"]
    assert [r[0] for r in rows] == ["1", "2", "3", "4"]
    # The principal of the schedule is exactly what the ledger released.
    assert sum(int(r[2]) for r in rows) == 1_000_000
    assert int(rows[-1][6]) == 0

    pdf = client.get(f"/home/loans/{loan.id}/schedule.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF-")


def test_no_one_downloads_another_company_s_schedule(active_loan, make_user, make_org,
                                                      client_for, login_as, client):
    loan = active_loan()
    login_as("applicant", organisation=make_org(kind="company", country_code="JP"))
    assert client.get(f"/home/loans/{loan.id}/schedule.csv").status_code == 404
    assert client.get(f"/home/loans/{loan.id}/schedule.pdf").status_code == 404


def test_a_company_s_loans_show_with_the_same_statements_however_many(active_loan, people,
                                                                      client_for):
    """Each loan's schedule and principal are read for all the loans at once."""
    from tests.webui.performance.test_query_counts import counting

    client = client_for(people.applicant)
    counts, loans = [], []
    for more in (1, 3):
        loans += [active_loan() for _ in range(more)]
        client.get("/home")
        with counting(db.engine) as statements:
            page = client.get("/home").get_data(as_text=True)
        assert all(_figure(page, "outstanding", loan.reference) == "¥1,000,000"
                   for loan in loans)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
