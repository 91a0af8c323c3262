"""Casting, changing and withdrawing votes: one row per member, every change audited."""

import pytest
from sqlalchemy import func, select

from models import ConflictDeclaration, Vote, db
from workflow.committee import ballots, lists, tally
from workflow.engine import audit
from workflow.engine.errors import TransitionRefused

from .conftest import act, audit_count, audit_events


def _votes(application) -> list[Vote]:
    ballot = ballots.open_ballot_of(application)
    return list(db.session.scalars(select(Vote).where(Vote.ballot_id == ballot.id)))


def test_a_changed_vote_updates_the_one_row_and_audits_old_and_new(app, in_committee, members):
    application = in_committee()
    member = members(1)[0]
    act(ballots.cast_vote, application, member, "approve", "Strong proposal")
    act(ballots.cast_vote, application, member, "reject", "Budget too vague")
    act(ballots.cast_vote, application, member, "abstain")

    [vote] = _votes(application)
    assert (vote.choice, vote.comment, vote.changes) == ("abstain", "", 2)
    assert vote.changed_at is not None and vote.changed_at >= vote.cast_at
    assert audit_count("vote_cast") == 1
    changes = audit_events("vote_changed")
    assert [(e.data["old"], e.data["new"]) for e in changes] == [
        ("approve", "reject"), ("reject", "abstain")]
    assert all(e.actor_id == member.id and e.object_type == "ballot" for e in changes)
    assert audit.verify().ok


def test_sending_the_same_vote_again_changes_nothing(app, in_committee, members):
    application = in_committee()
    member = members(1)[0]
    act(ballots.cast_vote, application, member, "approve", "Fine")
    act(ballots.cast_vote, application, member, "approve", "Fine")
    [vote] = _votes(application)
    assert vote.changes == 0 and audit_count("vote_changed") == 0


@pytest.mark.parametrize("choice", ["", "yes", "APPROVE", None])
def test_an_unknown_choice_is_refused(app, in_committee, members, choice):
    application = in_committee()
    member = members(1)[0]
    with pytest.raises(TransitionRefused, match="Choose approve, reject or abstain."):
        act(ballots.cast_vote, application, member, choice)
    assert _votes(application) == []


@pytest.mark.parametrize("roles", [("secretariat",), ("committee_chair",), ("applicant",)])
def test_only_committee_members_vote(app, in_committee, make_user, roles):
    application = in_committee()
    outsider = make_user(*roles)
    with pytest.raises(TransitionRefused, match="Only committee members may vote."):
        act(ballots.cast_vote, application, outsider, "approve")
    assert _votes(application) == []


def test_no_vote_without_an_open_ballot(app, make_application, members):
    application = make_application("grant", state="screening")
    member = members(1)[0]
    with pytest.raises(TransitionRefused, match="is not in committee review"):
        act(ballots.cast_vote, application, member, "approve")


def test_declaring_a_conflict_after_voting_withdraws_the_vote(app, in_committee, members):
    application = in_committee()
    member, other = members(2)
    act(ballots.cast_vote, application, member, "reject")
    act(ballots.cast_vote, application, other, "approve")
    act(ballots.declare_conflict, application, member, "My brother leads the project.")

    assert [v.member_id for v in _votes(application)] == [other.id]
    [withdrawn] = audit_events("vote_withdrawn")
    assert withdrawn.data["choice"] == "reject" and withdrawn.actor_id == member.id
    [declared] = audit_events("conflict_declared")
    assert declared.data["reason"] == "My brother leads the project."
    count = tally.tally(ballots.open_ballot_of(application))
    assert (count.eligible, count.approvals, count.rejections) == (1, 1, 0)
    with pytest.raises(TransitionRefused, match="already declared"):
        act(ballots.declare_conflict, application, member, "Again")


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_conflict_needs_a_reason(app, in_committee, members, reason):
    application = in_committee()
    member = members(1)[0]
    with pytest.raises(TransitionRefused, match="Give the reason"):
        act(ballots.declare_conflict, application, member, reason)
    assert db.session.scalar(select(func.count()).select_from(ConflictDeclaration)) == 0


def test_lists_of_what_waits_for_a_member(app, in_committee, members, make_application, chair):
    first = in_committee(title="First")
    second = in_committee(title="Second")
    member = members(1)[0]
    assert [b.application_id for b in lists.ballots_awaiting(member)] == [first.id, second.id]
    act(ballots.cast_vote, first, member, "approve")
    assert [b.application_id for b in lists.ballots_awaiting(member)] == [second.id]
    assert [(b.application_id, v.choice) for b, v in lists.votes_open_to_change(member)] == [
        (first.id, "approve")]
    assert len(lists.open_ballots(chair)) == 2
