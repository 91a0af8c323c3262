"""The one way an application changes state.

`fire` runs inside the caller's transaction and never commits: it locks the
row, checks the version, the role, the object rules, the required inputs and
the guards, moves the state through the workflow's shared Machine, writes the
comment and the audit event, and runs the effects (ledger, ballots,
notifications). A refusal raises TransitionRefused and leaves everything —
row, session, database — as it was.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from models import Application, Comment, User, db, utcnow

from . import audit, registry, rules
from .definition import INPUT_LABELS, Transition
from .errors import StaleApplication, TransitionRefused
from .locking import ensure_write_transaction
from .permissions import acting_roles, describe_roles

log = logging.getLogger(__name__)

TEXT_INPUTS = ("comment", "reason")


@dataclass(frozen=True)
class Action:
    """A button: what the user may do now, or why it is blocked."""

    trigger: str
    label: str
    requires: tuple[str, ...]
    style: str
    confirm: str | None
    form: str | None
    blocked: str | None = None


def lock(application: Application) -> Application:
    """Re-read the row under a lock (FOR UPDATE; SQLite's write lock is already held)."""
    ensure_write_transaction(db.session)
    return db.session.execute(
        select(Application).where(Application.id == application.id).with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def _refuse_unless_permitted(step: rules.Step, arrows: list[Transition]) -> None:
    app, definition = step.application, step.definition
    roles = tuple(dict.fromkeys(r for t in arrows for r in t.roles))
    if not acting_roles(step.actor, app, roles):
        label = arrows[0].label
        raise TransitionRefused(
            f"Only {describe_roles(roles)} may {label[0].lower()}{label[1:]}."
        )
    for rule in rules.permissions_for(definition.name, step.trigger):
        message = rule(step)
        if message:
            raise TransitionRefused(message)


def _choose_arrow(step: rules.Step, arrows: list[Transition]) -> Transition:
    if len(arrows) == 1 and arrows[0].when is None:
        return arrows[0]
    decide = rules.outcome_for(step.definition.name, step.trigger)
    step.outcome = decide(step) if decide else step.inputs.get("outcome")
    for arrow in arrows:
        if arrow.when == step.outcome:
            return arrow
    raise TransitionRefused(f"There is no outcome {step.outcome!r} for this action now.")


def _check_inputs(step: rules.Step, arrow: Transition) -> None:
    for name in arrow.requires:
        value = step.inputs.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            label = INPUT_LABELS.get(name, name.replace("_", " "))
            raise TransitionRefused(f"{label[0].upper()}{label[1:]} is required to "
                                    f"{arrow.label[0].lower()}{arrow.label[1:]}.")


def _check_guards(step: rules.Step, arrow: Transition) -> None:
    for name in arrow.guards:
        message = rules.check_guard(name, step)
        if message:
            raise TransitionRefused(message)


def fire(application: Application, trigger: str, actor: User | None, *,
         expected_version: int | None = None, today: date | None = None,
         **inputs) -> Application:
    """Move the application by `trigger` as `actor` (None: a scheduled job)."""
    definition = registry.get(application.workflow_name, application.workflow_version)
    if trigger not in definition.triggers:
        raise TransitionRefused(f"“{trigger}” is not an action of the {definition.name} "
                                "workflow.")
    app = lock(application)
    if expected_version is not None and app.version != expected_version:
        raise StaleApplication()
    step = rules.Step(app, trigger, actor, inputs, today or date.today(), definition,
                      from_state=app.state)
    arrows = definition.arrows(trigger, app.state)
    if not arrows:
        any_arrow = definition.arrows(trigger)[0]
        raise TransitionRefused(
            f"“{any_arrow.label}” is not possible while the application is "
            f"{definition.state(app.state).staff_label.lower()}."
        )
    _refuse_unless_permitted(step, arrows)
    arrow = _choose_arrow(step, arrows)
    step.transition = arrow
    _check_inputs(step, arrow)
    _check_guards(step, arrow)

    with db.session.begin_nested():
        if not definition.machine.events[trigger].trigger(app, outcome=step.outcome):
            raise TransitionRefused(f"“{arrow.label}” is not possible now.")
        app.state_changed_at = utcnow()
        for effect in rules.effects_for(definition.name, trigger):
            effect(step)
        text = next((inputs[k].strip() for k in TEXT_INPUTS
                     if isinstance(inputs.get(k), str) and inputs[k].strip()), None)
        if text:
            db.session.add(Comment(application_id=app.id, author_id=actor.id if actor else None,
                                   body=text, trigger=trigger))
        db.session.flush()
        audit.record(
            trigger, actor=actor, object_type="application", object_id=app.id,
            from_state=step.from_state, to_state=app.state,
            data={"reference": app.reference, "workflow": definition.name,
                  "workflow_version": definition.version,
                  **({"outcome": step.outcome} if step.outcome else {}),
                  **({"comment": text} if text else {}), **step.data},
        )
    log.info("application %s: %s %s -> %s by %s", app.reference, trigger, step.from_state,
             app.state, actor.email if actor else "system")
    return app


def available_actions(application: Application, user: User | None,
                      today: date | None = None) -> list[Action]:
    """Exactly the actions this user may take on this application now (the page's buttons).

    An action whose rules do not hold right now is listed with the reason it is blocked.
    """
    definition = registry.get(application.workflow_name, application.workflow_version)
    actions = []
    for trigger in definition.triggers:
        arrows = definition.arrows(trigger, application.state)
        if not arrows:
            continue
        step = rules.Step(application, trigger, user, {}, today or date.today(), definition,
                          from_state=application.state)
        try:
            _refuse_unless_permitted(step, arrows)
        except TransitionRefused:
            continue
        first = arrows[0]
        blocked = None
        if first.when is None:
            step.transition = first
            blocked = next(filter(None, (rules.check_guard(g, step) for g in first.guards)),
                           None)
        actions.append(Action(trigger, first.label, first.requires, first.style,
                              first.confirm, first.form, blocked))
    return actions
