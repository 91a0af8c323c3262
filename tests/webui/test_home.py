"""The home page lists what waits for each user, with counts."""

import re
from datetime import date, timedelta

from models import db


def _waiting(page: str) -> dict[str, int]:
    return {label.strip(): int(n) for label, n in re.findall(
        r"<span>([^<]+) <small[^>]*>[^<]*</small></span>\s*<span>(?:<span[^>]*>[^<]*</span>)?"
        r'<span class="badge text-bg-primary rounded-pill">(\d+)</span>', page)}


def test_the_secretariat_sees_its_queues(client, login_as, make_application):
    login_as("secretariat")
    make_application("grant", state="submitted")
    make_application("grant", state="submitted")
    late = make_application("grant", state="screening")
    late.due_on = date.today() - timedelta(days=3)
    db.session.commit()
    page = client.get("/home").get_data(as_text=True)
    assert _waiting(page) == {"Proposals to start screening": 2, "Proposals in screening": 1}
    assert "1 overdue" in page


def test_an_applicant_sees_only_their_organisation(client, login_as, make_application,
                                                   make_org):
    org = make_org()
    login_as("applicant", organisation=org)
    make_application("grant", state="draft", organisation=org)
    make_application("grant", state="draft")  # another society's
    make_application("grant", state="revision_requested", organisation=org)
    page = client.get("/home").get_data(as_text=True)
    assert _waiting(page) == {"Proposals in draft": 1, "Proposals to revise": 1}


def test_nothing_waiting(client, login_as):
    login_as("auditor")
    assert "Nothing waits for you right now." in client.get("/home").get_data(as_text=True)


def test_committee_members_see_ballots_awaiting_their_vote(client, login_as, make_application,
                                                           make_user):
    from tests.conftest import fire

    login_as("committee_member")
    make_user("committee_member")
    application = make_application("grant", state="screening")
    fire(application, "refer_to_committee", make_user("secretariat"))
    page = client.get("/home").get_data(as_text=True)
    assert _waiting(page) == {"Ballots awaiting my vote": 1}


def test_the_counts_follow_each_change_of_state_at_once(client, login_as, make_application,
                                                       make_user):
    """The counts are kept between requests until the audit trail moves: the next page
    after a transition shows it, for the one who made it and for everyone else."""
    from tests.conftest import fire

    login_as("secretariat")
    first = make_application("grant", state="submitted")
    make_application("grant", state="submitted")
    assert _waiting(client.get("/home").get_data(as_text=True)) == {
        "Proposals to start screening": 2}
    assert _waiting(client.get("/home").get_data(as_text=True)) == {
        "Proposals to start screening": 2}
    fire(first, "start_screening", make_user("secretariat"))
    assert _waiting(client.get("/home").get_data(as_text=True)) == {
        "Proposals to start screening": 1, "Proposals in screening": 1}
