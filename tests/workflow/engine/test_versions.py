"""Workflow versions: applications stay on theirs until moved by an explicit, audited map."""

import pytest
from sqlalchemy import select

from models import Application, AuditEvent, db
from workflow.engine import registry
from workflow.engine.definition import State, Transition, WorkflowDefinition
from workflow.grants.definition import GRANT_V1


@pytest.fixture
def grant_v2():
    """Version 2 renames screening to eligibility_check and adds nothing else."""
    states = tuple(State("eligibility_check", "Eligibility check", "Under review")
                   if s.name == "screening" else s for s in GRANT_V1.states)

    def rename(names):
        return tuple("eligibility_check" if n == "screening" else n for n in names)

    transitions = tuple(Transition(**{**t.__dict__, "sources": rename(t.sources),
                                      "dest": rename((t.dest,))[0]})
                        for t in GRANT_V1.transitions)
    definition = WorkflowDefinition(name="grant", version=2, initial="draft", states=states,
                                    transitions=transitions)
    registry.register(definition, current=True)
    yield definition
    registry.unregister("grant", 2)


def test_new_applications_start_on_the_current_version(app, grant_v2, make_application):
    assert make_application("grant").workflow_version == 2


def test_applications_in_flight_keep_their_version(app, make_application, grant_v2):
    assert registry.current_version("grant") == 2
    application = make_application("grant", state="screening")
    application.workflow_version = 1
    db.session.commit()
    assert registry.get("grant", application.workflow_version).version == 1


def test_migrate_moves_states_by_the_map_and_audits_each(app, make_application, grant_v2):
    apps = [make_application("grant", state=s) for s in ("screening", "draft", "approved")]
    for a in apps:
        a.workflow_version = 1
    db.session.commit()
    result = app.test_cli_runner().invoke(args=[
        "workflow", "migrate", "grant", "--from", "1", "--to", "2",
        "--map", "screening=eligibility_check"])
    assert result.exit_code == 0, result.output
    assert "Moved 3 grant applications from v1 to v2" in result.output
    db.session.rollback()
    rows = db.session.scalars(select(Application).order_by(Application.id)).all()
    assert [(a.state, a.workflow_version) for a in rows] == [
        ("eligibility_check", 2), ("draft", 2), ("approved", 2)]
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "workflow_migrated").order_by(AuditEvent.seq)).all()
    assert [(e.from_state, e.to_state) for e in events] == [
        ("screening", "eligibility_check"), ("draft", "draft"), ("approved", "approved")]


def test_migrate_refuses_when_a_state_is_left_unmapped(app, make_application, grant_v2):
    application = make_application("grant", state="screening")
    application.workflow_version = 1
    db.session.commit()
    result = app.test_cli_runner().invoke(args=[
        "workflow", "migrate", "grant", "--from", "1", "--to", "2"])
    assert result.exit_code != 0
    assert "1 in screening" in result.output and "--map" in result.output
    db.session.rollback()
    assert db.session.get(Application, application.id).workflow_version == 1


@pytest.mark.parametrize("args, message", [
    (["--map", "nowhere=draft"], "Version 1 has no state 'nowhere'."),
    (["--map", "screening=nowhere"], "Version 2 has no state 'nowhere'."),
    (["--map", "screening"], "is not of the form old_state=new_state"),
])
def test_migrate_refuses_bad_maps(app, grant_v2, args, message):
    result = app.test_cli_runner().invoke(args=[
        "workflow", "migrate", "grant", "--from", "1", "--to", "2", *args])
    assert result.exit_code != 0 and message in result.output


def test_each_version_has_its_own_machine(grant_v2):
    assert registry.get("grant", 1).machine is not registry.get("grant", 2).machine
    assert "eligibility_check" in registry.get("grant", 2).machine.states
    assert registry.get("grant", 1).machine.models == []  # no row is ever registered
