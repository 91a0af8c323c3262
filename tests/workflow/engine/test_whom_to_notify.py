"""Whom a transition tells is kept by the worker under the people's revision: a later
transition tells the same people without asking for them again, and a person added, given
up or speaking another language since is told as they now are."""

from sqlalchemy import event, select

from models import Notification, db, write_intent
from tests.conftest import fire
from workflow.people import accounts, preferences


def _told(application, kind: str = "status_changed") -> dict[int, str]:
    db.session.rollback()
    return dict(db.session.execute(select(Notification.user_id, Notification.message).where(
        Notification.application_id == application.id, Notification.kind == kind)).all())


def _asked_for_people(statements: list[str]) -> bool:
    return any("FROM users JOIN role_assignments" in s for s in statements)


def _firing(application, trigger, actor) -> list[str]:
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        fire(application, trigger, actor)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return seen


def test_a_later_transition_tells_the_same_people_without_asking_again(
        app, make_application, make_user, make_org):
    org = make_org()
    applicant = make_user("applicant", organisation=org)
    secretariat = make_user("secretariat")
    first = make_application("grant", state="submitted", organisation=org)
    second = make_application("grant", state="submitted", organisation=org)
    assert _asked_for_people(_firing(first, "start_screening", secretariat))
    assert not _asked_for_people(_firing(second, "start_screening", secretariat))
    assert set(_told(second)) == {applicant.id}


def test_a_person_who_joins_or_leaves_is_told_as_they_now_are(
        app, make_application, make_user, make_org):
    org = make_org()
    leaving = make_user("applicant", organisation=org)
    secretariat = make_user("secretariat")
    first = make_application("grant", state="submitted", organisation=org)
    fire(first, "start_screening", secretariat)
    assert set(_told(first)) == {leaving.id}
    joining = make_user("applicant", organisation=org)
    admin = make_user("admin")
    with write_intent(True):
        accounts.update_user(leaving, actor=admin, email=leaving.email,
                             name=leaving.name, roles=["applicant"], organisation=org,
                             locale="en", active=False)
        db.session.commit()
    second = make_application("grant", state="submitted", organisation=org)
    fire(second, "start_screening", secretariat)
    assert set(_told(second)) == {joining.id}


def test_a_person_who_chose_another_language_is_told_in_it(
        app, make_application, make_user, make_org):
    org = make_org()
    applicant = make_user("applicant", organisation=org)
    secretariat = make_user("secretariat")
    first = make_application("grant", state="submitted", organisation=org)
    fire(first, "start_screening", secretariat)
    english = _told(first)[applicant.id]
    db.session.commit()
    with write_intent(True):
        preferences.save_preferences(applicant, locale="ja")
        db.session.commit()
    second = make_application("grant", state="submitted", organisation=org)
    fire(second, "start_screening", secretariat)
    assert _told(second)[applicant.id] != english.replace(first.title, second.title)
