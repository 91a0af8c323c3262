"""A change moves the revisions of the file it concerns once (workflow.engine.kept), however
many of its events concern the file: a transition whose effects record events of the same
file (a ballot opened on referral) moves them once, and an event of something a file's page
shows (a vote) moves them in the statement that reads the chain's head."""

from sqlalchemy import event, select

from models import FILE_LIST_STRIPES, Application, FileListRevision, db, write_intent
from tests.conftest import fire
from workflow.committee import ballots


def _revisions(application_id: int) -> tuple[int, int]:
    """The file's revision, and its stripe of the lists' revision, as committed."""
    db.session.commit()
    file_revision = db.session.scalar(
        select(Application.revision).where(Application.id == application_id))
    stripe = db.session.scalar(select(FileListRevision.revision).where(
        FileListRevision.stripe == application_id % FILE_LIST_STRIPES))
    return file_revision, stripe


def test_a_referral_that_opens_a_ballot_moves_the_file_s_revisions_once(
        client, login_as, make_application, make_user):
    make_user("committee_member", name="Member 1")
    application = make_application("grant", state="screening")
    login_as("secretariat")
    url = f"/applications/{application.id}"
    assert "Committee ballot 1" not in client.get(url).get_data(as_text=True)  # kept from here on
    file_revision, stripe = _revisions(application.id)
    fire(application, "refer_to_committee", make_user("secretariat"))
    assert _revisions(application.id) == (file_revision + 1, stripe + 1)
    # Once is enough: the kept page shows the ballot the referral opened.
    assert "Committee ballot 1" in client.get(url).get_data(as_text=True)


def test_a_vote_moves_the_file_s_revisions_once_without_reading_the_chain_apart(
        app, make_application, make_user):
    member = make_user("committee_member", name="Member 1")
    application = make_application("grant", state="screening")
    fire(application, "refer_to_committee", make_user("secretariat"))
    file_revision, stripe = _revisions(application.id)
    seen = []

    def listener(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    db.session.commit()
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        with write_intent(True):
            ballots.cast_vote(application, member, "approve")
            db.session.commit()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert _revisions(application.id) == (file_revision + 1, stripe + 1)
    # The chain's head comes back from the stripe's UPDATE, not from a SELECT of its own.
    assert not [s for s in seen if s.startswith("SELECT") and "FROM audit_events ORDER BY" in s]
