"""A member recused on a file does not see the other members' votes and comments on it, nor
how they stand, until the ballot closes."""

from tests.conftest import fire, sign_in
from workflow.committee import ballots

from .conftest import act


def _page(client, application) -> str:
    response = client.get(f"/applications/{application.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_recused_member_sees_the_votes_only_once_the_ballot_closes(
        client, in_committee, members, make_org, chair):
    society = make_org(name="Alumni Society of Chile", country_code="CL")
    recused = members(1, organisation=society)[0]
    voters = members(3)
    application = in_committee(organisation=society)
    act(ballots.cast_vote, application, voters[0], "reject", "Secret doubts about the venue")
    act(ballots.cast_vote, application, voters[1], "approve")
    ballot = ballots.open_ballot_of(application)

    sign_in(client, recused)
    shown = _page(client, application)
    assert "Secret doubts about the venue" not in shown
    assert 'data-tally="approvals"' not in shown and "data-votes-hidden" in shown
    assert "You are recused: you are a member of Alumni Society of Chile" in shown
    tally = client.get(f"/committee/ballots/{ballot.id}/tally.json").get_json()
    assert "approvals" not in tally and "rejections" not in tally and tally["cast"] == 2

    client.post("/auth/logout")
    sign_in(client, voters[2])  # a member who may vote sees them
    shown = _page(client, application)
    assert "Secret doubts about the venue" in shown and 'data-tally="approvals"' in shown

    fire(application, "decide", chair, casting_vote="approve")  # 1 to 1: the chair settles it
    client.post("/auth/logout")
    sign_in(client, recused)
    assert "Secret doubts about the venue" in _page(client, application)
    assert "approvals" in client.get(f"/committee/ballots/{ballot.id}/tally.json").get_json()


def test_a_recused_chair_neither_reads_the_tally_in_the_list_nor_exports_the_votes(
        client, in_committee, members, chair, deputy):
    application = in_committee()
    voters = members(2)
    act(ballots.cast_vote, application, voters[0], "approve", "Strong trainers")
    act(ballots.declare_conflict, application, chair, "My niece leads the project.")
    sign_in(client, chair)
    listing = client.get("/committee/").get_data(as_text=True)
    assert application.reference in listing and "data-recused" in listing
    votes = client.get("/audit/votes.csv").get_data(as_text=True)
    assert application.reference not in votes and "Strong trainers" not in votes
    client.post("/auth/logout")
    sign_in(client, deputy)
    assert "Strong trainers" in client.get("/audit/votes.csv").get_data(as_text=True)

    act(ballots.cast_vote, application, voters[1], "approve")
    fire(application, "decide", deputy)
    client.post("/auth/logout")
    sign_in(client, chair)
    assert "Strong trainers" in client.get("/audit/votes.csv").get_data(as_text=True)


def test_a_chair_of_a_partner_organisation_neither_closes_nor_reads_that_file_s_votes(
        client, in_committee, members, make_org, make_user):
    from models import GrantPartner, db
    from workflow.committee import lists

    partner = make_org(name="Alumni Society of Kenya", country_code="KE")
    chair = make_user("committee_chair", name="The Chair", organisation=partner)
    application = in_committee()
    in_committee()  # another file: the chair's to close
    db.session.add(GrantPartner(application_id=application.id, organisation_id=partner.id))
    db.session.commit()
    act(ballots.cast_vote, application, members(1)[0], "approve", "Strong trainers")
    assert lists.count_to_close(chair) == 1  # the other file's only
    sign_in(client, chair)
    assert client.get("/home").status_code == 200
    listing = client.get("/committee/").get_data(as_text=True)
    row = listing.split(f'data-ballot="{ballots.open_ballot_of(application).id}"')[1]
    assert "data-recused" in row.split("</tr>")[0]
    votes = client.get("/audit/votes.csv").get_data(as_text=True)
    assert "Strong trainers" not in votes
