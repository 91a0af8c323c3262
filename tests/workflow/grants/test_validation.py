"""Bad proposal input: a clear message next to the field, and nothing saved."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from models import Application, BudgetLine, GrantDetails, GrantPartner, ParticipantCountry, db
from tests.conftest import log_in

from .conftest import (
    START,
    audit_actions,
    count,
    error_next_to,
    new_draft,
    proposal_form,
    text_of,
)


def _own_society(scene):
    return {"partner_ids": [str(scene.partner.id), str(scene.society.id)]}


BAD_INPUT = [
    ({"end_date": (START - timedelta(days=1)).isoformat()}, "end_date",
     "The end date is before the start date."),
    ({"budget-1-amount_yen": "-300000"}, "budget-1-amount_yen", "The amount cannot be negative."),
    ({"budget-0-amount_yen": "500000.50"}, "budget-0-amount_yen",
     "Enter a whole number of yen, without decimals."),
    ({"title": ""}, "title", "Enter a title."),
    ({"budget-2-category": ""}, "budget-2-category", "Give this line a category."),
    ({"budget-3-amount_yen": ""}, "budget-3-amount_yen", "Enter the amount of this line."),
    ({"participants-1-participants": ""}, "participants-1-participants",
     "Enter the number of participants."),
    (_own_society, "partner_ids", "Your own society cannot be its own partner"),
    ({"partner_ids": ["999999"]}, "partner_ids", "Choose the partners from the list."),
    ({"participants-1-country_code": "XX"}, "participants-1-country_code",
     "XX is not an ISO 3166 country code."),
    ({"participants-1-country_code": "th"}, "participants-1-country_code",
     "Thailand is listed twice."),
    ({"venue_country": "QQ"}, "venue_country", "QQ is not an ISO 3166 country code."),
    ({"expected_participants": "25"}, "expected_participants",
     "The participants by country add up to 30, more than the 25 expected."),
    ({"budget-0-funded_by": "donor"}, "budget-0-funded_by", "Not a valid choice."),
]


@pytest.mark.parametrize("changes, field, message", BAD_INPUT,
                         ids=[case[1] + ":" + case[2][:30] for case in BAD_INPUT])
def test_bad_input_is_answered_next_to_the_field_and_nothing_is_saved(client, scene, changes,
                                                                      field, message):
    log_in(client, scene.applicant)
    application = new_draft(client, scene)
    changes = changes(scene) if callable(changes) else changes
    response = client.post(f"/grants/{application.id}/edit",
                           data=proposal_form(scene, **changes))
    assert response.status_code == 200
    assert error_next_to(text_of(response), field, message), text_of(response)
    db.session.expire_all()
    for model in (BudgetLine, GrantPartner, ParticipantCountry):
        assert count(model) == 0, model
    details = db.session.get(GrantDetails, application.id)
    assert (details.programme_type, details.objectives) == (None, "")
    application = db.session.get(Application, application.id)
    assert (application.title, application.requested_yen) == (
        "Kaizen training for SME supervisors", 0)
    assert "proposal_saved" not in audit_actions(application)


def test_the_form_keeps_what_was_typed_after_a_refusal(client, scene):
    log_in(client, scene.applicant)
    application = new_draft(client, scene)
    too_early = (START - timedelta(days=31)).isoformat()
    page = text_of(client.post(f"/grants/{application.id}/edit",
                               data=proposal_form(scene, end_date=too_early)))
    assert 'value="Two Japanese experts"' in page
    assert 'value="Bangkok"' in page


def test_a_draft_may_be_saved_incomplete(client, scene):
    log_in(client, scene.applicant)
    application = new_draft(client, scene)
    sparse = {"title": "Seminar on 5S", "save": "Save the draft"}
    assert client.post(f"/grants/{application.id}/edit", data=sparse).status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, application.id).title == "Seminar on 5S"
    assert db.session.scalar(select(BudgetLine)) is None
