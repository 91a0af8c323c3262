"""The one way an application changes state.

`fire` runs inside the caller's transaction and never commits: it checks the
version, the role, the object rules, the required inputs and the guards, lets
the workflow's shared Machine choose the new state, writes it with a
compare-and-set UPDATE (which also locks the row), runs the effects (ledger,
ballots, notifications) and writes the comment and the audit event, all in a
savepoint. A refusal raises TransitionRefused and leaves everything — row,
session, database — as it was.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm.attributes import set_committed_value

from models import Application, Comment, User, db, utcnow

from . import audit, deadlines, kept, registry, rules, state_totals
from .definition import INPUT_LABELS, Transition
from .driver_sql import DriverStatement
from .errors import StaleApplication, TransitionRefused
from .locking import ensure_write_transaction
from .permissions import acting_roles, describe_roles
from .wording import lower_first, word

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
        # NO KEY: rows referencing the application (tranches, ballots) may still be inserted.
        select(Application).where(Application.id == application.id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).scalar_one()


def _refuse_unless_permitted(step: rules.Step, arrows: list[Transition]) -> None:
    app, definition = step.application, step.definition
    roles = tuple(dict.fromkeys(r for t in arrows for r in t.roles))
    if not acting_roles(step.actor, app, roles):
        label = arrows[0].label
        raise TransitionRefused(_("Only %(roles)s may %(action)s.", roles=describe_roles(roles),
                                  action=lower_first(word(label))))
    for rule in rules.permissions_of(arrows, definition):
        message = rule(step)
        if message:
            raise TransitionRefused(message)


def _choose_arrow(step: rules.Step, arrows: list[Transition]) -> Transition:
    if len(arrows) == 1 and arrows[0].when is None:
        return arrows[0]
    decide = rules.outcome_of(arrows, step.definition)
    step.outcome = decide(step) if decide else step.inputs.get("outcome")
    for arrow in arrows:
        if arrow.when == step.outcome:
            return arrow
    raise TransitionRefused(_("There is no outcome %(outcome)s for this action now.",
                              outcome=repr(step.outcome)))


def _check_inputs(step: rules.Step, arrow: Transition) -> None:
    for name in arrow.requires:
        value = step.inputs.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            label = word(INPUT_LABELS[name]) if name in INPUT_LABELS else name.replace("_", " ")
            raise TransitionRefused(_("%(input)s is required to %(action)s.",
                                      input=label[:1].upper() + label[1:],
                                      action=lower_first(word(arrow.label))))


def _check_guards(step: rules.Step, arrow: Transition) -> None:
    for name in arrow.guards:
        message = rules.check_guard(name, step)
        if message:
            raise TransitionRefused(message)


class _LostTheRace(StaleApplication):
    """The compare-and-set found the row changed since it was read."""


RETRIES = 3


_TABLE = Application.__table__
# Built once: the statement every transition runs, by its SQL text (driver_sql). updated_at
# is given (the same moment as state_changed_at) rather than left to the column's onupdate,
# which SQLAlchemy would evaluate through its Python-side default machinery on every
# execution. It moves the file's revision too (workflow.engine.kept): the transition is a
# change of the file's page, and one UPDATE of the row does both. It returns the people's
# revision, which the hooks after the transition file what they keep under (whom to
# notify): a row returned is also the sign that the compare-and-set held.
_CAS_STATEMENT = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("b_id"), _TABLE.c.state == bindparam("b_state"),
           _TABLE.c.version == bindparam("b_version"))
    .values(state=bindparam("b_new_state"), version=_TABLE.c.version + 1,
            revision=_TABLE.c.revision + 1,
            state_changed_at=bindparam("b_now"), updated_at=bindparam("b_now"),
            due_on=bindparam("b_due_on"))
    .returning(kept.PEOPLE_REVISION_NOW)
)
_CAS = DriverStatement(_CAS_STATEMENT)


# The same, for a due date counted from the days this worker last read of the fund: it
# also checks that the fund still has those days.
_CAS_WITH_DAYS = {setting: DriverStatement(_CAS_STATEMENT.where(days == bindparam("b_days")))
                  for setting, days in deadlines.FUND_SETTING.items()}


def _compare_and_set(conn, app: Application, new_state: str, now, due: deadlines.Due,
                     today: date):
    """UPDATE … WHERE id, state and version are still what the checks saw; else refuse.
    Returns the people's revision as the UPDATE read it.

    The UPDATE also takes the row lock (PostgreSQL) for the rest of the transaction,
    so the effects that follow run on a row nobody else can move.
    """
    values = {"b_id": app.id, "b_state": app.state, "b_version": app.version,
              "b_new_state": new_state, "b_now": now, "b_due_on": due.on}
    done = None
    if due.setting is not None:
        done = _CAS_WITH_DAYS[due.setting].execute(
            conn, {**values, "b_days": due.days}).first()
        if done is None:  # the race lost, or the fund's days changed: count from its row
            due = deadlines.due_on_entering(app, new_state, today, as_last_read=False)
            values["b_due_on"] = due.on
    if done is None:
        done = _CAS.execute(conn, values).first()
        if done is None:
            raise _LostTheRace()
    for key, value in (("state", new_state), ("version", app.version + 1),
                       ("revision", app.revision + 1), ("state_changed_at", now),
                       ("updated_at", now), ("due_on", due.on)):
        set_committed_value(app, key, value)
    return done[0]


def fire(application: Application, trigger: str, actor: User | None, *,
         expected_version: int | None = None, today: date | None = None,
         **inputs) -> Application:
    """Move the application by `trigger` as `actor` (None: a scheduled job).

    With `expected_version` (a form: the user saw that version) a concurrent change is
    refused: the user must see it first. Without one (a job, a repayment feed), losing the
    compare-and-set means re-reading the row and deciding again on what it now is.
    """
    for attempt in range(RETRIES):
        try:
            return _fire_once(application, trigger, actor, expected_version, today, inputs)
        except _LostTheRace:
            if expected_version is not None or attempt == RETRIES - 1:
                raise StaleApplication() from None
            db.session.refresh(application)
    raise AssertionError("unreachable")


def _fire_once(application: Application, trigger: str, actor: User | None,
               expected_version: int | None, today: date | None, inputs: dict) -> Application:
    # Its statements (compare-and-set, chain head, audit event, whom to notify) are built
    # once and run on the transaction's connection.
    conn = ensure_write_transaction(db.session)
    app = application
    definition = registry.get(app.workflow_name, app.workflow_version)
    if trigger not in definition.triggers:
        raise TransitionRefused(_("“%(trigger)s” is not an action of the %(workflow)s workflow.",
                                  trigger=trigger, workflow=definition.name))
    if expected_version is not None and app.version != expected_version:
        raise StaleApplication()
    step = rules.Step(app, trigger, actor, inputs, today or date.today(), definition,
                      from_state=app.state, connection=conn)
    arrows = definition.arrows(trigger, app.state)
    if not arrows:
        any_arrow = definition.arrows(trigger)[0]
        raise TransitionRefused(_(
            "“%(action)s” is not possible while the application is %(state)s.",
            action=word(any_arrow.label),
            state=lower_first(word(definition.state(app.state).staff_label))))
    _refuse_unless_permitted(step, arrows)
    arrow = _choose_arrow(step, arrows)
    step.transition = arrow
    _check_inputs(step, arrow)
    _check_guards(step, arrow)

    # The row itself is written once, by the compare-and-set below.
    new_state = definition.destination(trigger, app.state, step.outcome)
    if new_state is None:
        raise TransitionRefused(_("“%(action)s” is not possible now.", action=word(arrow.label)))
    remembered = ("state", "version", "revision", "state_changed_at", "updated_at", "due_on")
    before = tuple(getattr(app, key) for key in remembered)
    effects = rules.effects_of(arrow, definition)
    # Effects may still refuse (a fund too short…): then the savepoint undoes everything.
    # Without effects nothing after the compare-and-set can refuse, and the savepoint's
    # two statements are saved.
    # (The hooks run after every transition only write notifications: they never refuse.)
    guard_block = db.session.begin_nested() if effects else contextlib.nullcontext()
    try:
        with guard_block, kept.moved_by_transition(app.id):
            due = (deadlines.due_on_entering(app, new_state, step.today)
                   if new_state != app.state else deadlines.Due(app.due_on))
            step.people_revision = _compare_and_set(conn, app, new_state, utcnow(), due,
                                                    step.today)
            for effect in effects:
                effect(step)
            for hook in rules.after_every_transition():
                hook(step)
            text = next((inputs[k].strip() for k in TEXT_INPUTS
                         if isinstance(inputs.get(k), str) and inputs[k].strip()), None)
            if text:
                db.session.add(Comment(application_id=app.id, trigger=trigger, body=text,
                                       author_id=actor.id if actor else None))
            audit.record(
                trigger, connection=conn, actor=actor, object_type="application", object_id=app.id,
                from_state=step.from_state, to_state=app.state,
                data={"reference": app.reference, "workflow": definition.name,
                      "workflow_version": definition.version,
                      **({"outcome": step.outcome} if step.outcome else {}),
                      **({"comment": text} if text else {}), **step.data},
                file_revision_moved=True,
            )
            # The kept count of files by state, after the event: under the chain's lock,
            # which every writer takes before a kept row (workflow.engine.locking).
            state_totals.state_moved(conn, app.kind, step.from_state, app.state)
    except BaseException:
        # The savepoint has undone the database; put the row in memory back as it was.
        for key, value in zip(remembered, before, strict=True):
            set_committed_value(app, key, value)
        raise
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
        # The labels are words defined as data (N_): said in the reader's language.
        actions.append(Action(trigger, word(first.label), first.requires, first.style,
                              first.confirm and word(first.confirm), first.form, blocked))
    return actions
