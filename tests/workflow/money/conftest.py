"""The finance scene: a fund with a donation and an approved file with its commitment."""

from decimal import Decimal

import pytest

from models import LoanDetails, db, write_intent
from tests.conftest import scene_changed
from workflow.money import ledger, tranches

DONATED = 5_000_000
APPROVED = 1_000_000


@pytest.fixture
def scene(app, make_application):
    """An application in `state` approved for `approved` yen, reserved in a funded fund."""

    def build(kind="grant", state="approved", approved=APPROVED, donated=DONATED):
        application = make_application(kind=kind, state=state, requested_yen=approved)
        application.approved_yen = approved
        if kind == "loan":  # the approved terms the repayment schedule is drawn from
            db.session.add(LoanDetails(application=application, annual_rate=Decimal("2.5"),
                                       term_months=24, grace_months=0, method="annuity"))
        scene_changed(application)  # approved as the service would: the queue's counts move
        db.session.commit()
        with write_intent(True):
            ledger.post(application.fund, "donation", donated, actor=None, memo="Donations")
            ledger.reserve(application, approved, None)
            db.session.commit()
        return application

    return build


@pytest.fixture
def officers(app, make_user):
    """Two finance officers: one requests, the other authorises."""
    return make_user("finance_officer", name="Fujita"), make_user("finance_officer",
                                                                   name="Fukuda")


def act(func, *args, **kwargs):
    """Call a workflow function in a write transaction and commit, as a view would."""
    db.session.commit()
    with write_intent(True):
        try:
            result = func(*args, **kwargs)
        except Exception:
            db.session.rollback()
            raise
        db.session.commit()
    return result


def request(application, amount, officer, note=""):
    return act(tranches.request_tranche, application, amount, officer, note)


def authorise(tranche, officer, **kwargs):
    return act(tranches.authorise_tranche, tranche, officer, **kwargs)
