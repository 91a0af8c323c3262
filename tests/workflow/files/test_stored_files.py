"""Every upload stored through attachments.store lives exactly as long as its row: a
transaction or savepoint that does not commit takes the file with it, whoever the caller."""

import io
import os

import pytest
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from models import db, write_intent
from workflow.files import attachments

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def grant(make_application):
    application = make_application("grant", state="draft")
    db.session.commit()
    return application


def store(app, application) -> str:
    upload = FileStorage(io.BytesIO(PDF), "plan.pdf")
    stored = attachments.store(application, upload, "proposal", None, app.config["UPLOAD_DIR"])
    return os.path.join(app.config["UPLOAD_DIR"], stored.stored_name)


def test_a_committed_upload_keeps_its_file(app, grant):
    with write_intent(True):
        path = store(app, grant)
        db.session.commit()
    assert os.path.exists(path)


@pytest.mark.parametrize("end", ["rollback", "close", "failed commit"])
def test_an_upload_whose_transaction_does_not_commit_leaves_no_file(app, grant, end):
    with write_intent(True):
        path = store(app, grant)
        assert os.path.exists(path)
        if end == "rollback":
            db.session.rollback()
        elif end == "close":  # a request that ended in an error: the session is removed
            db.session.remove()
        else:
            db.session.merge(grant).title = None  # NOT NULL: the commit fails
            with pytest.raises(IntegrityError):
                db.session.commit()
            db.session.rollback()
    assert not os.path.exists(path)


def test_a_savepoint_that_rolls_back_takes_its_file_the_outer_commit_keeps_the_rest(app,
                                                                                  grant):
    with write_intent(True):
        kept = store(app, grant)
        savepoint = db.session.begin_nested()
        undone = store(app, grant)
        savepoint.rollback()
        with db.session.begin_nested():  # released: its file now waits for the outer commit
            released = store(app, grant)
        db.session.commit()
    assert (os.path.exists(kept), os.path.exists(undone), os.path.exists(released)) == (
        True, False, True)


def test_a_released_savepoint_whose_outer_transaction_rolls_back_leaves_no_file(app, grant):
    with write_intent(True):
        with db.session.begin_nested():
            path = store(app, grant)
        assert os.path.exists(path)
        db.session.rollback()
    assert not os.path.exists(path)
