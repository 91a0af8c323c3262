"""Dates a person gets wrong: an activity that has already begun is refused at submission
(and at resubmission), with its date; a closed round is not offered on a new proposal."""

from datetime import date, timedelta

import pytest

from models import Application, db
from tests.conftest import log_in

from .conftest import act, audit_actions, new_draft, proposal_form, text_of


def _proposal_starting(client, scene, start: date) -> Application:
    application = new_draft(client, scene)
    response = client.post(f"/grants/{application.id}/edit", data=proposal_form(
        scene, start_date=start.isoformat(), end_date=(start + timedelta(days=4)).isoformat()))
    assert response.status_code == 302
    return application


def _refusal(start: date) -> str:
    return (f"The activity starts on {start:%d %B %Y}, before the day of submission "
            f"({date.today():%d %B %Y}): change its dates before submitting.")


@pytest.mark.parametrize("days_ago", [1, 90])
def test_an_activity_that_has_begun_is_refused_at_submission(client, scene, days_ago):
    log_in(client, scene.applicant)
    start = date.today() - timedelta(days=days_ago)
    application = _proposal_starting(client, scene, start)
    assert _refusal(start) in text_of(client.get(f"/applications/{application.id}"))
    response = act(client, application, "submit")
    assert response.status_code == 409
    assert _refusal(start) in text_of(response)
    db.session.expire_all()
    assert db.session.get(Application, application.id).state == "draft"
    assert "submit" not in audit_actions(application)


def test_an_activity_starting_on_the_day_of_submission_is_accepted(client, scene):
    log_in(client, scene.applicant)
    application = _proposal_starting(client, scene, date.today())
    assert act(client, application, "submit").status_code == 302


def test_a_resubmission_after_the_activity_began_is_refused(client, scene):
    """Dates that were fine when first submitted no longer are once the activity began."""
    log_in(client, scene.applicant)
    start = date.today() - timedelta(days=3)
    application = _proposal_starting(client, scene, start)
    application.state = "revision_requested"
    db.session.commit()
    response = act(client, application, "resubmit")
    assert response.status_code == 409
    assert _refusal(start) in text_of(response)
    later = date.today() + timedelta(days=30)
    client.post(f"/grants/{application.id}/edit", data=proposal_form(
        scene, start_date=later.isoformat(), end_date=(later + timedelta(days=4)).isoformat()))
    assert act(client, application, "resubmit").status_code == 302


def test_a_closed_round_is_not_offered_on_a_new_proposal(client, scene, make_round):
    closed = make_round(scene.fund, name="WNF FY2025", opens_on=date.today() - timedelta(days=400),
                        closes_on=date.today() - timedelta(days=35))
    log_in(client, scene.applicant)
    page = text_of(client.get("/grants/new"))
    assert scene.round.name in page and closed.name not in page
    response = client.post("/grants/new", data={"round_id": str(closed.id), "title": "Late"})
    assert response.status_code == 200
    assert db.session.query(Application).count() == 0
