"""The rules a transition checks (guards), and the hooks that give it effects.

A guard takes the `Step` being attempted and returns None when the rule holds,
or the sentence that tells the user why not. The lifecycle modules register
their guards and effects here; the service calls them by the names the
workflow definitions give.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from models import Application, User

from .definition import Transition, WorkflowDefinition


@dataclass
class Step:
    """One attempt to fire a trigger: what the guards and effects get to see."""

    application: Application
    trigger: str
    actor: User | None
    inputs: dict[str, Any]
    today: date
    definition: WorkflowDefinition
    transition: Transition | None = None
    from_state: str | None = None
    outcome: str | None = None
    data: dict[str, Any] = field(default_factory=dict)  # added to the audit event
    # The transaction's connection, as the service runs its own statements on it (on SQLite
    # straight to the driver): the hooks' prebuilt queries use it too.
    connection: Any = None

    @property
    def fund_code(self) -> str:
        return self.application.fund.code


Guard = Callable[[Step], str | None]
Effect = Callable[[Step], None]
Outcome = Callable[[Step], str]

GUARDS: dict[str, Guard] = {}
# (workflow name, trigger) -> callables
_EFFECTS: dict[tuple[str, str], list[Effect]] = defaultdict(list)
_OUTCOMES: dict[tuple[str, str], Outcome] = {}
_PERMISSIONS: dict[tuple[str, str], list[Guard]] = defaultdict(list)
_EVERY_TRANSITION: list[Effect] = []


def guard(name: str) -> Callable[[Guard], Guard]:
    def register(func: Guard) -> Guard:
        GUARDS[name] = func
        return func

    return register


def effect(workflow: str, *triggers: str) -> Callable[[Effect], Effect]:
    """Run after the state has changed, in the same transaction (ledger, ballots…)."""

    def register(func: Effect) -> Effect:
        for trigger in triggers:
            if func not in _EFFECTS[(workflow, trigger)]:
                _EFFECTS[(workflow, trigger)].append(func)
        return func

    return register


def outcome(workflow: str, trigger: str) -> Callable[[Outcome], Outcome]:
    """Decides which arrow a many-destination trigger takes (e.g. the ballot's result)."""

    def register(func: Outcome) -> Outcome:
        _OUTCOMES[(workflow, trigger)] = func
        return func

    return register


def permission(workflow: str, *triggers: str) -> Callable[[Guard], Guard]:
    """An object-level rule on who may act (recusal, four eyes), beyond the role."""

    def register(func: Guard) -> Guard:
        for trigger in triggers:
            if func not in _PERMISSIONS[(workflow, trigger)]:
                _PERMISSIONS[(workflow, trigger)].append(func)
        return func

    return register


def on_every_transition(func: Effect) -> Effect:
    """Run after every successful transition of every workflow (notifications)."""
    if func not in _EVERY_TRANSITION:
        _EVERY_TRANSITION.append(func)
    return func


def effects_for(workflow: str, trigger: str) -> list[Effect]:
    return _EFFECTS.get((workflow, trigger), [])


def after_every_transition() -> list[Effect]:
    return _EVERY_TRANSITION


def outcome_for(workflow: str, trigger: str) -> Outcome | None:
    return _OUTCOMES.get((workflow, trigger))


def permissions_for(workflow: str, trigger: str) -> list[Guard]:
    return _PERMISSIONS.get((workflow, trigger), [])


def check_guard(name: str, step: Step) -> str | None:
    try:
        rule = GUARDS[name]
    except KeyError:
        raise LookupError(f"The rule {name!r} named by {step.definition.name} "
                          f"v{step.definition.version} has no implementation.") from None
    return rule(step)
