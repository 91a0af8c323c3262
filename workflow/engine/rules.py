"""The rules a transition checks (guards), and the hooks that give it effects.

A guard takes the `Step` being attempted and returns None when the rule holds,
or the sentence that tells the user why not. Each arrow of a definition names its
guards, permissions, effects and outcome (workflow.engine.definition.Transition); the
features register the functions under those names here, and the service calls them by
the names the arrow gives.
"""

from __future__ import annotations

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
    # The transaction's connection, as the service runs its own statements on it: the
    # hooks' prebuilt queries use it too.
    connection: Any = None
    # The people's revision, as the compare-and-set read it: what the hooks keep across
    # transitions (whom to notify) is filed under it (workflow.engine.kept).
    people_revision: Any = None

    @property
    def fund_code(self) -> str:
        return self.application.fund.code


Guard = Callable[[Step], str | None]
Effect = Callable[[Step], None]
Outcome = Callable[[Step], str]

# Each by the name a Transition gives it (workflow.engine.definition.Transition).
GUARDS: dict[str, Guard] = {}
_EFFECTS: dict[str, Effect] = {}
_OUTCOMES: dict[str, Outcome] = {}
_PERMISSIONS: dict[str, Guard] = {}
_EVERY_TRANSITION: list[Effect] = []


def _named(registry: dict, kind: str, name: str):
    def register(func):
        if registry.get(name, func) is not func:
            raise ValueError(f"Two {kind}s are named {name!r}")
        registry[name] = func
        return func

    return register


def guard(name: str) -> Callable[[Guard], Guard]:
    """A rule that must hold for the arrows naming it in their `guards`."""
    return _named(GUARDS, "guard", name)


def effect(name: str) -> Callable[[Effect], Effect]:
    """Run after the state has changed, in the same transaction (ledger, ballots…), for the
    arrows naming it in their `effects`, in the order they name them."""
    return _named(_EFFECTS, "effect", name)


def outcome(name: str) -> Callable[[Outcome], Outcome]:
    """Decides which arrow a many-destination trigger takes (e.g. the ballot's result), for
    the arrows naming it as their `outcome`."""
    return _named(_OUTCOMES, "outcome", name)


def permission(name: str) -> Callable[[Guard], Guard]:
    """An object-level rule on who may act (recusal, four eyes), beyond the role, for the
    arrows naming it in their `permissions`."""
    return _named(_PERMISSIONS, "permission", name)


def on_every_transition(func: Effect) -> Effect:
    """Run after every successful transition of every workflow (notifications)."""
    if func not in _EVERY_TRANSITION:
        _EVERY_TRANSITION.append(func)
    return func


def _lookup(registry: dict, kind: str, name: str, definition: WorkflowDefinition):
    try:
        return registry[name]
    except KeyError:
        raise LookupError(f"The {kind} {name!r} named by {definition.name} "
                          f"v{definition.version} has no implementation.") from None


def effects_of(arrow: Transition, definition: WorkflowDefinition) -> list[Effect]:
    return [_lookup(_EFFECTS, "effect", name, definition) for name in arrow.effects]


def after_every_transition() -> list[Effect]:
    return _EVERY_TRANSITION


def outcome_of(arrows: list[Transition], definition: WorkflowDefinition) -> Outcome | None:
    name = next((t.outcome for t in arrows if t.outcome), None)
    return None if name is None else _lookup(_OUTCOMES, "outcome", name, definition)


def permissions_of(arrows: list[Transition], definition: WorkflowDefinition) -> list[Guard]:
    names = dict.fromkeys(name for t in arrows for name in t.permissions)
    return [_lookup(_PERMISSIONS, "permission", name, definition) for name in names]


def check_guard(name: str, step: Step) -> str | None:
    return _lookup(GUARDS, "rule", name, step.definition)(step)
