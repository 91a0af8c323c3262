"""The fund page: figures derived from the ledger, the ledger, donations, the chart data."""

import csv
import io
import random
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from models import Donation, LedgerEntry, db, write_intent
from tests.conftest import once_key
from workflow.money import ledger


def _figures(page: str) -> dict[str, int]:
    return {key: int(value.replace(",", "")) for key, value in
            re.findall(r'data-figure="(\w+)">¥([\d,\-]+)<', page)}


def _donation(fund, **changes):
    data = {"donor_kind": "person", "donor_organisation_id": "0", "donor_name": "Ms Tanaka",
            "received_on": date.today().isoformat(), "amount_yen": "1,000,000", "note": "",
            **once_key()}
    data.update(changes)
    return data


def test_the_secretariat_records_a_donation(client, login_as, make_fund):
    login_as("secretariat")
    fund = make_fund("WNF")
    response = client.post(f"/funds/{fund.code}", data=_donation(fund))
    assert response.status_code == 302
    page = client.get(f"/funds/{fund.code}").get_data(as_text=True)
    assert _figures(page)["cash"] == 1_000_000 and _figures(page)["available"] == 1_000_000
    assert "Donation from Ms Tanaka" in page


@pytest.mark.parametrize("changes, message", [
    ({"amount_yen": "0"}, "The amount must be at least ¥1."),
    ({"amount_yen": "-5"}, "The amount must be at least ¥1."),
    ({"amount_yen": "10.5"}, "Enter a whole number of yen, without decimals."),
    ({"donor_name": ""}, "Enter the name of the donor."),
    ({"donor_kind": "alumni_society"}, "Choose the donating organisation."),
    ({"received_on": (date.today() + timedelta(days=2)).isoformat()},
     "A donation cannot be received in the future."),
])
def test_bad_donations_are_refused_and_nothing_is_saved(client, login_as, make_fund, changes,
                                                        message):
    login_as("secretariat")
    fund = make_fund("WNF")
    response = client.post(f"/funds/{fund.code}", data=_donation(fund, **changes))
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Donation)) == 0
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 0


def test_only_the_secretariat_records_donations(client, login_as, make_fund):
    login_as("finance_officer", "auditor")
    fund = make_fund("WNF")
    assert client.get(f"/funds/{fund.code}").status_code == 200
    assert client.post(f"/funds/{fund.code}", data=_donation(fund)).status_code == 403


def test_applicants_cannot_see_funds(client, login_as, make_fund):
    login_as("applicant")
    assert client.get(f"/funds/{make_fund('WNF').code}").status_code == 403


def _random_history(fund, applications, rng: random.Random, steps: int) -> None:
    """Donations, approvals (commitments), tranches, cancellations and refunds, at random."""
    db.session.commit()
    with write_intent(True):
        for _ in range(steps):
            action = rng.choice(["donate", "approve", "disburse", "cancel", "refund"])
            application = rng.choice(applications)
            if action == "donate":
                ledger.post(fund, "donation", rng.randint(1, 5_000_000), actor=None)
            elif action == "approve":
                amount = rng.randint(1, 3_000_000)
                if amount <= ledger.balances(fund).available:
                    ledger.reserve(application, amount, None)
            elif action == "disburse":
                left = ledger.outstanding_commitment(application)
                if left > 0:
                    ledger.post(fund, "disbursement", rng.randint(1, left), actor=None,
                                application=application)
            elif action == "cancel":
                ledger.release_commitment(application, None, "cancelled")
            else:
                ledger.post(fund, "refund_due", rng.randint(1, 100_000), actor=None,
                            application=application)
                ledger.post(fund, "refund", rng.randint(1, 100_000), actor=None,
                            application=application)
        db.session.commit()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_page_figures_equal_an_independent_sum_of_the_ledger(client, login_as,
                                                             make_application, seed):
    applications = [make_application("grant", state="approved") for _ in range(4)]
    fund = applications[0].fund
    _random_history(fund, applications, random.Random(seed), 60)
    login_as("auditor")
    shown = _figures(client.get(f"/funds/{fund.code}").get_data(as_text=True))
    db.session.rollback()
    entries = db.session.execute(select(LedgerEntry.kind, LedgerEntry.amount_yen)
                                 .where(LedgerEntry.fund_id == fund.id)).all()
    total = {}
    for kind, amount in entries:
        total[kind] = total.get(kind, 0) + amount
    cash = (total.get("donation", 0) + total.get("refund", 0) - total.get("disbursement", 0))
    committed = (total.get("commitment", 0) - total.get("commitment_release", 0)
                 - total.get("disbursement", 0))
    assert shown["cash"] == cash
    assert shown["committed"] == committed
    assert shown["available"] == cash - committed >= 0
    assert shown["refunds"] == total.get("refund_due", 0) - total.get("refund", 0)
    history = client.get(f"/funds/{fund.code}/history.json").get_json()
    assert history[-1]["cash"] == cash and history[-1]["available"] == cash - committed


def test_ledger_filters_and_csv(client, login_as, make_application):
    application = make_application("grant", state="approved")
    fund = application.fund
    db.session.commit()
    with write_intent(True):
        ledger.post(fund, "donation", 5_000_000, actor=None)
        ledger.reserve(application, 1_000_000, None)
        db.session.commit()
    login_as("auditor")
    page = client.get(f"/funds/{fund.code}?kind=commitment").get_data(as_text=True)
    assert "1,000,000" in page and "5,000,000</td>" not in page
    bad = client.get(f"/funds/{fund.code}?date_from=2027-02-01&date_to=2027-01-01")
    assert bad.status_code == 400 and "The date range ends before it starts." in (
        bad.get_data(as_text=True))
    rows = list(csv.reader(io.StringIO(client.get(
        f"/funds/{fund.code}/ledger.csv?reference={application.reference}").get_data(
        as_text=True))))
    assert rows[0][:4] == ["id", "booked_on", "kind", "amount_yen"]
    assert [r[2] for r in rows[1:]] == ["commitment"]
