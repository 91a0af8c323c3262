"""An open ballot's file is in committee review: each arrow that leaves committee review
closes the file's open ballot, and each that stays (deferral) closes it and opens the next.
The committee's lists rely on it: they ask a ballot whether it is open, not its file's state
(workflow.committee.lists)."""

import pytest
from sqlalchemy import select

from models import Ballot, db
from tests.conftest import fire
from workflow.committee import ballots
from workflow.engine import registry

from .conftest import act

CLOSING = {"close_ballot", "defer_to_next_ballot"}


def test_every_arrow_out_of_committee_review_closes_the_open_ballot(app):
    arrows = [(name, version, arrow) for name in registry.names()
              for version in registry.versions(name)
              for arrow in registry.get(name, version).transitions
              if "committee_review" in arrow.sources]
    assert {name for name, _, _ in arrows} == set(registry.names())  # both programmes
    leaving_it_open = [(name, version, arrow.trigger, arrow.dest)
                       for name, version, arrow in arrows if not CLOSING & set(arrow.effects)]
    assert leaving_it_open == []


@pytest.mark.parametrize(("choice", "state"), [("approve", "approved"), ("reject", "rejected")])
def test_a_decided_file_keeps_no_open_ballot(app, in_committee, members, chair, choice, state):
    application = in_committee(requested_yen=1_000_000)
    for member in members(3):
        act(ballots.cast_vote, application, member, choice)
    fire(application, "decide", chair)
    db.session.expire_all()
    assert application.state == state
    assert db.session.scalars(select(Ballot.state).where(
        Ballot.application_id == application.id)).all() == ["closed"]
