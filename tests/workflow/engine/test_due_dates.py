"""A transition's due date counts the fund's days as they stand, though a worker that
counted them before does not read them again (workflow.engine.deadlines)."""

from datetime import date, timedelta

from sqlalchemy import update

from models import Application, Fund, User, db, write_intent
from tests.conftest import scene_changed
from workflow.engine.service import fire


def _start_screening(application_id: int, user_id: int) -> Application:
    """As a request would: the fund's row not in the session."""
    db.session.rollback()
    with write_intent(True):
        db.session.expunge_all()
        application = fire(db.session.get(Application, application_id), "start_screening",
                           db.session.get(User, user_id))
        db.session.commit()
    return application


def test_a_fund_s_changed_days_count_at_the_next_transition(app, make_application, make_user):
    secretariat = make_user("secretariat")
    first, second, third = (make_application("grant", state="submitted") for _ in range(3))
    fund_id, days = first.fund_id, first.fund.screening_days
    ids, user_id = (first.id, second.id, third.id), secretariat.id
    db.session.commit()

    assert _start_screening(ids[0], user_id).due_on == date.today() + timedelta(days=days)
    db.session.rollback()
    with write_intent(True):
        db.session.execute(update(Fund).where(Fund.id == fund_id)
                           .values(screening_days=days + 9))
        scene_changed(catalogue=True)
        db.session.commit()
    second = _start_screening(ids[1], user_id)
    assert (second.state, second.due_on) == ("screening",
                                             date.today() + timedelta(days=days + 9))
    third = _start_screening(ids[2], user_id)
    assert third.due_on == date.today() + timedelta(days=days + 9)
