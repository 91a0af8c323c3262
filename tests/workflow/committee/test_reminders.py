"""Who the committee's notifications reach: reminders and the quorum's notice go to those who
may act on the ballot, never to a recused member or to the other programme's committee."""

from datetime import timedelta

from sqlalchemy import select

from models import Notification, db
from workflow.committee import ballots

from .conftest import act


def _told(kind: str) -> set[int]:
    db.session.rollback()
    return set(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)))


def test_reminders_never_go_to_recused_members(app, in_committee, members, make_org, chair,
                                               deputy):
    society = make_org(name="Alumni Society of Chile", country_code="CL")
    partner = make_org(name="Alumni Society of Peru", country_code="PE")
    voted, waiting, conflicted = members(3, committees=("WNF",))
    of_society = members(1, organisation=society, committees=("WNF",))[0]
    of_partner = members(1, organisation=partner, committees=("WNF",))[0]
    loan_member = members(1, committees=("SME",))[0]
    application = in_committee(organisation=society)
    from models import GrantPartner

    db.session.add(GrantPartner(application_id=application.id, organisation_id=partner.id))
    db.session.commit()
    act(ballots.cast_vote, application, voted, "approve")
    act(ballots.declare_conflict, application, conflicted, "I am the trainer's brother.")

    late = (application.due_on + timedelta(days=3)).isoformat()
    result = app.test_cli_runner().invoke(args=["reminders", "send", "--today", late])
    assert result.exit_code == 0, result.output
    told = _told("reminder")
    assert told == {waiting.id, chair.id}
    assert not told & {of_society.id, of_partner.id, conflicted.id, voted.id, deputy.id,
                       loan_member.id}


def test_the_secretariat_is_reminded_of_a_ballot_nobody_may_close(
        app, in_committee, members, chair, secretariat):
    application = in_committee()
    members(2)
    act(ballots.declare_conflict, application, chair, "Former employer.")  # and no deputy
    late = (application.due_on + timedelta(days=1)).isoformat()
    app.test_cli_runner().invoke(args=["reminders", "send", "--today", late])
    assert _told("reminder") == {secretariat.id}


def test_the_quorums_notice_goes_to_whoever_presides(app, in_committee, members, chair,
                                                     deputy):
    application = in_committee()
    voters = members(4)  # quorum: 2 of 4
    act(ballots.declare_conflict, application, chair, "Former employer.")
    for member in voters[:3]:
        act(ballots.cast_vote, application, member, "approve")
    assert _told("quorum_reached") == {deputy.id}
    assert db.session.query(Notification).filter_by(kind="quorum_reached").count() == 1
