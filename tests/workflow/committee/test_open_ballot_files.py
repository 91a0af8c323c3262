"""An open ballot's file is in committee review: each arrow that leaves committee review
closes the file's open ballot, and each that stays (deferral) closes it and opens the next;
a migration to another workflow version may not take such a file out of committee review.
The committee's lists rely on it: they ask a ballot whether it is open, not its file's state
(workflow.committee.lists)."""

import dataclasses

import pytest
from sqlalchemy import select

from models import Application, AuditEvent, Ballot, db
from tests.conftest import fire
from workflow.committee import ballots
from workflow.engine import registry
from workflow.grants.definition import GRANT_V1

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


@pytest.fixture
def grant_v2():
    """Version 2 of the grant workflow: version 1's states and arrows; new files stay on 1."""
    definition = registry.register(dataclasses.replace(GRANT_V1, version=2))
    yield definition
    registry.unregister("grant", 2)


def _migrate(app, *maps):
    args = ["workflow", "migrate", "grant", "--from", "1", "--to", "2"]
    for pair in maps:
        args += ["--map", pair]
    return app.test_cli_runner().invoke(args=args)


def _ballot_states(application):
    return db.session.scalars(select(Ballot.state).where(
        Ballot.application_id == application.id).order_by(Ballot.number)).all()


def test_a_migration_may_not_take_a_file_with_an_open_ballot_out_of_committee_review(
        app, grant_v2, in_committee, make_application):
    in_review = in_committee()
    screened = make_application("grant", state="screening")
    db.session.commit()
    result = _migrate(app, "committee_review=screening")
    assert result.exit_code != 0
    assert "Nothing moved: a migration may not take a file out of committee review while " \
           f"its ballot is open ({in_review.reference})." in result.output
    db.session.rollback()
    assert [(a.state, a.workflow_version) for a in db.session.scalars(
        select(Application).order_by(Application.id))] == [
        ("committee_review", 1), ("screening", 1)]
    assert _ballot_states(in_review) == ["open"]
    assert not db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "workflow_migrated")).all()
    assert screened.workflow_version == 1


def test_a_migration_may_not_bring_a_file_into_committee_review_without_a_ballot(
        app, grant_v2, make_application):
    screened = make_application("grant", state="screening")
    db.session.commit()
    result = _migrate(app, "screening=committee_review")
    assert result.exit_code != 0
    assert "Nothing moved: a migration may not bring a file into committee review, where it " \
           f"would have no ballot ({screened.reference}); refer it to the committee instead." \
           in result.output
    db.session.rollback()
    assert (screened.state, screened.workflow_version) == ("screening", 1)
    assert _ballot_states(screened) == []


def test_a_migration_keeping_committee_review_moves_the_file_with_its_ballot_open(
        app, grant_v2, in_committee, members, chair):
    in_review, decided = in_committee(), in_committee()
    for member in members(3):
        act(ballots.cast_vote, decided, member, "reject")
    fire(decided, "decide", chair)
    # A closed ballot holds nothing back, whatever its file becomes.
    result = _migrate(app, "committee_review=committee_review", "rejected=withdrawn")
    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert (in_review.state, in_review.workflow_version) == ("committee_review", 2)
    assert (decided.state, decided.workflow_version) == ("withdrawn", 2)
    assert _ballot_states(in_review) == ["open"]
    assert _ballot_states(decided) == ["closed"]
