"""The committee through the browser's eyes: the panel, the forms, the tally JSON, the lists."""

import re

import pytest
from sqlalchemy import select

from models import Ballot, GrantPartner, db, write_intent
from tests.conftest import log_in
from workflow.committee import ballots
from workflow.engine import audit
from workflow.money import ledger
from workflow.people import committees

from .conftest import act, audit_count, audit_events


def as_user(client, user):
    client.post("/auth/logout")
    assert log_in(client, user).status_code == 302  # completes two-factor login if needed


def page(client, application) -> str:
    response = client.get(f"/applications/{application.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def vote_url(application) -> str:
    return f"/committee/applications/{application.id}/vote"


def close_url(application) -> str:
    return f"/committee/applications/{application.id}/close"


def test_grant_committee_happy_path(client, in_committee, members, chair):
    """Five members vote on the web form, the chair watches the tally and approves."""
    application = in_committee(requested_yen=1_200_000, title="Kaizen seminar in Lima")
    voters = members(5)
    choices = ["approve", "approve", "approve", "reject", "abstain"]
    for member, choice in zip(voters, choices, strict=True):
        as_user(client, member)
        listing = client.get("/committee/").get_data(as_text=True)
        assert application.reference in listing and "Kaizen seminar in Lima" in listing
        assert "Cast my vote" in page(client, application)
        response = client.post(vote_url(application),
                               data={"choice": choice, "comment": f"{choice} it"})
        assert response.status_code == 302
        after = page(client, application)
        assert "Change my vote" in after
        assert re.search(rf'<input checked[^>]* name="choice"[^>]* value="{choice}"', after)

    as_user(client, chair)
    ballot = db.session.scalar(select(Ballot))
    tally = client.get(f"/committee/ballots/{ballot.id}/tally.json").get_json()
    assert {k: tally[k] for k in ("approvals", "rejections", "abstentions", "eligible",
                                  "quorum_needed", "quorum_met", "tie", "state")} == {
        "approvals": 3, "rejections": 1, "abstentions": 1, "eligible": 5, "quorum_needed": 3,
        "quorum_met": True, "tie": False, "state": "open"}
    shown = page(client, application)
    assert "Close the ballot" in shown and re.search(r"js/committee\.[0-9a-f]{12}\.js", shown)
    assert all(m.name in shown for m in voters) and "reject it" in shown
    index = client.get("/committee/").get_data(as_text=True)
    assert "Open ballots" in index and f'data-tally-url="/committee/ballots/{ballot.id}' in index

    response = client.post(close_url(application), data={
        "version": application.version, "approved_yen": "1,000,000",
        "conditions": "Share the materials with the partner societies.", "casting_vote": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert (application.state, application.approved_yen) == ("approved", 1_000_000)
    assert application.grant.conditions == "Share the materials with the partner societies."
    assert ledger.outstanding_commitment(application) == 1_000_000
    assert audit_count("vote_cast") == 5 and audit_count("vote_changed") == 0
    [decided] = audit_events("decide")
    assert decided.actor_id == chair.id
    assert {k: decided.data[k] for k in ("outcome", "ballot", "approvals", "rejections",
                                         "abstentions", "eligible", "approved_yen")} == {
        "outcome": "approved", "ballot": 1, "approvals": 3, "rejections": 1, "abstentions": 1,
        "eligible": 5, "approved_yen": 1_000_000}
    assert audit_count("ledger.commitment") == 1 and audit.verify().ok
    closed = client.get(f"/committee/ballots/{ballot.id}/tally.json").get_json()
    assert (closed["state"], closed["outcome"]) == ("closed", "approved")
    assert "Closed: Approved" in page(client, application)


def test_a_member_changes_their_vote_on_the_form(client, in_committee, members):
    application = in_committee()
    member = members(1)[0]
    as_user(client, member)
    client.post(vote_url(application), data={"choice": "approve"})
    client.post(vote_url(application), data={"choice": "reject", "comment": "On reflection"})
    assert [(e.data["old"], e.data["new"]) for e in audit_events("vote_changed")] == [
        ("approve", "reject")]
    listing = client.get("/committee/").get_data(as_text=True)
    assert "No ballot awaits your vote." in listing and application.reference in listing


@pytest.mark.parametrize("relation, sentence", [
    ("applying", "the applying society."),
    ("partner", "a partner society."),
])
def test_a_recused_member_sees_why_and_no_vote_form(client, in_committee, members, make_org,
                                                    relation, sentence):
    society = make_org(name="Alumni Society of Nepal", country_code="NP")
    application = in_committee(organisation=society if relation == "applying" else None)
    if relation == "partner":
        db.session.add(GrantPartner(application_id=application.id, organisation_id=society.id))
    member = members(1, organisation=society)[0]
    as_user(client, member)
    shown = page(client, application)
    assert f"You are recused: you are a member of Alumni Society of Nepal, {sentence}" in shown
    assert "Cast my vote" not in shown
    assert client.post(vote_url(application), data={"choice": "approve"}).status_code == 409
    assert audit_count("vote_cast") == 0


def test_declaring_a_conflict_on_the_form(client, in_committee, members):
    application = in_committee()
    member = members(1)[0]
    as_user(client, member)
    url = f"/committee/applications/{application.id}/conflict"
    refused = client.post(url, data={"reason": ""})
    assert "Give the reason for the conflict of interest." in refused.get_data(as_text=True)
    assert client.post(url, data={"reason": "I am their auditor"}).status_code == 302
    assert ("You are recused: you declared a conflict of interest: I am their auditor."
            in page(client, application))


def test_a_tie_without_the_deciding_vote_is_shown_next_to_the_field(client, in_committee,
                                                                    members, chair):
    application = in_committee()
    voters = members(2)
    act(ballots.cast_vote, application, voters[0], "approve")
    act(ballots.cast_vote, application, voters[1], "reject")
    as_user(client, chair)
    assert "Tied: the chair" in page(client, application)
    response = client.post(close_url(application), data={"version": application.version})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The votes are tied 1–1: cast the deciding vote to close the ballot." in body
    db.session.expire_all()
    assert application.state == "committee_review" and audit_count("decide") == 0
    response = client.post(close_url(application), data={"version": application.version,
                                                         "casting_vote": "reject"})
    assert response.status_code == 302
    db.session.expire_all()
    assert application.state == "rejected"


@pytest.mark.parametrize("amount, status, message", [
    ("2,000,000", 200, "The approved amount must be between ¥1 and the ¥1,000,000 requested; "
                       "¥2,000,000 was given."),
    ("12.5", 200, "Enter a whole number of yen, without decimals."),
    ("900,000", 409, "The WNF fund has ¥500,000 available; approving ¥900,000 would take it "
                     "below zero (short by ¥400,000)."),
])
def test_close_form_refusals(client, in_committee, members, chair, amount, status, message):
    application = in_committee(requested_yen=1_000_000, funded=500_000)
    act(ballots.cast_vote, application, members(1)[0], "approve")
    as_user(client, chair)
    response = client.post(close_url(application), data={
        "version": application.version, "approved_yen": amount})
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert (application.state, application.approved_yen) == ("committee_review", None)
    assert ballots.open_ballot_of(application).number == 1


def test_a_stale_close_form_is_refused(client, in_committee, members, chair):
    application = in_committee()
    act(ballots.cast_vote, application, members(1)[0], "approve")
    as_user(client, chair)
    response = client.post(close_url(application), data={"version": application.version - 1})
    assert response.status_code == 409
    assert ballots.open_ballot_of(application) is not None


def test_a_loan_is_approved_with_terms_on_the_form(client, in_committee, members, chair):
    application = in_committee("loan", requested_yen=20_000_000)
    act(ballots.cast_vote, application, members(1)[0], "approve")
    as_user(client, chair)
    shown = page(client, application)
    assert 'name="annual_rate"' in shown and 'value="2.5' in shown  # the recommendation
    response = client.post(close_url(application), data={
        "version": application.version, "approved_yen": "18,000,000", "annual_rate": "3.125",
        "term_months": "60", "grace_months": "6", "method": "annuity"})
    assert response.status_code == 302
    db.session.expire_all()
    loan = application.loan
    assert (str(loan.annual_rate), loan.term_months, loan.grace_months, loan.method) == (
        "3.1250", 60, 6, "annuity")
    assert application.approved_yen == 18_000_000


def test_the_panel_and_tally_are_for_staff_only(client, in_committee, make_user, members):
    application = in_committee()
    act(ballots.cast_vote, application, members(1)[0], "approve", "Secret comment")
    ballot = ballots.open_ballot_of(application)
    applicant = make_user("applicant", organisation=application.organisation)
    as_user(client, applicant)
    shown = page(client, application)
    assert "Committee ballot" not in shown and "Secret comment" not in shown
    assert client.get(f"/committee/ballots/{ballot.id}/tally.json").status_code == 403
    assert client.get("/committee/").status_code == 403
    as_user(client, make_user("auditor"))
    assert "Secret comment" in page(client, application)
    assert client.get(f"/committee/ballots/{ballot.id}/tally.json").status_code == 200
    assert client.get("/committee/ballots/99999/tally.json").status_code == 404


def test_a_recused_chair_sees_why_and_no_close_form(client, in_committee, make_user, make_org):
    society = make_org(name="Alumni Society of Ghana", country_code="GH")
    application = in_committee(organisation=society)
    recused_chair = make_user("committee_chair", organisation=society)
    as_user(client, recused_chair)
    shown = page(client, application)
    assert "A recused chair may neither close the ballot nor cast the deciding vote" in shown
    assert f'action="{close_url(application)}"' not in shown
    assert client.post(close_url(application),
                       data={"version": application.version}).status_code == 409


def test_the_chair_opens_a_missing_ballot(client, make_application, chair):
    application = make_application("grant", state="committee_review")
    as_user(client, chair)
    assert "has no ballot" in page(client, application)
    url = f"/committee/applications/{application.id}/open"
    assert client.post(url).status_code == 302
    assert ballots.open_ballot_of(application).number == 1
    assert client.post(url).status_code == 409  # one open ballot at a time


def test_the_nav_shows_committee_to_members(client, members):
    as_user(client, members(1)[0])
    assert 'href="/committee/"' in client.get("/home").get_data(as_text=True)


def test_deferred_through_the_form_opens_ballot_two(client, in_committee, members, chair):
    application = in_committee()
    members(3)
    as_user(client, chair)
    assert client.post(close_url(application),
                       data={"version": application.version}).status_code == 302
    body = page(client, application)
    assert "ballot 1 closed — deferred for want of a quorum; the next ballot is open." in body
    assert "Committee ballot 2" in body


def test_the_panel_lists_each_vote_and_each_conflict_once(client, in_committee, members,
                                                          secretariat):
    """Votes and conflicts are read in one statement (each vote once per conflict): the
    panel still shows every vote once, in the order cast, and every conflict once."""
    application = in_committee()
    five = members(5)
    voters, conflicted = five[:3], five[3:]
    for member, choice in zip(voters, ["reject", "approve", "abstain"], strict=True):
        act(ballots.cast_vote, application, member, choice, f"{member.name} says {choice}")
    for member in conflicted:
        act(ballots.declare_conflict, application, member, f"{member.name} audits them")
    as_user(client, secretariat)
    shown = page(client, application)
    rows = re.findall(r'<tr data-member="(\d+)">', shown)
    assert rows == [str(m.id) for m in voters]
    assert [shown.count(f"{m.name} says") for m in voters] == [1, 1, 1]
    assert [shown.count(f"<li>{m.name}: {m.name} audits them</li>") for m in conflicted] == [1, 1]
    tally = re.search(r'data-tally="eligible">(\d+)<', shown).group(1)
    assert tally == "3"  # five members, two recused


def test_a_closed_ballot_s_panel_is_kept_and_an_open_one_stays_each_viewer_s_own(
        app, in_committee, members, chair, secretariat):
    """While the ballot is open each member sees their own form; once it closes, the
    panel has no form left and is rendered once for every member of the staff."""
    from tests.conftest import fire

    application = in_committee()
    voter, other = members(2)
    browsers = {}
    for user in (voter, other, chair, secretariat):  # all signed in first: the chain stands
        browsers[user.name] = app.test_client()
        assert log_in(browsers[user.name], user).status_code == 302
    act(ballots.cast_vote, application, voter, "approve", "Sound plan")
    for _ in range(2):  # the second time round, nothing has moved the chain
        assert "Change my vote" in page(browsers[voter.name], application)
        assert "Cast my vote" in page(browsers[other.name], application)
        assert "Close the ballot" in page(browsers[chair.name], application)
        assert "Cast my vote" not in page(browsers[secretariat.name], application)
    act(ballots.cast_vote, application, other, "approve", "Agreed")
    fire(application, "decide", chair)

    def panel(name: str) -> str:
        shown = page(browsers[name], application)
        start = shown.index('id="committee"')
        return shown[start:shown.index("</section>", start)]

    panels = {name: panel(name) for name in browsers}
    assert len(set(panels.values())) == 1, panels  # the same for every member of the staff
    assert "Closed: Approved" in panels[secretariat.name] and "Agreed" in panels[voter.name]
    assert "Cast my vote" not in panels[other.name] and "Close the ballot" not in panels[
        chair.name]


def _counts(client) -> dict[str, int]:
    body = client.get("/committee/").get_data(as_text=True)
    return {name: int(count) for name, count in re.findall(r'data-count="(\w+)">(\d+)<', body)}


def test_the_page_s_counts_follow_a_vote_a_conflict_and_a_seat(client, in_committee, members,
                                                                   make_user):
    # The counts are kept by the worker: each change must show on the next view.
    first, second = in_committee(), in_committee()
    member = members(1)[0]
    as_user(client, member)
    assert _counts(client) == {"awaiting": 2, "voted": 0}
    client.post(vote_url(first), data={"choice": "approve"})
    assert _counts(client) == {"awaiting": 1, "voted": 1}
    client.post(f"/committee/applications/{second.id}/conflict", data={"reason": "Auditor"})
    assert _counts(client) == {"awaiting": 0, "voted": 1}
    officer = make_user("committee_chair", "committee_member", name="The Officer")
    as_user(client, officer)
    assert _counts(client)["open"] == 2
    codes = {first.fund.code, second.fund.code}
    assert codes < set(committees.seats_of(officer))
    db.session.commit()
    with write_intent(True):  # still chairs another committee
        committees.set_seats(officer, dict.fromkeys(codes, []), None)
        db.session.commit()
    assert _counts(client)["open"] == 0
