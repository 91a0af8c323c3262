"""The page memo (workflow.engine.reading): one query per lookup while a page reads, never a
remembered answer where something is written."""

from flask.testing import FlaskClient

from models import BudgetLine, db, write_intent
from workflow.engine import reading
from workflow.grants import proposals

from .test_query_counts import counting


def _lines_read(application, times: int) -> int:
    assert application.id  # loaded before counting (a commit expired it)
    with counting(db.engine) as statements:
        for _ in range(times):
            proposals.budget_lines(application)
    return len(statements)


def test_lookups_are_remembered_only_inside_a_read_scope(app, make_application):
    application = make_application("grant")
    assert _lines_read(application, 3) == 3
    with reading.read_scope():
        assert _lines_read(application, 3) == 1
    assert _lines_read(application, 2) == 2


def test_a_flush_or_a_rollback_forgets_what_was_read(app, make_application):
    application = make_application("grant")
    with reading.read_scope():
        assert proposals.budget_lines(application) == []
        with write_intent(True):
            db.session.add(BudgetLine(application_id=application.id, category="Venue",
                                      amount_yen=1000, funded_by="own"))
            db.session.flush()
            assert [line.category for line in proposals.budget_lines(application)] == ["Venue"]
            db.session.rollback()
        assert proposals.budget_lines(application) == []


def test_callers_get_their_own_copy(app, make_application):
    application = make_application("grant")
    with reading.read_scope():
        proposals.budget_lines(application).append("scribbled")
        assert proposals.budget_lines(application) == []


def test_a_request_leaves_no_memo_behind(app):
    """The web app opens the scope for a GET request and closes it after: a plain client
    runs the request in this very context, so a memo left open would show here."""
    plain = FlaskClient(app)
    assert plain.get("/auth/login").status_code == 200
    assert not reading.active()
