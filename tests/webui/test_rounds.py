"""Rounds: the secretariat's calls for proposals, and their validation."""

import pytest
from sqlalchemy import func, select

from models import Round, db
from workflow.engine.idempotency import new_key


def _form(fund, **changes):
    data = {"fund_id": str(fund.id), "name": "WNF FY2027", "opens_on": "2027-04-01",
            "closes_on": "2028-03-31", "budget_yen": "30,000,000", "cap_yen": "3,000,000",
            "min_own_percent": "20", "idempotency_key": new_key()}
    data.update(changes)
    return data


def test_secretariat_creates_a_round(client, login_as, make_fund):
    login_as("secretariat")
    fund = make_fund("WNF")
    assert client.post("/rounds/new", data=_form(fund)).status_code == 302
    round_ = db.session.scalar(select(Round))
    assert (round_.budget_yen, round_.cap_yen, round_.min_own_percent) == (
        30_000_000, 3_000_000, 20)
    assert "WNF FY2027" in client.get("/rounds/").get_data(as_text=True)


@pytest.mark.parametrize("changes, message", [
    ({"closes_on": "2027-03-01"}, "The round cannot close before it opens."),
    ({"budget_yen": "-1"}, "The amount cannot be negative."),
    ({"cap_yen": "0"}, "The amount must be at least ¥1."),
    ({"cap_yen": "1000.50"}, "Enter a whole number of yen, without decimals."),
    ({"cap_yen": "40,000,000"}, "The cap per application cannot exceed the budget."),
    ({"min_own_percent": "101"}, "A percentage from 0 to 100."),
    ({"opens_on": "2027-02-30"}, "Enter a valid date."),
    ({"name": ""}, "This field is required."),
])
def test_bad_round_input_is_refused_next_to_the_field(client, login_as, make_fund, changes,
                                                      message):
    login_as("secretariat")
    fund = make_fund("WNF")
    response = client.post("/rounds/new", data=_form(fund, **changes))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Round)) == 0


def test_round_names_are_unique_within_a_fund(client, login_as, make_fund, make_round):
    login_as("secretariat")
    fund = make_fund("WNF")
    make_round(fund, name="WNF FY2027")
    response = client.post("/rounds/new", data=_form(fund))
    assert "The fund already has a round named WNF FY2027." in response.get_data(as_text=True)


def test_a_round_saved_joins_the_audit_chain(client, login_as, make_fund):
    from models import AuditEvent

    secretary = login_as("secretariat")
    fund = make_fund("WNF")
    client.post("/rounds/new", data=_form(fund))
    round_ = db.session.scalar(select(Round))
    client.post(f"/rounds/{round_.id}/edit", data=_form(fund, budget_yen="40,000,000"))
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "round_saved")
                                .order_by(AuditEvent.seq)).all()
    assert [e.actor_id for e in events] == [secretary.id, secretary.id]
    assert events[0].data["changes"]["opens_on"] == [None, "2027-04-01"]
    assert events[1].data == {"changes": {"budget_yen": [30_000_000, 40_000_000]}}
