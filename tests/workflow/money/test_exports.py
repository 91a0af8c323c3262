"""CSV exports of votes and audit events, and the auditor's verification page."""

import csv
import io
import re

from models import db, write_intent
from tests.conftest import fire
from workflow.committee import ballots, vote_export


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_votes_and_audit_events_export(client, login_as, make_application, make_user):
    members = [make_user("committee_member", name=f"Member {n}") for n in range(3)]
    application = make_application("grant", state="screening")
    fire(application, "refer_to_committee", make_user("secretariat"))
    db.session.commit()
    with write_intent(True):
        ballots.cast_vote(application, members[0], "approve", "Good plan")
        ballots.cast_vote(application, members[1], "reject")
        db.session.commit()
    login_as("auditor")
    votes = _rows(client.get("/audit/votes.csv"))
    assert votes[0][:4] == ["reference", "ballot", "ballot_state", "ballot_outcome"]
    assert sorted((r[4], r[6]) for r in votes[1:]) == [("Member 0", "approve"),
                                                      ("Member 1", "reject")]
    events = _rows(client.get("/audit/events.csv"))
    actions = [r[3] for r in events[1:]]
    assert actions[0] == "create"
    assert {"refer_to_committee", "ballot_opened", "vote_cast"} <= set(actions)
    assert [int(r[0]) for r in events[1:]] == list(range(1, len(events)))


def test_the_votes_export_reads_a_range_of_files_at_a_time_and_misses_none(
        app, make_application, make_user):
    members = [make_user("committee_member", name=f"Member {n}") for n in range(3)]
    files = [make_application("grant", state="screening") for _ in range(5)]
    for application in files:
        fire(application, "refer_to_committee", make_user("secretariat"))
    db.session.commit()
    with write_intent(True):
        for n, application in enumerate(files[:4]):  # the last one's ballot has no vote
            for member in members[:n + 1]:
                ballots.cast_vote(application, member, "approve")
        db.session.commit()
    auditor = make_user("auditor")
    voters = {application.reference: members[:n + 1] for n, application in enumerate(files[:4])}
    whole = list(vote_export.vote_rows(auditor, files_at_once=100))
    assert [(r[0], r[4]) for r in whole[1:]] == [
        (reference, member.name) for reference in sorted(voters)
        for member in sorted(voters[reference], key=lambda m: m.name)]
    for files_at_once in (1, 2, 3):
        assert list(vote_export.vote_rows(auditor, files_at_once=files_at_once)) == whole


def test_the_auditor_verifies_the_chain_from_the_page(client, login_as, make_application):
    make_application("grant")
    login_as("auditor")
    page = client.post("/audit/verify").get_data(as_text=True)
    assert re.search(r"\d+ events verified", page)


def test_applicants_cannot_export(client, login_as):
    login_as("applicant")
    assert client.get("/audit/events.csv").status_code == 403
    assert client.get("/audit/votes.csv").status_code == 403
