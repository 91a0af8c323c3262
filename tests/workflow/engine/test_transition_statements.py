"""The statements a transition runs on the session's connection: rows, values and errors."""

from datetime import datetime

import pytest
from sqlalchemy import bindparam, event, select
from sqlalchemy.exc import IntegrityError, StatementError

from models import AuditEvent, User, db, write_intent
from workflow.engine import audit
from workflow.people.notifications import users_with_role


def test_an_event_written_on_the_connection_reads_back_as_written(app):
    with write_intent(True):
        db.session.rollback()
        conn = db.session.connection()
        written = [audit.record("test_event", actor=None, object_type="thing", object_id=n,
                                connection=conn, data={"n": n, "when": datetime(2027, 1, 2),
                                                       "name": "日本語"})
                   for n in range(3)]
        assert audit.chain_head(conn) == (3, written[-1]["hash"])
        db.session.commit()
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert [(e.seq, e.occurred_at, e.data, e.hash) for e in events] == [
        (w["seq"], w["occurred_at"], w["data"], w["hash"]) for w in written]
    assert audit.verify().ok


def test_rows_answer_by_name_with_sqlalchemys_types(app, make_user):
    make_user("secretariat")
    with write_intent(True):
        db.session.rollback()
        # As a transition asks it, on its own connection.
        [row] = users_with_role("secretariat",
                                connection=db.session.connection())
        assert row.active is True and row.email == db.session.get(User, row.id).email


def test_a_refused_write_raises_sqlalchemys_error(app):
    with write_intent(True):
        db.session.rollback()
        conn = db.session.connection()
        first = audit.record("test_event", actor=None, object_type="thing", connection=conn)
        with pytest.raises(IntegrityError):
            audit._INSERT.execute(conn, {**first, "seq": first["seq"] + 1})
        db.session.rollback()


def test_whoever_listens_to_the_statements_still_sees_them(app):
    seen = []

    def listener(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        with write_intent(True):
            db.session.rollback()
            audit.record("test_event", actor=None, object_type="thing",
                         connection=db.session.connection())
            db.session.rollback()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert any("INSERT INTO audit_events" in s for s in seen)


def test_a_missing_parameter_is_refused_as_sqlalchemy_refuses_it(app):
    with write_intent(True):
        db.session.rollback()
        conn = db.session.connection()
        statement = select(User.id).where(User.email == bindparam("email"))
        assert conn.execute(statement, {"email": "nobody@example.org"}).all() == []
        with pytest.raises(StatementError, match="A value is required"):
            conn.execute(statement, {"other": 1})
        db.session.rollback()


def test_a_value_of_the_wrong_type_is_refused_as_sqlalchemy_refuses_it(app):
    with write_intent(True):
        db.session.rollback()
        conn = db.session.connection()
        event = audit.record("test_event", actor=None, object_type="thing", connection=conn)
        with pytest.raises(StatementError):
            audit._INSERT.execute(conn, {**event, "seq": event["seq"] + 1,
                                        "occurred_at": "not a date"})
        db.session.rollback()
