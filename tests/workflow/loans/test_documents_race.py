"""A document removed at the very moment the application is submitted, in real processes:
either the removal comes first and the submission is refused, or the submission comes first
and the removal is refused; a submitted application never lacks a document."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from models import Application, Attachment, User, db
from tests.concurrency.racing import race
from workflow.engine import audit, service
from workflow.loans import documents as loan_documents

from .documents import attach_documents_as

LOANS = 6


def _submit(application_id: int, user_id: int):
    application = db.session.get(Application, application_id)
    service.fire(application, "submit", db.session.get(User, user_id))
    return ("submitted", application_id)


def _remove(application_id: int, user_id: int, attachment_id: int):
    loan_documents.remove(db.session.get(Application, application_id),
                          db.session.get(Attachment, attachment_id),
                          db.session.get(User, user_id))
    return ("removed", application_id)


def _dispatch(action: str, *args):
    return _submit(*args) if action == "submit" else _remove(*args)


def test_a_removal_racing_the_submission_never_leaves_a_submitted_file_without_it(
        app, database_url, make_loan, people):
    loans = [make_loan("draft") for _ in range(LOANS)]
    jobs = []
    for loan in loans:
        attach_documents_as(loan, people.applicant, app.config["UPLOAD_DIR"])
        plan = db.session.scalar(select(Attachment.id).where(
            Attachment.application_id == loan.id, Attachment.kind == "business_plan"))
        jobs += [("submit", loan.id, people.applicant.id),
                 ("remove", loan.id, people.applicant.id, plan)]
    db.session.commit()

    outcomes = race(database_url, _dispatch, jobs)
    errors = [detail for kind, detail in outcomes if kind == "error"]
    assert not errors, errors[0]
    done = Counter(detail[1] for kind, detail in outcomes if kind == "ok")
    assert done == {loan.id: 1 for loan in loans}, outcomes  # one of the two, never both

    db.session.rollback()
    for loan in loans:
        state = db.session.get(Application, loan.id).state
        missing = loan_documents.missing_documents(db.session.get(Application, loan.id))
        assert (state, missing) in (("submitted", []), ("draft", ["business_plan"]))
    assert audit.verify().ok
