"""The committee's lists a page at a time: the oldest ballot first, Next shows the next
ones, each list keeps its own place, and a page costs the same statements at two sizes."""

import html
import re
from datetime import datetime, timedelta

import pytest

from models import Ballot, db, write_intent
from tests.conftest import log_in, scene_changed
from tests.webui.performance.test_query_counts import counting
from webui.committee import views
from workflow.committee import ballots

from .conftest import act

ROW = re.compile(r'<tr data-ballot="(\d+)"')


def _section(body: str, section: str) -> str:
    return body.split(f'id="{section}"')[1].split("</section>")[0]


def _ids(body: str, section: str) -> list[int]:
    return [int(n) for n in ROW.findall(_section(body, section))]


def _next(body: str, section: str) -> str | None:
    match = re.search(r'rel="next" href="([^"]+)"', _section(body, section))
    return html.unescape(match.group(1)) if match else None


@pytest.fixture
def open_ballots(in_committee, monkeypatch):
    """`open_ballots(n)`: n more files in committee, their ballots opened a day apart
    (newest made first); 3 ballots per page."""
    monkeypatch.setattr(views, "PER_PAGE", 3)
    made = []

    def make(count: int) -> list[Ballot]:
        for _ in range(count):
            application = in_committee()
            with write_intent(True):
                ballot = ballots.open_ballot_of(application)
                ballot.opened_at = datetime(2026, 6, 1) - timedelta(days=len(made))
                scene_changed(application)  # the page's counts are kept
                db.session.commit()
            made.append(ballot)
        return sorted(made, key=lambda b: b.opened_at)

    return make


def test_the_chair_sees_the_oldest_ballots_first_and_the_next_ones_on_page_two(
        client, make_user, members, open_ballots):
    members(1)
    oldest_first = [b.id for b in open_ballots(7)]
    log_in(client, make_user("committee_chair", "committee_member"))
    first = client.get("/committee/").get_data(as_text=True)
    assert _ids(first, "open-ballots") == oldest_first[:3]
    assert _ids(first, "awaiting") == oldest_first[:3]
    assert 'data-count="open">7<' in first
    second = client.get(_next(first, "open-ballots")).get_data(as_text=True)
    assert _ids(second, "open-ballots") == oldest_first[3:6] and "Page 2" in second
    assert _ids(second, "awaiting") == oldest_first[:3]  # the other list stays where it was
    third = client.get(_next(second, "awaiting")).get_data(as_text=True)
    assert _ids(third, "awaiting") == oldest_first[3:6]
    assert _ids(third, "open-ballots") == oldest_first[3:6]
    last = client.get(_next(third, "open-ballots")).get_data(as_text=True)
    assert _ids(last, "open-ballots") == oldest_first[6:] and _next(last, "open-ballots") is None


def test_the_committee_page_costs_the_same_statements_at_two_sizes(client, make_user, members,
                                                                   open_ballots):
    members(1)
    chair = make_user("committee_chair", "committee_member")
    log_in(client, chair)
    counts = []
    for size in (4, 10):
        made = open_ballots(size)
        db.session.commit()
        with write_intent(True):  # the chair has voted on some: the "voted" list has rows
            for ballot in made[::2]:
                if ballots.vote_of(ballot, chair) is None:
                    ballots.cast_vote(ballot.application, chair, "approve")
            db.session.commit()
        body = client.get("/committee/").get_data(as_text=True)
        for url in ("/committee/", _next(body, "open-ballots")):
            client.get(url)  # warm caches
            with counting(db.engine) as statements:
                assert client.get(url).status_code == 200
            counts.append(len(statements))
    assert counts[:2] == counts[2:], counts


def _tallies_shown(body: str) -> dict[int, dict[str, int]]:
    rows = re.findall(r'<tr data-ballot="(\d+)"(.*?)</tr>', _section(body, "open-ballots"),
                      re.S)
    return {int(ballot): {name: int(n) for name, n in
                          re.findall(r'data-tally="(\w+)">(\d+)<', row)}
            for ballot, row in rows}


def test_the_chair_s_list_counts_each_ballot_as_its_file_s_panel_does(
        client, in_committee, members, make_org, chair):
    """Only the votes of eligible voters count: not of a member of the applying or a
    partner organisation (one added after their vote), nor of one who declared a conflict;
    each file by its own committee's members."""
    from models import GrantPartner
    from workflow.committee import tally

    applicant, partner = make_org(name="Applicant society"), make_org(name="Partner society")
    voters = members(4, committees=("WNF",))
    members(1, organisation=applicant, committees=("WNF",))
    partnered = members(1, organisation=partner, committees=("WNF",))[0]
    lenders = members(2, committees=("SME",))
    grant, loan = in_committee(organisation=applicant), in_committee("loan")
    for member, choice in ((voters[0], "approve"), (voters[1], "reject"),
                           (partnered, "approve")):
        act(ballots.cast_vote, grant, member, choice)
    act(ballots.declare_conflict, grant, voters[2], "Audits them.")
    act(ballots.cast_vote, loan, lenders[0], "abstain")
    db.session.add(GrantPartner(application_id=grant.id, organisation_id=partner.id))
    db.session.commit()

    log_in(client, chair)
    shown = _tallies_shown(client.get("/committee/").get_data(as_text=True))
    grant_ballot, loan_ballot = ballots.open_ballot_of(grant), ballots.open_ballot_of(loan)
    assert shown[grant_ballot.id] == {"approvals": 1, "rejections": 1, "abstentions": 0,
                                      "eligible": 3, "cast": 2, "quorum_needed": 2}
    assert shown[loan_ballot.id] == {"approvals": 0, "rejections": 0, "abstentions": 1,
                                     "eligible": 2, "cast": 1, "quorum_needed": 1}
    for ballot in (grant_ballot, loan_ballot):
        counted = tally.tally(ballot).as_dict()
        assert shown[ballot.id] == {name: counted[name] for name in shown[ballot.id]}
