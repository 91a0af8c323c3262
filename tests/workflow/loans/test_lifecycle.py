"""An SME loan from the application form to the last repayment, through the web pages."""

import io
import json
import re
from datetime import date

from sqlalchemy import select

from models import Application, Instalment, Repayment, RepaymentAllocation, db
from tests.conftest import once_key
from workflow.committee import ballots
from workflow.engine import service
from workflow.loans.schedule import add_months
from workflow.money import ledger, tranches

from .conftest import DONATED, act
from .documents import attach_documents

# ¥1,000,000 at 12 % a year (1 % a month) over 4 months, the first of them interest only.
# Worked by hand: the level instalment over the 3 amortising months is
# 1,000,000 × 0.01 / (1 − 1.01^−3) = 340,022.11 → ¥340,022; the last month takes the rest.
# (¥985,000: 985,000 × 0.01 / (1 − 1.01^−3) = 334,921.78 → ¥334,922.)
EXPECTED = [  # (number, interest, principal, balance after)
    (1, 10_000, 0, 1_000_000),
    (2, 10_000, 330_022, 669_978),
    (3, 6_700, 333_322, 336_656),
    (4, 3_367, 336_656, 0),
]
TOTAL_INTEREST = 30_067


def loan_form(round_id, **changes):
    data = {"title": "Machining plant in Binh Duong", "round_id": str(round_id),
            "requested_yen": "1,000,000", "term_months": "4", "investment_country": "vn",
            "project": "A CNC machining line.", "purpose": "Machines.",
            "industry": "manufacturing", "capital_yen": "80,000,000", "employees": "120",
            **once_key()}
    data.update(changes)
    return data


def press(client, application, trigger, **fields):
    """Press a plain workflow button of the application page."""
    db.session.expire_all()
    version = db.session.get(Application, application.id).version
    return client.post(f"/applications/{application.id}/actions/{trigger}",
                       data={"version": str(version), **fields})


def current(application):
    db.session.expire_all()
    return db.session.get(Application, application.id)


def repayment_form(client, application, amount, on, reference):
    page = client.get(f"/loans/{application.id}/repayments").get_data(as_text=True)
    key = re.search(r'name="repayment-idempotency_key"[^>]*value="([^"]+)"', page).group(1)
    return {"repayment-version": str(current(application).version),
            "repayment-idempotency_key": key, "repayment-received_on": on.isoformat(),
            "repayment-amount_yen": amount, "repayment-bank_reference": reference}


def test_an_sme_loan_from_application_to_repaid(app, sme, company, people, client_for):
    applicant = client_for(people.applicant)
    response = applicant.post("/loans/new", data=loan_form(sme.id))
    assert response.status_code == 302, response.get_data(as_text=True)
    loan = db.session.scalar(select(Application).where(Application.kind == "loan"))
    assert (loan.reference.startswith("SME-"), loan.loan.investment_country) == (True, "VN")
    attach_documents(applicant, loan)
    assert press(applicant, loan, "submit").status_code == 302

    secretariat = client_for(people.secretariat)
    for trigger in ("start_screening", "refer_to_assessment"):
        assert press(secretariat, loan, trigger).status_code == 302
    assert current(loan).state == "credit_assessment"
    response = secretariat.post(f"/loans/{loan.id}/assessment", data={
        "assessment-version": str(current(loan).version), "assessment-risk_grade": "B",
        "assessment-notes": "Sound order book.", "assessment-amount_yen": "1,000,000",
        "assessment-annual_rate": "12", "assessment-term_months": "4",
        "assessment-grace_months": "1", "assessment-method": "annuity"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert (current(loan).state, current(loan).loan.risk_grade) == ("committee_review", "B")

    # The committee's part, through its own workflow functions: two approvals, then decide.
    for member in (people.chair, people.member):
        act(ballots.cast_vote, current(loan), member, "approve")
    act(service.fire, current(loan), "decide", people.chair, approved_yen=1_000_000,
        annual_rate="12", term_months=4, grace_months=1, method="annuity")
    assert current(loan).state == "approved"

    response = secretariat.post(f"/loans/{loan.id}/agreement", data={
        "agreement-version": str(current(loan).version),
        "agreement-agreement_date": date.today().isoformat(),
        "agreement-agreement_file": (io.BytesIO(b"%PDF-1.4\n% signed\n"), "agreement.pdf"),
    }, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert current(loan).state == "contracted"
    assert current(loan).loan.agreement_date == date.today()

    tranche = act(tranches.request_tranche, current(loan), 1_000_000, people.finance)
    act(tranches.authorise_tranche, tranche, people.finance2)
    released_on = date.today()
    assert (current(loan).state, current(loan).loan.first_release_on) == ("active", released_on)
    rows = db.session.scalars(select(Instalment).where(Instalment.application_id == loan.id)
                              .order_by(Instalment.number)).all()
    assert [(i.number, i.interest_yen, i.principal_yen, i.balance_after_yen) for i in rows] == (
        EXPECTED)
    assert [i.due_on for i in rows] == [add_months(released_on, k) for k in range(1, 5)]

    finance = client_for(people.finance)
    today = date.today()
    # ¥15,000 on the day of the release: nothing is due and no interest has run yet, so it
    # is all principal paid early; the ¥985,000 left is amortised again over the term.
    assert finance.post(f"/loans/{loan.id}/repayments", data=repayment_form(
        finance, loan, "15,000", today, "MUFG-001")).status_code == 302
    db.session.expire_all()
    allocations = db.session.scalars(select(RepaymentAllocation)).all()
    assert [(a.damages_yen, a.interest_yen, a.principal_yen) for a in allocations] == [
        (0, 0, 15_000)]
    rows = db.session.scalars(select(Instalment).where(Instalment.application_id == loan.id)
                              .order_by(Instalment.number)).all()
    # Instalment 1 (grace) now earns on ¥985,000; the rest re-amortised, as the schedule
    # of ¥985,000 at 12 % over 3 months gives it.
    assert [(i.interest_yen, i.principal_yen - i.paid_principal_yen) for i in rows] == [
        (9_850, 0), (9_850, 325_072), (6_599, 328_323), (3_316, 331_605)]

    # Paid off the same day: the principal alone, never interest for days to come.
    owed = 985_000
    response = finance.post(f"/loans/{loan.id}/repayments", data=repayment_form(
        finance, loan, str(owed + 1), today, "MUFG-003"))
    assert (f"¥{owed + 1:,} is more than the ¥{owed:,} outstanding on this loan on "
            f"{today:%d %B %Y}") in response.get_data(as_text=True)
    assert db.session.query(Repayment).count() == 1

    page = applicant.get(f"/applications/{loan.id}").get_data(as_text=True)
    assert f'data-figure="outstanding">¥{owed:,}<' in page
    chart = json.loads(re.search(r"data-chart='([^']+)'", page).group(1))
    # Released and repaid the same day: the day ends owing the principal not yet repaid.
    assert (chart["planned"][0], chart["actual"][0]) == (1_000_000, 1_000_000 - 15_000)
    assert chart["planned"][1:] == [985_000, 659_928, 331_605, 0]

    assert finance.post(f"/loans/{loan.id}/repayments", data=repayment_form(
        finance, loan, str(owed), today, "MUFG-004")).status_code == 302
    assert current(loan).state == "repaid"

    totals = ledger.application_totals(current(loan))
    assert (totals["disbursement"], totals["repayment_principal"],
            totals.get("repayment_interest", 0)) == (1_000_000, 1_000_000, 0)
    money = ledger.balances(current(loan).fund)
    assert (money.cash, money.committed, money.loans_outstanding) == (DONATED, 0, 0)
    page = applicant.get(f"/applications/{loan.id}").get_data(as_text=True)
    assert "Repaid in full" in page and "instalment-due" not in page
