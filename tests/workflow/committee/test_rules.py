"""Who may vote on a ballot, and what the votes decide (DESIGN.md "Committee decision rule")."""

import pytest
from sqlalchemy import select

from models import Ballot, GrantPartner, db
from tests.conftest import fire, scene_changed
from workflow.committee import ballots, lists, tally
from workflow.engine.errors import TransitionRefused

from .conftest import act


def _partner(application, organisation):
    db.session.add(GrantPartner(application_id=application.id, organisation_id=organisation.id))
    db.session.commit()


@pytest.mark.parametrize("relation, expected", [
    ("applying", "You are recused: you are a member of Alumni Society of Peru, the applying "
                 "society."),
    ("partner", "You are recused: you are a member of Alumni Society of Peru, a partner "
                "society."),
    ("conflict", "You are recused: you declared a conflict of interest: I trained their "
                 "president."),
])
def test_a_recused_member_is_told_why_cannot_vote_and_does_not_count(
        app, in_committee, members, make_org, make_application, relation, expected):
    peru = make_org(name="Alumni Society of Peru", country_code="PE")
    others = members(3)
    member = members(1, organisation=peru)[0]
    application = in_committee(organisation=peru if relation == "applying" else None)
    if relation == "partner":
        _partner(application, peru)
    if relation == "conflict":
        act(ballots.declare_conflict, application, member, "I trained their president")
    ballot = ballots.open_ballot_of(application)

    assert ballots.recusal_reason(ballot, member) == expected
    assert ballots.recusal_reason(application, member) == expected
    assert all(ballots.recusal_reason(ballot, m) is None for m in others)
    assert tally.tally(ballot).eligible == 3
    assert ballot not in lists.ballots_awaiting(member)
    assert all(ballot in lists.ballots_awaiting(m) for m in others)
    with pytest.raises(TransitionRefused) as refused:
        act(ballots.cast_vote, application, member, "approve")
    assert str(refused.value) == expected + " You cannot vote on this ballot."
    assert tally.tally(ballot).cast == 0


@pytest.mark.parametrize("total, recused, choices, needed, met, outcome", [
    (5, 0, ["approve", "approve"], 3, False, "deferred"),
    (5, 0, ["approve", "approve", "reject"], 3, True, "approved"),
    (5, 0, ["reject", "reject", "approve", "abstain"], 3, True, "rejected"),
    (6, 2, ["approve", "reject", "reject"], 2, True, "rejected"),  # 4 eligible
    (6, 2, ["abstain"], 2, False, "deferred"),
    # abstentions make the quorum but not the majority
    (5, 0, ["abstain", "abstain", "approve"], 3, True, "approved"),
    (5, 0, ["abstain", "abstain", "reject"], 3, True, "rejected"),
    (1, 0, ["approve"], 1, True, "approved"),
    (7, 0, ["approve", "approve", "approve"], 4, False, "deferred"),
])
def test_quorum_and_majority(app, in_committee, members, make_org, chair, total, recused,
                             choices, needed, met, outcome):
    applicant_org = make_org()
    application = in_committee(organisation=applicant_org)
    voters = members(total - recused) + members(recused, organisation=applicant_org)
    for member, choice in zip(voters, choices, strict=False):
        act(ballots.cast_vote, application, member, choice)

    ballot = ballots.open_ballot_of(application)
    count = tally.tally(ballot)
    assert (count.eligible, count.cast, count.quorum_needed, count.quorum_met) == (
        total - recused, len(choices), needed, met)

    fire(application, "decide", chair)
    db.session.expire_all()
    assert application.state == {"approved": "approved", "rejected": "rejected",
                                 "deferred": "committee_review"}[outcome]
    closed = db.session.get(Ballot, ballot.id)
    assert (closed.state, closed.outcome, closed.eligible_count) == (
        "closed", outcome, total - recused)
    assert (closed.approvals, closed.rejections, closed.abstentions) == (
        choices.count("approve"), choices.count("reject"), choices.count("abstain"))


@pytest.mark.parametrize("chair_roles, eligible", [
    (("committee_chair",), 2),
    (("committee_chair", "committee_member"), 3),
])
def test_the_chair_votes_only_as_a_member(app, in_committee, members, make_user, chair_roles,
                                          eligible):
    application = in_committee()
    members(2)
    the_chair = make_user(*chair_roles)
    assert tally.tally(ballots.open_ballot_of(application)).eligible == eligible
    if eligible == 2:
        with pytest.raises(TransitionRefused, match="Only committee members may vote."):
            act(ballots.cast_vote, application, the_chair, "approve")
    else:
        act(ballots.cast_vote, application, the_chair, "approve")
        assert tally.tally(ballots.open_ballot_of(application)).approvals == 1


def test_inactive_members_neither_count_nor_vote(app, in_committee, members, make_user):
    application = in_committee()
    members(2)
    gone = make_user("committee_member", active=False)
    assert tally.tally(ballots.open_ballot_of(application)).eligible == 2
    with pytest.raises(TransitionRefused, match="not active"):
        act(ballots.cast_vote, application, gone, "approve")


def test_a_vote_from_a_member_recused_later_is_not_counted(app, in_committee, members):
    """A member who joins the applying society after voting no longer counts."""
    application = in_committee()
    first, second = members(2)
    act(ballots.cast_vote, application, first, "approve")
    act(ballots.cast_vote, application, second, "reject")
    first.organisation_id = application.organisation_id
    scene_changed(people=True)  # as workflow.people.accounts would
    db.session.commit()
    count = tally.tally(ballots.open_ballot_of(application))
    assert (count.eligible, count.approvals, count.rejections) == (1, 0, 1)


def test_referral_opens_ballot_one_with_an_audit_event(app, in_committee, members):
    members(3)
    application = in_committee()
    rows = db.session.scalars(select(Ballot).where(Ballot.application_id == application.id)
                              ).all()
    assert [(b.number, b.state) for b in rows] == [(1, "open")]
    from .conftest import audit_events

    [opened] = audit_events("ballot_opened")
    assert (opened.object_type, opened.object_id) == ("ballot", rows[0].id)
    assert opened.data["number"] == 1 and opened.data["eligible"] == 3
    [referral] = audit_events("refer_to_committee")
    assert referral.data["ballot_opened"] == 1


def test_the_quorum_fraction_is_configurable_per_fund(app, in_committee, members, monkeypatch):
    from fractions import Fraction

    monkeypatch.setitem(tally.DECISION_RULES, "WNF", tally.DecisionRule(Fraction(2, 3)))
    application = in_committee()
    members(6)
    assert tally.tally(ballots.open_ballot_of(application)).quorum_needed == 4
