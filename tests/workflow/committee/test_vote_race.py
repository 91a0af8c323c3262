"""Members voting at the same instant, in real processes against the real test database."""

from collections import Counter

import pytest
from sqlalchemy import select

from models import Application, Ballot, User, Vote, db
from tests.concurrency.racing import race
from workflow.committee import ballots, tally
from workflow.engine import audit, service

from .conftest import audit_count

pytestmark = pytest.mark.concurrency

CHOICES = ("approve", "reject", "abstain")


def _vote(application_id: int, member_id: int, choice: str):
    application = db.session.get(Application, application_id)
    ballots.cast_vote(application, db.session.get(User, member_id), choice)
    return choice


def _vote_or_close(application_id: int, user_id: int, choice: str | None):
    application = db.session.get(Application, application_id)
    user = db.session.get(User, user_id)
    if choice is None:
        service.fire(application, "decide", user, casting_vote="approve")
        return "closed"
    ballots.cast_vote(application, user, choice)
    return choice


def _no_errors(outcomes):
    errors = [detail for kind, detail in outcomes if kind == "error"]
    assert not errors, errors[0]


def test_fifty_members_vote_at_once(app, database_url, in_committee, members):
    application = in_committee()
    voters = members(50)
    db.session.commit()
    wanted = [CHOICES[i % 3] for i in range(50)]
    outcomes = race(database_url, _vote,
                    [(application.id, m.id, c) for m, c in zip(voters, wanted, strict=True)])
    _no_errors(outcomes)
    assert Counter(kind for kind, _ in outcomes) == {"ok": 50}
    db.session.rollback()  # see what the racers committed
    ballot = ballots.open_ballot_of(application)
    rows = db.session.scalars(select(Vote).where(Vote.ballot_id == ballot.id)).all()
    assert len(rows) == 50 and len({v.member_id for v in rows}) == 50
    count = tally.tally(ballot)
    assert (count.approvals, count.rejections, count.abstentions, count.eligible) == (
        wanted.count("approve"), wanted.count("reject"), wanted.count("abstain"), 50)
    assert audit_count("vote_cast") == 50 and audit.verify().ok


def test_one_member_voting_from_many_windows_keeps_one_row(app, database_url, in_committee,
                                                           members):
    application = in_committee()
    member = members(1)[0]
    db.session.commit()
    outcomes = race(database_url, _vote,
                    [(application.id, member.id, CHOICES[i % 3]) for i in range(12)])
    _no_errors(outcomes)
    db.session.rollback()
    [vote] = db.session.scalars(select(Vote)).all()
    assert audit_count("vote_cast") == 1
    assert audit_count("vote_changed") == vote.changes
    assert audit.verify().ok


def test_votes_racing_the_chairs_close_are_counted_or_refused(app, database_url, in_committee,
                                                              members, chair):
    application = in_committee()
    voters = members(20)
    db.session.commit()
    jobs = [(application.id, m.id, "approve" if i % 2 else "reject")
            for i, m in enumerate(voters)]
    jobs.insert(10, (application.id, chair.id, None))
    outcomes = race(database_url, _vote_or_close, jobs)
    _no_errors(outcomes)
    assert ("ok", "closed") in outcomes
    refused = {detail for kind, detail in outcomes if kind == "refused"}
    assert refused <= {f"{application.reference} has no open ballot.",
                       f"{application.reference} is not in committee review."}
    db.session.rollback()
    first = db.session.scalars(select(Ballot).where(Ballot.number == 1)).one()
    rows = db.session.scalars(select(Vote).where(Vote.ballot_id == first.id)).all()
    # What the closed ballot recorded is exactly the votes that got in before it closed.
    assert first.state == "closed"
    assert (first.approvals, first.rejections) == (
        sum(v.choice == "approve" for v in rows), sum(v.choice == "reject" for v in rows))
    accepted = sum(1 for kind, detail in outcomes if kind == "ok" and detail != "closed")
    later = db.session.scalars(select(Vote).where(Vote.ballot_id != first.id)).all()
    assert len(rows) + len(later) == accepted
    assert audit.verify().ok
