"""Who presides over a ballot: the chair; the deputy chair when the chair is recused or away;
when neither can act, the secretariat defers the file to the next ballot."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from models import Ballot, db
from tests.conftest import fire, log_in, scene_changed
from workflow.committee import ballots
from workflow.engine.errors import TransitionRefused
from workflow.people import committees

from .conftest import act, audit_events


def _vote_all(application, voters, choices):
    for member, choice in zip(voters, choices, strict=True):
        act(ballots.cast_vote, application, member, choice)


def _ballots(application) -> list[Ballot]:
    db.session.expire_all()
    return list(db.session.scalars(select(Ballot).where(Ballot.application_id == application.id)
                                   .order_by(Ballot.number)))


def test_the_deputy_closes_and_settles_a_tie_when_the_chair_is_recused(
        app, in_committee, members, chair, deputy):
    application = in_committee()
    _vote_all(application, members(4), ["approve", "approve", "reject", "reject"])
    with pytest.raises(TransitionRefused) as refused:
        fire(application, "decide", deputy, casting_vote="approve")
    assert str(refused.value) == (
        "The Chair chairs the WNF grants committee and presides over this ballot: the deputy "
        "chair acts only when the chair is recused or away.")
    act(ballots.declare_conflict, application, chair, "My niece leads the project.")
    with pytest.raises(TransitionRefused) as refused:
        fire(application, "decide", chair, casting_vote="approve")
    assert str(refused.value) == (
        "You are recused: you declared a conflict of interest: My niece leads the project. A "
        "recused chair may neither close the ballot nor cast the deciding vote. The deputy "
        "chair, The Deputy, acts in your place.")

    fire(application, "decide", deputy, casting_vote="approve")
    [ballot] = _ballots(application)
    assert (application.state, ballot.outcome, ballot.casting_vote, ballot.closed_by_id) == (
        "approved", "approved", "approve", deputy.id)


def test_a_chair_marked_away_gives_way_to_the_deputy_until_the_day_after(
        client, in_committee, members, chair, deputy):
    application = in_committee()
    _vote_all(application, members(1), ["approve"])
    log_in(client, chair)
    last_day = date.today() + timedelta(days=10)
    response = client.post("/committee/away", data={"away_until": last_day.isoformat()})
    assert response.status_code == 302
    [marked] = audit_events("user_changed")
    assert marked.data == {"changes": {"away_until": [None, last_day.isoformat()]}}

    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert f"You are marked away until {last_day:%d %B %Y}. The deputy chair, The Deputy, " \
           "acts in your place." in page
    assert f'action="/committee/applications/{application.id}/close"' not in page
    with pytest.raises(TransitionRefused, match="the deputy chair acts only"):
        fire(application, "decide", deputy, today=last_day + timedelta(days=1))
    fire(application, "decide", deputy, today=last_day)
    assert application.state == "approved"

    assert client.post("/committee/away", data={"away_until": ""}).status_code == 302
    assert db.session.get(type(chair), chair.id).away_until is None
    assert client.post("/committee/away", data={"away_until": "2001-01-01"}).status_code == 302
    shown = client.get("/committee/").get_data(as_text=True)
    assert "The last day away cannot be in the past" in shown


def test_an_inactive_chair_gives_way_to_the_deputy(app, in_committee, members, chair, deputy):
    application = in_committee("loan")
    _vote_all(application, members(1), ["approve"])
    chair.active = False
    scene_changed(people=True)  # as workflow.people.accounts would
    db.session.commit()
    fire(application, "decide", deputy)
    assert application.state == "approved"


def test_someone_without_an_office_on_the_committee_may_not_close(app, in_committee, members,
                                                                 make_user):
    sme_chair = make_user("committee_chair", committees=("SME",))
    application = in_committee("grant")
    _vote_all(application, members(1), ["approve"])
    with pytest.raises(TransitionRefused) as refused:
        fire(application, "decide", sme_chair)
    assert str(refused.value) == (
        "Only the chair of the WNF grants committee, or its deputy chair when the chair is "
        "recused or away, may close this ballot.")


def _defer_url(application) -> str:
    return f"/applications/{application.id}/actions/defer"


def test_when_neither_can_act_the_secretariat_defers_to_the_next_ballot(
        client, in_committee, members, chair, deputy, secretariat):
    application = in_committee()
    voters = members(3)
    _vote_all(application, voters[:2], ["approve", "approve"])
    log_in(client, secretariat)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert _defer_url(application) not in page  # the chair presides: not the secretariat's
    with pytest.raises(TransitionRefused) as refused:
        fire(application, "defer", secretariat, reason="Chair unreachable")
    assert str(refused.value) == (
        "The chair, The Chair, presides over this ballot: the secretariat defers a file only "
        "when neither the chair nor the deputy chair can act.")

    act(ballots.declare_conflict, application, chair, "Former employer of the lead trainer.")
    act(committees.set_away, deputy, date.today() + timedelta(days=30), deputy)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert (f"Nobody may close ballot 1 of {application.reference}. The chair, The Chair, "
            "is recused from this ballot. The deputy chair, The Deputy, is away until") in page
    assert _defer_url(application) in page
    home = client.get("/home").get_data(as_text=True)
    assert "Ballots nobody may vote on or close" in home
    listing = client.get("/committee/").get_data(as_text=True)
    assert application.reference in listing and 'data-why="nobody-presides"' in listing

    version = application.version
    assert client.post(_defer_url(application), data={"version": version}).status_code == 409
    response = client.post(_defer_url(application), data={
        "version": version, "reason": "The chair is recused and the deputy abroad."})
    assert response.status_code == 302
    first, second = _ballots(application)
    assert (first.state, first.outcome, first.approvals, first.closed_by_id) == (
        "closed", "deferred", 2, secretariat.id)
    assert (second.number, second.state) == (2, "open")
    assert application.state == "committee_review"
    [deferred] = audit_events("defer")
    assert (deferred.actor_id, deferred.data["comment"], deferred.data["ballot"],
            deferred.data["next_ballot"]) == (
        secretariat.id, "The chair is recused and the deputy abroad.", 1, 2)


def test_a_ballot_nobody_may_vote_on_waits_and_says_so_instead_of_reopening(
        client, in_committee, members, make_org, chair, secretariat):
    society = make_org(name="Alumni Society of Chile", country_code="CL")
    members(2, organisation=society, committees=("WNF",))
    application = in_committee(organisation=society)
    sentence = (f"Nobody may vote on ballot 1 of {application.reference}: every member of the "
                "WNF grants committee is recused from it. It stays open until the "
                "administrator seats a member who may vote.")
    from models import Notification

    told = db.session.scalars(select(Notification).where(
        Notification.user_id == secretariat.id)).all()
    assert [n.message for n in told] == [sentence]
    with pytest.raises(TransitionRefused) as refused:
        fire(application, "decide", chair)
    assert str(refused.value) == sentence
    with pytest.raises(TransitionRefused) as refused:
        fire(application, "defer", secretariat, reason="Try again")
    assert "The chair, The Chair, presides over this ballot" in str(refused.value)
    [ballot] = _ballots(application)
    assert ballot.state == "open"

    log_in(client, chair)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert sentence in page
    assert f'action="/committee/applications/{application.id}/close"' not in page
    client.post("/auth/logout")
    log_in(client, secretariat)
    listing = client.get("/committee/").get_data(as_text=True)
    assert application.reference in listing and 'data-why="nobody-votes"' in listing

    members(1, committees=("WNF",))  # the administrator seats a member who may vote
    listing = client.get("/committee/").get_data(as_text=True)
    assert application.reference not in listing



def test_a_recusal_on_one_file_leaves_the_others_in_the_lists_alone(
        app, in_committee, members, make_org, chair):
    from models import GrantPartner
    from workflow.committee import lists, stuck

    peru = make_org(name="Alumni Society of Peru", country_code="PE")
    member = members(1, committees=("WNF",))[0]
    partnered = members(1, organisation=peru, committees=("WNF",))[0]
    first, second, third = in_committee(), in_committee(), in_committee()
    db.session.add(GrantPartner(application_id=third.id, organisation_id=peru.id))
    db.session.commit()
    act(ballots.declare_conflict, first, member, "A cousin trains there.")
    act(ballots.declare_conflict, first, partnered, "Same.")
    act(ballots.declare_conflict, second, chair, "Former employer.")  # and no deputy

    waiting = {ballot.application_id: (votable, presided)
               for ballot, votable, presided in stuck.stuck_ballots()}
    assert waiting == {first.id: (False, True), second.id: (True, False)}
    assert [b.application_id for b in lists.ballots_awaiting(partnered)] == [second.id]
    assert {row[0].application_id: row[1] for row in lists.open_ballots(chair)} == {
        first.id: True, second.id: False, third.id: True}
