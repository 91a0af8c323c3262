"""An SME loan from the application form to the last repayment, through the web pages."""

import io
import json
import re
from datetime import date

from sqlalchemy import select

from models import Application, Instalment, Repayment, RepaymentAllocation, db
from workflow import ballots, ledger, service, tranches
from workflow.schedule import add_months

from ..conftest import once_key
from .conftest import DONATED, act
from .documents import attach_documents

# ¥1,000,000 at 12 % a year (1 % a month) over 4 months, the first of them interest only.
# Worked by hand: the level instalment over the 3 amortising months is
# 1,000,000 × 0.01 / (1 − 1.01^−3) = 340,022.11 → ¥340,022; the last month takes the rest.
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
    # ¥15,000: instalment 1's interest, then ¥5,000 of instalment 2's interest.
    assert finance.post(f"/loans/{loan.id}/repayments", data=repayment_form(
        finance, loan, "15,000", today, "MUFG-001")).status_code == 302
    # ¥20,000: the rest of instalment 2's interest, then ¥15,000 of its principal.
    assert finance.post(f"/loans/{loan.id}/repayments", data=repayment_form(
        finance, loan, "20,000", today, "MUFG-002")).status_code == 302
    db.session.expire_all()
    paid = [(i.paid_interest_yen, i.paid_principal_yen) for i in rows]
    assert paid == [(10_000, 0), (10_000, 15_000), (0, 0), (0, 0)]
    allocations = db.session.scalars(select(RepaymentAllocation).order_by(
        RepaymentAllocation.id)).all()
    assert [(a.interest_yen, a.principal_yen) for a in allocations] == [
        (10_000, 0), (5_000, 0), (5_000, 15_000)]

    owed = 1_000_000 + TOTAL_INTEREST - 35_000
    response = finance.post(f"/loans/{loan.id}/repayments", data=repayment_form(
        finance, loan, str(owed + 1), today, "MUFG-003"))
    assert f"¥{owed + 1:,} is more than the ¥{owed:,} outstanding" in response.get_data(
        as_text=True)
    assert db.session.query(Repayment).count() == 2

    page = applicant.get(f"/applications/{loan.id}").get_data(as_text=True)
    assert f"¥{owed:,}" in page and 'class="instalment-paid"' in page
    chart = json.loads(re.search(r"data-chart='([^']+)'", page).group(1))
    # Released and repaid the same day: the day ends owing the principal not yet repaid.
    assert (chart["planned"][0], chart["actual"][0]) == (1_000_000, 1_000_000 - 15_000)
    assert chart["planned"][1:] == [b for _, _, _, b in EXPECTED]

    assert finance.post(f"/loans/{loan.id}/repayments", data=repayment_form(
        finance, loan, str(owed), today, "MUFG-004")).status_code == 302
    assert current(loan).state == "repaid"

    totals = ledger.application_totals(current(loan))
    assert (totals["disbursement"], totals["repayment_principal"],
            totals["repayment_interest"]) == (1_000_000, 1_000_000, TOTAL_INTEREST)
    money = ledger.balances(current(loan).fund)
    assert (money.cash, money.committed, money.loans_outstanding) == (
        DONATED + TOTAL_INTEREST, 0, 0)
    page = applicant.get(f"/applications/{loan.id}").get_data(as_text=True)
    assert "Repaid in full" in page and "instalment-due" not in page
