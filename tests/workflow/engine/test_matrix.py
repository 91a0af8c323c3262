"""Every (state, trigger, role) of both workflows: allowed moves, everything else refused."""

import pytest
from sqlalchemy import func, select

from models import Application, AuditEvent, db, write_intent
from tests.conftest import PASSWORD  # noqa: F401 - same users as the rest of the suite
from workflow.engine import registry, service
from workflow.engine.definition import OWNER, SYSTEM
from workflow.engine.errors import TransitionRefused

ACTORS = ("applicant", "other_applicant", "secretariat", "committee_member", "committee_chair",
          "finance_officer", "auditor", "admin", "system")


def _audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def _allowed(definition, state, trigger, actor_name) -> str | None:
    """The destination if this actor may fire this trigger from this state, else None."""
    role = {"other_applicant": OWNER, "applicant": OWNER, "system": SYSTEM}.get(actor_name,
                                                                               actor_name)
    arrows = definition.arrows(trigger, state)
    if not arrows or actor_name == "other_applicant":
        return None
    if role not in {r for a in arrows for r in a.roles}:
        return None
    return arrows[0].dest


@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize("workflow_name", ["grant", "loan"])
def test_every_state_trigger_and_role(app, engine_only, make_application, make_user, make_org,
                                      workflow_name, actor_name):
    definition = registry.get(workflow_name)
    own_org = make_org(kind="company" if workflow_name == "loan" else "alumni_society")
    actor = None
    if actor_name == "applicant":
        actor = make_user("applicant", organisation=own_org)
    elif actor_name == "other_applicant":
        actor = make_user("applicant")
    elif actor_name != "system":
        actor = make_user(actor_name)
    application = make_application(workflow_name, organisation=own_org)
    db.session.commit()
    checked = 0
    for state in definition.state_map:
        for trigger in definition.triggers:
            expected = _allowed(definition, state, trigger, actor_name)
            arrows = definition.arrows(trigger, state)
            outcome = arrows[0].when if arrows else None
            with write_intent(True):
                row = db.session.get(Application, application.id)
                row.state = state
                db.session.flush()
                version, audits = row.version, _audit_count()
                try:
                    service.fire(row, trigger, actor, outcome=outcome, comment="because",
                                 reason="because")
                except TransitionRefused:
                    assert expected is None, f"{actor_name} refused {trigger} from {state}"
                    assert (row.state, row.version) == (state, version)
                    assert _audit_count() == audits
                else:
                    assert expected is not None, f"{actor_name} allowed {trigger} from {state}"
                    assert row.state == expected
                    assert row.version == version + 1
                    assert _audit_count() == audits + 1
                db.session.rollback()
            checked += 1
    assert checked == len(definition.state_map) * len(definition.triggers)


def test_available_actions_match_what_fire_allows(app, engine_only, make_application,
                                                  make_user):
    """The buttons shown are exactly the triggers that would not be refused for lack of role."""
    application = make_application("grant", state="screening")
    secretariat = make_user("secretariat")
    triggers = [a.trigger for a in service.available_actions(application, secretariat)]
    assert triggers == ["request_revision", "refer_to_committee", "reject"]
    owner = make_user("applicant", organisation=application.organisation)
    assert [a.trigger for a in service.available_actions(application, owner)] == ["withdraw"]
    stranger = make_user("applicant")
    assert service.available_actions(application, stranger) == []
    assert service.available_actions(application, make_user("auditor")) == []
