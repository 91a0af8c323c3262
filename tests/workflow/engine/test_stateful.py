"""Random triggers fired by random users: the engine never reaches an undefined state,
every change leaves exactly one audit event, refusals leave none, the chain verifies, and
the files kept counted by kind and state (workflow.engine.state_totals) are the files, and
every kept figure equals an independent sum of its sources (workflow.money.kept_figures;
the money of each file's tranches has its own random walk in
tests/workflow/money/test_release_totals.py)."""

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from models import Application, AuditEvent, StateTotal, db, write_intent
from workflow.engine import audit, registry, service
from workflow.engine.errors import TransitionRefused
from workflow.money import kept_figures

ROLES = ("applicant", "secretariat", "committee_member", "committee_chair", "finance_officer",
         "auditor", "admin")


def _audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.mark.parametrize("kind", ["grant", "loan"])
def test_random_walks_through_the_workflow(app, engine_only, make_application, make_user,
                                           make_org, kind):
    definition = registry.get(kind)
    org = make_org(kind="company" if kind == "loan" else "alumni_society")
    users = [make_user(role, organisation=org if role == "applicant" else None)
             for role in ROLES]
    users.append(make_user("applicant"))  # of another organisation
    applications = [make_application(kind, organisation=org) for _ in range(3)]
    ids = [a.id for a in applications]

    class Walk(RuleBasedStateMachine):
        @rule(which=st.sampled_from(ids), trigger=st.sampled_from(definition.triggers),
              actor=st.sampled_from([*range(len(users)), None]),
              outcome=st.sampled_from([None, "approved", "rejected", "deferred", "repaid",
                                       "still_active", "cured", "still_in_arrears"]),
              comment=st.sampled_from(["", "Looks fine."]))
        def fire_something(self, which, trigger, actor, outcome, comment):
            db.session.commit()
            with write_intent(True):
                row = db.session.get(Application, which)
                before_state, before_version, before_audit = row.state, row.version, (
                    _audit_count())
                person = users[actor] if actor is not None else None
                try:
                    service.fire(row, trigger, person, outcome=outcome, comment=comment,
                                 reason=comment)
                except TransitionRefused:
                    db.session.rollback()
                    row = db.session.get(Application, which)
                    assert (row.state, row.version) == (before_state, before_version)
                    assert _audit_count() == before_audit
                else:
                    db.session.commit()
                    assert row.version == before_version + 1
                    assert _audit_count() == before_audit + 1
                    assert row.state in {t.dest for t in definition.arrows(trigger,
                                                                            before_state)}

        @invariant()
        def states_are_defined(self):
            states = db.session.scalars(select(Application.state)).all()
            assert set(states) <= set(definition.state_map)

        @invariant()
        def kept_state_counts_are_the_files(self):
            counted = dict(db.session.execute(
                select(Application.state, func.count()).group_by(Application.state)).all())
            kept = {row.state: row.applications for row in db.session.scalars(
                select(StateTotal).where(StateTotal.kind == kind, StateTotal.applications > 0))}
            assert kept == counted

        def teardown(self):
            db.session.rollback()
            assert audit.verify().ok
            assert kept_figures.differences() == []

    run_state_machine_as_test(Walk, settings=settings(
        max_examples=25, stateful_step_count=30, deadline=None,
        suppress_health_check=list(HealthCheck)))
