"""A committee per programme: the WNF grants committee and the SME loan committee are separate
memberships (one person may sit on both); a ballot invites, counts and lists only its own."""

import pytest
from sqlalchemy import select

from models import CommitteeSeat, Notification, User, db
from tests.conftest import log_in
from workflow.committee import ballots, lists, tally
from workflow.engine.errors import TransitionRefused
from workflow.people import committees

from .conftest import act, audit_events


def _notified(kind: str) -> set[int]:
    return set(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)))


def test_a_ballot_counts_and_lists_only_its_programmes_committee(app, in_committee, members):
    wnf_only = members(2, committees=("WNF",))
    sme_only = members(3, committees=("SME",))
    both = members(1)[0]
    grant, loan = in_committee("grant"), in_committee("loan")
    assert tally.tally(ballots.open_ballot_of(grant)).eligible == 3
    assert tally.tally(ballots.open_ballot_of(loan)).eligible == 4
    assert [b.application_id for b in lists.ballots_awaiting(wnf_only[0])] == [grant.id]
    assert [b.application_id for b in lists.ballots_awaiting(sme_only[0])] == [loan.id]
    assert {b.application_id for b in lists.ballots_awaiting(both)} == {grant.id, loan.id}

    with pytest.raises(TransitionRefused) as refused:
        act(ballots.cast_vote, loan, wnf_only[0], "approve")
    assert str(refused.value) == ("You do not sit on the SME loan committee: you cannot vote "
                                  "on its ballots.")
    act(ballots.cast_vote, loan, sme_only[0], "approve")
    assert tally.tally(ballots.open_ballot_of(loan)).approvals == 1


def test_a_ballot_invites_only_the_members_of_its_committee_who_may_vote(
        app, in_committee, members, make_org, chair):
    society = make_org(name="Alumni Society of Chile", country_code="CL")
    wnf = members(2, committees=("WNF",))
    recused = members(1, organisation=society, committees=("WNF",))[0]
    sme = members(2, committees=("SME",))
    in_committee("grant", organisation=society)
    invited = _notified("ballot_opened")
    assert invited == {m.id for m in wnf} | {chair.id}
    assert recused.id not in invited and not invited & {m.id for m in sme}


def test_the_committee_page_lists_only_my_committees_ballots(client, in_committee, members):
    member = members(1, committees=("SME",))[0]
    grant, loan = in_committee("grant", title="A grant"), in_committee("loan", title="A loan")
    log_in(client, member)
    listing = client.get("/committee/").get_data(as_text=True)
    assert loan.reference in listing and grant.reference not in listing
    assert client.get(f"/committee/ballots/{ballots.open_ballot_of(loan).id}/tally.json"
                      ).status_code == 200


def _user_form(user, **changes) -> dict:
    form = {"email": user.email, "name": user.name, "organisation_id": "0", "locale": "en",
            "active": "y", "seats_WNF": "", "seats_SME": ""}
    form.update(changes)
    return form


def _seats(user) -> dict:
    db.session.expire_all()
    return {code: sorted(held) for code, held in committees.seats_of(user).items()}


def test_the_admin_seats_people_on_the_user_form_and_the_roles_follow(
        client, login_as, make_user, make_fund):
    make_fund("WNF"), make_fund("SME")
    admin = login_as("admin")
    person = make_user("auditor", name="Kimura")
    form = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "Seat on the WNF grants committee" in form and 'value="committee_member"' not in form

    response = client.post(f"/admin/users/{person.id}", data=_user_form(
        person, roles=["auditor"], seats_WNF="chair,member", seats_SME="member"))
    assert response.status_code == 302
    assert _seats(person) == {"WNF": ["chair", "member"], "SME": ["member"]}
    assert db.session.get(User, person.id).roles == {"auditor", "committee_member",
                                                     "committee_chair"}
    [seated] = audit_events("committee_seats_changed")
    assert (seated.actor_id, seated.object_id) == (admin.id, person.id)
    assert seated.data == {"before": {}, "after": {"SME": ["member"],
                                                   "WNF": ["chair", "member"]}}
    [roles] = audit_events("roles_changed")
    assert roles.data["after"] == ["auditor", "committee_chair", "committee_member"]
    listing = client.get("/admin/users").get_data(as_text=True)
    assert "WNF: Chair, voting as a member" in listing and "SME: Member" in listing

    other = make_user("auditor", name="Ono")
    response = client.post(f"/admin/users/{other.id}", data=_user_form(
        other, roles=["auditor"], seats_WNF="chair"))
    shown = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Kimura already chairs the WNF grants committee: give them another seat first." in (
        shown)
    assert _seats(other) == {}

    response = client.post(f"/admin/users/{person.id}", data=_user_form(
        person, roles=["auditor"], seats_SME="member", away_until="2031-08-31"))
    assert response.status_code == 302
    assert _seats(person) == {"SME": ["member"]}
    changed = db.session.get(User, person.id)
    assert changed.roles == {"auditor", "committee_member"}
    assert str(changed.away_until) == "2031-08-31"


def test_flask_users_create_seats_a_person_by_fund(app, make_fund):
    make_fund("WNF"), make_fund("SME")
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "--email", "deputy@example.org", "--name", "Doi",
        "--seat", "SME:deputy_chair", "--seat", "SME:member", "--seat", "WNF:member",
        "--password-stdin"], input="a long secret phrase\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "deputy@example.org"))
    assert user.roles == {"committee_chair", "committee_member"}
    assert _seats(user) == {"SME": ["deputy_chair", "member"], "WNF": ["member"]}
    refused = app.test_cli_runner().invoke(args=[
        "users", "create", "--email", "x@example.org", "--name", "X", "--role",
        "committee_member", "--password-stdin"], input="a long secret phrase\n")
    assert refused.exit_code != 0


def test_one_person_neither_chairs_and_deputises_nor_sits_on_a_missing_fund(app, make_user,
                                                                           make_fund):
    from models import write_intent
    from workflow.engine.errors import ValidationFailed

    make_fund("WNF")
    person = make_user("auditor")
    with write_intent(True):
        with pytest.raises(ValidationFailed) as both:
            committees.set_seats(person, {"WNF": {"chair", "deputy_chair"}}, None)
        assert both.value.field == "seats_WNF"
        db.session.rollback()
        with pytest.raises(ValidationFailed, match="There is no SME fund yet"):
            committees.set_seats(person, {"SME": {"member"}}, None)
        db.session.rollback()
    assert db.session.scalar(select(CommitteeSeat)) is None
