"""Fixtures for committee ballots: members, a file in committee review, money in the fund."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models import AuditEvent, Fund, db, write_intent
from tests.conftest import fire
from workflow.money import ledger


def act(func_, *args, **kwargs):
    """Call a workflow function in a write transaction of its own and commit, like a view."""
    db.session.commit()
    with write_intent(True):
        try:
            result = func_(*args, **kwargs)
        except Exception:
            db.session.rollback()
            raise
        db.session.commit()
    return result


def audit_count(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == action))


def audit_events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.seq)))


@pytest.fixture
def members(make_user, make_org):
    """`members(n)`: n active committee members, each of their own society, seated on both
    committees (or on those given: `committees=("WNF",)`)."""

    def make(count: int, organisation=None, committees=("WNF", "SME")) -> list:
        return [make_user("committee_member", organisation=organisation or make_org(),
                          name=f"Member {i + 1}", committees=committees)
                for i in range(count)]

    return make


@pytest.fixture
def chair(make_user):
    """The chair of both committees, not a voter (no member's seat)."""
    return make_user("committee_chair", name="The Chair")


@pytest.fixture
def deputy(make_user, chair):
    """The deputy chair of both committees (the chair's seat is taken), not a voter."""
    return make_user("committee_chair", name="The Deputy")


@pytest.fixture
def secretariat(make_user):
    return make_user("secretariat", name="Secretariat")


@pytest.fixture
def donate():
    """Put `amount` yen of donations into the fund of `code`."""

    def give(amount: int, code: str = "WNF") -> None:
        fund = db.session.scalar(select(Fund).where(Fund.code == code))
        act(ledger.post, fund, "donation", amount, actor=None, memo="Donation")

    return give


@pytest.fixture
def in_committee(make_application, secretariat, donate):
    """A file referred to the committee by the secretariat (ballot 1 open), fund well stocked.

    A loan enters committee review by completing its credit assessment; the grade and
    recommended terms are set here so that only the committee's part is tested.
    """

    def make(kind: str = "grant", funded: int | None = 50_000_000, **kwargs):
        if kind == "grant":
            application = make_application("grant", state="screening", **kwargs)
            fire(application, "refer_to_committee", secretariat)
        else:
            from models import LoanDetails

            application = make_application("loan", state="credit_assessment", **kwargs)
            db.session.add(LoanDetails(
                application_id=application.id, risk_grade="B", requested_term_months=36,
                recommended_amount_yen=application.requested_yen, recommended_rate=Decimal("2.5"),
                recommended_term_months=36, recommended_grace_months=6,
                recommended_method="annuity"))
            db.session.commit()
            fire(application, "complete_assessment", secretariat)
        if funded:
            donate(funded, "WNF" if kind == "grant" else "SME")
        return application

    return make

