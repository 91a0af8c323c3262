"""Twenty processes fire the same transition on one application at the same instant."""

from collections import Counter

from sqlalchemy import func, select

from models import Application, AuditEvent, User, db
from workflow.engine import audit, service

from .racing import race


def _start_screening(application_id: int, user_id: int, version: int):
    application = db.session.get(Application, application_id)
    service.fire(application, "start_screening", db.session.get(User, user_id),
                 expected_version=version)
    return application.state


def _start_screening_without_version(application_id: int, user_id: int):
    application = db.session.get(Application, application_id)
    service.fire(application, "start_screening", db.session.get(User, user_id))
    return application.state


def _check_exactly_one(outcomes, application_id, version_before):
    kinds = Counter(kind for kind, _ in outcomes)
    errors = [detail for kind, detail in outcomes if kind == "error"]
    assert not errors, errors[0]
    assert kinds == {"ok": 1, "refused": 19}, kinds
    db.session.rollback()  # end the test's snapshot: see what the racers committed
    application = db.session.get(Application, application_id)
    assert application.state == "screening"
    assert application.version == version_before + 1
    events = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.object_id == application_id, AuditEvent.action == "start_screening"))
    assert events == 1
    assert audit.verify().ok


def test_twenty_processes_one_transition_with_the_version_they_saw(
        app, database_url, make_application, make_user):
    application = make_application("grant", state="submitted")
    secretariat = [make_user("secretariat").id for _ in range(20)]
    db.session.commit()
    version = application.version
    outcomes = race(database_url, _start_screening,
                    [(application.id, user, version) for user in secretariat])
    refusals = {detail for kind, detail in outcomes if kind == "refused"}
    assert refusals == {"This application was changed by someone else; reload it."}
    _check_exactly_one(outcomes, application.id, version)


def test_twenty_processes_one_transition_by_the_lock_alone(
        app, database_url, make_application, make_user):
    """Without a version from a form (a job, an API call) the row lock alone must hold."""
    application = make_application("grant", state="submitted")
    secretariat = [make_user("secretariat").id for _ in range(20)]
    db.session.commit()
    version = application.version
    outcomes = race(database_url, _start_screening_without_version,
                    [(application.id, user) for user in secretariat])
    refusals = {detail for kind, detail in outcomes if kind == "refused"}
    # Who read the row before the winner committed loses the compare-and-set; who read it
    # after sees the new state. Either way: refused, with a sentence, nothing changed.
    assert refusals <= {"“Start screening” is not possible while the application is "
                        "screening.", "This application was changed by someone else; reload it."}
    assert refusals
    _check_exactly_one(outcomes, application.id, version)
