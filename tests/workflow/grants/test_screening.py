"""The secretariat's screening queue, checklist and notes."""

from datetime import datetime

from sqlalchemy import select

from models import AuditEvent, ScreeningCheck, db, write_intent
from tests.conftest import log_in, once_key
from workflow.grants.screening import CHECKLIST

from .conftest import audit_actions, text_of


def _submitted(make_application, scene, title, when, state="submitted"):
    application = make_application("grant", state=state, organisation=scene.society,
                                   round_=scene.round, title=title)
    with write_intent(True):
        application.submitted_at = when
        db.session.commit()
    return application


def test_the_queue_lists_waiting_grants_oldest_first(client, scene, make_application,
                                                     make_user):
    later = _submitted(make_application, scene, "Later", datetime(2026, 5, 3))
    earlier = _submitted(make_application, scene, "Earlier", datetime(2026, 5, 1),
                         state="screening")
    _submitted(make_application, scene, "Still a draft", None, state="draft")
    _submitted(make_application, scene, "With the committee", datetime(2026, 4, 1),
               state="committee_review")
    make_application("loan", state="submitted", title="A loan")
    log_in(client, make_user("secretariat"))
    page = text_of(client.get("/grants/screening"))
    assert page.index(earlier.reference) < page.index(later.reference)
    for absent in ("Still a draft", "With the committee", "A loan"):
        assert absent not in page


def test_ticking_the_checklist_is_recorded_and_audited(client, scene, make_application,
                                                       make_user):
    application = _submitted(make_application, scene, "Seminar", datetime(2026, 5, 1))
    secretariat = make_user("secretariat", name="Aiko Tanaka")
    log_in(client, secretariat)
    response = client.post(f"/grants/{application.id}/checklist",
                           data={"items": ["eligible_society", "within_cap"], "back": "queue"})
    assert response.status_code == 302 and response.location.endswith("/grants/screening")
    client.post(f"/grants/{application.id}/checklist", data={"items": ["within_cap"]})
    db.session.expire_all()
    checks = db.session.scalars(select(ScreeningCheck)).all()
    assert [(c.item, c.checked_by_id) for c in checks] == [("within_cap", secretariat.id)]
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "screening_checklist").order_by(AuditEvent.seq)).all()
    assert [(e.data["ticked"], e.data["cleared"]) for e in events] == [
        (["eligible_society", "within_cap"], []), ([], ["eligible_society"])]
    page = text_of(client.get(f"/applications/{application.id}"))
    assert "Screening checklist" in page and f"1 / {len(CHECKLIST)}" in page
    assert "ticked by Aiko Tanaka" in page


def test_the_checklist_is_closed_outside_screening(client, scene, make_application,
                                                   make_user):
    application = _submitted(make_application, scene, "Seminar", datetime(2026, 5, 1),
                             state="committee_review")
    log_in(client, make_user("secretariat"))
    response = client.post(f"/grants/{application.id}/checklist",
                           data={"items": ["within_cap"]})
    assert response.status_code == 409
    assert "only while the proposal is being screened" in text_of(response)
    assert client.post(f"/grants/{application.id}/checklist",
                       data={"items": ["bribe_paid"]}).status_code == 400
    assert db.session.scalar(select(ScreeningCheck)) is None


def test_the_applicant_sees_neither_checklist_nor_notes(client, scene, make_application,
                                                        make_user):
    application = _submitted(make_application, scene, "Seminar", datetime(2026, 5, 1))
    log_in(client, make_user("secretariat"))
    assert client.post(f"/grants/{application.id}/notes",
                       data={"body": "Check the partner's letter.", **once_key()}
                       ).status_code == 302
    assert "Check the partner's letter." in text_of(client.get(
        f"/applications/{application.id}"))
    client.post("/auth/logout")
    log_in(client, scene.applicant)
    page = text_of(client.get(f"/applications/{application.id}"))
    assert "Check the partner's letter." not in page
    assert "Screening checklist" not in page
    assert "screening_note" not in audit_actions(application)  # not in their timeline
    assert client.post(f"/grants/{application.id}/checklist",
                       data={"items": ["within_cap"]}).status_code == 403
