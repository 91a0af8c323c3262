"""The SME loan scene: a funded SME fund, a company, and loans put at each stage."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from models import Application, LoanDetails, db, write_intent
from tests.conftest import scene_changed, sign_in
from workflow.engine import service
from workflow.loans import repayments
from workflow.loans.applications import LoanRequest, create_loan
from workflow.money import ledger, tranches

DONATED = 50_000_000


def act(func, *args, **kwargs):
    """Call a workflow function in a write transaction and commit, as a view or command."""
    db.session.commit()
    with write_intent(True):
        try:
            result = func(*args, **kwargs)
        except Exception:
            db.session.rollback()
            raise
        db.session.commit()
    return result


def loan_request(round_, **changes) -> LoanRequest:
    fields = {"title": "Machining plant in Binh Duong", "round_": round_,
              "requested_yen": 1_000_000, "term_months": 4, "investment_country": "VN",
              "project": "A CNC machining line for automotive parts.",
              "purpose": "Machines and the first year's working capital.",
              "industry": "manufacturing", "capital_yen": 80_000_000, "employees": 120}
    return LoanRequest(**{**fields, **changes})


@pytest.fixture
def sme(app, make_fund, make_round):
    """The SME fund, with donations in it, and its open round."""
    fund = make_fund("SME")
    round_ = make_round(fund, name="SME FY", budget_yen=500_000_000, cap_yen=100_000_000,
                        min_own_percent=0)
    act(ledger.post, fund, "donation", DONATED, actor=None, memo="Capital of the loan fund")
    return round_


@pytest.fixture
def company(make_org):
    return make_org(kind="company", country_code="JP", name="Hamamatsu Precision Parts",
                    industry="manufacturing", capital_yen=80_000_000, employees=120)


@pytest.fixture
def people(make_user, company):
    """One user per part of the lifecycle; two finance officers for the four eyes."""

    class People:
        applicant = make_user("applicant", organisation=company, name="Hayashi")
        secretariat = make_user("secretariat", name="Sato")
        chair = make_user("committee_chair", "committee_member", name="Chiba")
        member = make_user("committee_member", name="Mori")
        finance = make_user("finance_officer", name="Fujita")
        finance2 = make_user("finance_officer", name="Fukuda")

    return People


@pytest.fixture
def client_for(app):
    """A fresh logged-in client per user, so several people can act in one test."""

    def make(user):
        client = app.test_client()
        sign_in(client, user)
        return client

    return make


@pytest.fixture
def make_loan(sme, company, people):
    """A loan put straight into `state`; from approved on, with terms and money reserved."""

    def make(state="draft", amount=1_000_000, rate="12", term=4, grace=1,
             method="annuity", damages="14.6", prepayment="lower_instalment",
             approved_on=None, **changes) -> Application:
        application = act(create_loan, company, people.applicant,
                          loan_request(sme, requested_yen=amount, **changes))
        application.state = state
        scene_changed(application)  # in the transaction putting it there, as the service would
        if state != "draft":  # as the submission would have noted it
            application.submitted_at = application.created_at
        if state in ("approved", "contracted", "active", "in_arrears"):
            loan: LoanDetails = application.loan
            loan.annual_rate, loan.term_months = Decimal(rate), term
            loan.grace_months, loan.method = grace, method
            loan.damages_rate, loan.prepayment_mode = Decimal(damages), prepayment
            loan.approved_on = approved_on
            application.approved_yen = amount
            act(ledger.reserve, application, amount, None, approved_on)
        db.session.commit()
        return application

    return make


@pytest.fixture
def release(people):
    """Release a tranche on `on` through the tranche team's four eyes."""

    def do(application, amount=None, on=date(2024, 1, 15)):
        tranche = act(tranches.request_tranche, application,
                      amount or application.approved_yen, people.finance)
        return act(service.fire, application, "release_tranche", people.finance2,
                   tranche_id=tranche.id, today=on)

    return do


def owed_on(application, day) -> int:
    """What paying the loan off on `day` takes, as the service reckons it."""
    db.session.expire_all()
    return repayments.position_of(db.session.get(Application, application.id), day).total


@pytest.fixture
def active_loan(make_loan, release):
    """A ¥1,000,000 loan at 12 % over 4 months (1 of grace), released on 15 January 2024."""

    def make(**kwargs) -> Application:
        application = make_loan("contracted", **kwargs)
        release(application)
        return application

    return make


def repay(application, actor, amount, on, reference=None, today=None):
    """Record a repayment through the service, as of `today` (default: the day received)."""
    return act(service.fire, application, "record_repayment", actor, amount_yen=amount,
               received_on=on, bank_reference=reference or f"MUFG-{on:%Y%m%d}-{amount}",
               today=today or on)
