"""Extra form fields cannot set what a form does not offer (no mass assignment)."""

from models import Application, Organisation, db
from tests.conftest import log_in

from .conftest import new_draft, proposal_form

SMUGGLED = {"state": "approved", "approved_yen": "99999999", "requested_yen": "1",
            "organisation_id": None, "workflow_version": "7", "version": "1000",
            "reference": "WNF-1999-0001", "created_by_id": "1"}


def test_extra_fields_on_the_proposal_form_are_ignored(client, scene, make_org):
    client.post("/auth/logout")
    log_in(client, scene.applicant)
    application = new_draft(client, scene)
    stranger = make_org(name="Someone else's society")
    smuggled = {**SMUGGLED, "organisation_id": str(stranger.id)}
    response = client.post(f"/grants/{application.id}/edit",
                           data=proposal_form(scene, **smuggled))
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Application, application.id)
    assert saved.state == "draft" and saved.approved_yen is None
    assert saved.requested_yen == 800_000  # the WNF-funded total, never typed
    assert saved.organisation_id == scene.society.id != stranger.id
    assert saved.reference != "WNF-1999-0001" and saved.workflow_version == 1
    assert db.session.get(Organisation, stranger.id) is not None


def test_extra_fields_on_a_workflow_action_are_ignored(client, scene, make_user):
    client.post("/auth/logout")
    log_in(client, scene.applicant)
    application = new_draft(client, scene)
    client.post(f"/grants/{application.id}/edit", data=proposal_form(scene))
    db.session.expire_all()
    version = db.session.get(Application, application.id).version
    response = client.post(f"/applications/{application.id}/actions/submit",
                           data={"version": str(version), "approved_yen": "5000000",
                                 "state": "approved", "outcome": "approved"})
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Application, application.id)
    assert (saved.state, saved.approved_yen) == ("submitted", None)
