"""A proposal holds only what its columns can: numbers past INTEGER, chosen ids past the id
column, line breaks in one-line fields and NUL anywhere are told beside the field, on both
databases, and nothing is saved."""

import json

import pytest

from models import GrantDetails, GrantPartner, ParticipantCountry, db
from tests.conftest import log_in
from webui.forms import (
    CONTROL_IN_FIELD,
    ID_OUT_OF_RANGE,
    LINE_BREAK_IN_FIELD,
    NUMBER_TOO_LARGE,
)

from .conftest import count, error_next_to, new_draft, proposal_form, text_of

PAST_INTEGER = [str(2**31), str(2**63), str(-(2**31) - 1), "9" * 40]

CASES = [
    *[({"expected_participants": v}, "expected_participants", NUMBER_TOO_LARGE)
      for v in PAST_INTEGER],
    *[({"participants-0-participants": v}, "participants-0-participants", NUMBER_TOO_LARGE)
      for v in PAST_INTEGER[:2]],
    ({"partner_ids": [str(2**31)]}, "partner_ids", ID_OUT_OF_RANGE),
    ({"partner_ids": [str(2**63)]}, "partner_ids", ID_OUT_OF_RANGE),
    ({"title": "Kaizen\r\nBcc: everyone@example.org"}, "title", LINE_BREAK_IN_FIELD),
    ({"venue_city": "Bangkok\n"}, "venue_city", LINE_BREAK_IN_FIELD),
    ({"budget-0-category": "Lecturers\rfees"}, "budget-0-category", LINE_BREAK_IN_FIELD),
]


def test_what_no_column_holds_is_told_beside_the_field(client, scene):
    log_in(client, scene.applicant)
    application = new_draft(client, scene)
    for changes, field, message in CASES:
        response = client.post(f"/grants/{application.id}/edit",
                               data=proposal_form(scene, **changes))
        assert response.status_code == 200, changes
        assert error_next_to(text_of(response), field, message), changes
    db.session.expire_all()
    assert db.session.get(GrantDetails, application.id).expected_participants is None
    assert (count(GrantPartner), count(ParticipantCountry)) == (0, 0)


def test_line_breaks_stay_welcome_in_the_longer_texts(client, scene):
    log_in(client, scene.applicant)
    application = new_draft(client, scene)
    response = client.post(f"/grants/{application.id}/edit", data=proposal_form(
        scene, objectives="Train 30 supervisors.\r\nThen 5S on the shop floor."))
    assert response.status_code == 302
    db.session.expire_all()
    assert "\n" in db.session.get(GrantDetails, application.id).objectives


@pytest.mark.parametrize("field", ["title", "objectives", "venue_city"])
def test_a_nul_sent_past_the_form_encoding_is_told_beside_the_field(client, scene, field):
    """The site refuses NUL in any form it is sent as a form; a body sent as JSON (which
    Flask-WTF reads too) meets the form's own check."""
    log_in(client, scene.applicant)
    application = new_draft(client, scene)
    data = {k: v for k, v in proposal_form(scene).items() if not isinstance(v, list)}
    data[field] = "Kaizen\x00"
    response = client.post(f"/grants/{application.id}/edit", data=json.dumps(data),
                           content_type="application/json")
    assert response.status_code == 200
    assert error_next_to(text_of(response), field, CONTROL_IN_FIELD)
    db.session.expire_all()
    assert "\x00" not in (db.session.get(GrantDetails, application.id).objectives or "")
