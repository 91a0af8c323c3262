"""Submitting is refused, with the reason in words, when a rule of the round is not met."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from models import Application, db
from tests.conftest import log_in
from workflow.grants.budget import Totals, format_percent

from .conftest import act, audit_actions, new_draft, proposal_form, text_of

OVER_CAP = {"budget-0-amount_yen": "2,200,000", "budget-2-amount_yen": "900,000"}
OWN_TOO_LOW = {"budget-2-amount_yen": "100,000", "budget-3-amount_yen": "200,000"}


def _close_round(scene):
    scene.round.opens_on = date.today() - timedelta(days=60)
    scene.round.closes_on = date.today() - timedelta(days=1)
    return (f"The round WNF FY2026 closed on {scene.round.closes_on:%d %B %Y}; submissions "
            "are no longer accepted.")


CASES = [
    ("round closed", {}, _close_round),
    ("over the cap", OVER_CAP,
     "The amount requested, ¥2,500,000, is above the round's cap of ¥2,000,000 per "
     "application."),
    # 100,000 own of 1,100,000: partner money would make it 27 %, but it does not count.
    ("own share below minimum", OWN_TOO_LOW,
     "Your own contribution is 9 % of the budget; this round asks for at least 20 %. "
     "Contributions from partners do not count as your own."),
    ("form incomplete",
     {"objectives": "", "venue_city": "", "programme_type": "", "budget-0-funded_by": "own",
      "budget-1-funded_by": "own"},
     "The form is not complete: it still needs the amount requested, a programme type, "
     "the objectives, the venue city, a budget line funded by WNF."),
]


@pytest.mark.parametrize("name, changes, message", CASES, ids=[c[0] for c in CASES])
def test_submit_is_refused_with_the_reason(client, scene, name, changes, message):
    log_in(client, scene.applicant)
    application = new_draft(client, scene)
    assert client.post(f"/grants/{application.id}/edit",
                       data=proposal_form(scene, **changes)).status_code == 302
    if callable(message):
        message = message(scene)
        db.session.commit()
    page = text_of(client.get(f"/applications/{application.id}"))
    assert message in page  # shown beside the disabled button before anyone tries
    response = act(client, application, "submit")
    assert response.status_code == 409
    assert message in text_of(response)
    db.session.expire_all()
    assert db.session.get(Application, application.id).state == "draft"
    assert "submit" not in audit_actions(application)


def test_the_minimum_share_exactly_met_is_enough(client, scene):
    log_in(client, scene.applicant)
    application = new_draft(client, scene)
    # 200,000 own of 1,000,000: exactly 20 %.
    exact = {"budget-2-amount_yen": "200,000", "budget-3-amount_yen": None,
             "budget-3-category": None, "budget-3-funded_by": None,
             "budget-3-description": None}
    client.post(f"/grants/{application.id}/edit", data=proposal_form(scene, **exact))
    assert act(client, application, "submit").status_code == 302


@pytest.mark.parametrize("totals, shown, meets_20", [
    (Totals(wnf=800, own=200), "20", True),
    (Totals(wnf=801, own=199), "19.9", False),  # 19.90 %: never rounded up to 20
    (Totals(wnf=2, own=1), "33.3", True),
    (Totals(wnf=1, own=0, partner=9), "0", False),
    (Totals(), "0", True),
])
def test_own_share_in_whole_numbers(totals, shown, meets_20):
    assert format_percent(totals.own_percent) == shown
    assert totals.meets(20) is meets_20
    assert isinstance(totals.own_percent, Decimal)
