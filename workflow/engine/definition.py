"""Workflows as data: states, transitions, who may fire them and what they need.

A `WorkflowDefinition` is immutable. Each (name, version) gets one shared
`transitions.Machine`, built once, with no model registered on it: rows are
passed to its events one call at a time (see workflow.engine.service).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from transitions import Machine

from models.i18n import N_

SYSTEM = "system"  # the role of scheduled jobs (e.g. the daily arrears run)
OWNER = "applicant"  # the applicant role acts only on their organisation's files

INPUT_LABELS = {
    "comment": N_("a comment"),
    "reason": N_("a reason"),
}


@dataclass(frozen=True)
class State:
    name: str
    staff_label: str
    applicant_label: str
    final: bool = False


@dataclass(frozen=True)
class Transition:
    """One arrow of the diagram.

    Everything the arrow does is named here, and the features register the functions
    under these names (workflow.engine.rules): `roles` may fire it, `permissions` are the
    object-level rules on who may (recusal, four eyes), `guards` the rules that must hold,
    `requires` the inputs the user must give, `effects` run in this order once the state
    has changed. Several arrows may share a trigger (decide → approved / rejected /
    deferred): their `outcome` names the rule that computes the result, and `when` the
    result that picks this arrow.
    """

    trigger: str
    sources: tuple[str, ...]
    dest: str
    roles: tuple[str, ...]
    label: str
    requires: tuple[str, ...] = ()
    guards: tuple[str, ...] = ()
    permissions: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    outcome: str | None = None
    when: str | None = None
    style: str = "primary"
    confirm: str | None = None
    # Fired from a dedicated page or by another action (ballot, tranche): no plain button.
    form: str | None = None


class _StateHolder:
    """Stands for a file while the Machine moves it: the Machine keeps no reference to it."""

    def __init__(self, state: str):
        self.state = state


@dataclass(frozen=True)
class WorkflowDefinition:
    name: str
    version: int
    initial: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    description: str = ""
    title: str = ""  # the workflow's name as a person reads it ("Grant"), marked with N_
    # The states a file passes through when all goes well, in order: the page's stepper.
    main_path: tuple[str, ...] = ()
    # A state off the main path and the step of the main path it belongs to (a revision
    # asked during screening, arrears while repaying).
    step_of: tuple[tuple[str, str], ...] = ()

    def __post_init__(self):
        names = {s.name for s in self.states}
        if self.initial not in names:
            raise ValueError(f"{self.name} v{self.version}: unknown initial state {self.initial}")
        unknown = ({*self.main_path} | {n for pair in self.step_of for n in pair}) - names
        if unknown:
            raise ValueError(f"{self.name} v{self.version}: its main path names {unknown}")
        for t in self.transitions:
            unknown = ({t.dest, *t.sources}) - names
            if unknown:
                raise ValueError(f"{self.name} v{self.version}: {t.trigger} names {unknown}")

    @property
    def key(self) -> tuple[str, int]:
        return (self.name, self.version)

    @cached_property
    def state_map(self) -> dict[str, State]:
        return {s.name: s for s in self.states}

    @cached_property
    def triggers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.trigger for t in self.transitions))

    def state(self, name: str) -> State:
        return self.state_map[name]

    def arrows(self, trigger: str, source: str | None = None) -> list[Transition]:
        return [t for t in self.transitions
                if t.trigger == trigger and (source is None or source in t.sources)]

    def roles_for(self, trigger: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r for t in self.arrows(trigger) for r in t.roles))

    def destination(self, trigger: str, source: str, outcome: str | None) -> str | None:
        """The state the Machine moves a file in `source` to by `trigger` with `outcome`;
        None when it refuses. Its conditions read the outcome alone and the definition never
        changes, so each (trigger, source, outcome) is asked of the Machine once per process."""
        key = (trigger, source, outcome)
        moves = self._moves
        if key not in moves:
            holder = _StateHolder(source)
            moved = self.machine.events[trigger].trigger(holder, outcome=outcome)
            moves[key] = holder.state if moved else None
        return moves[key]

    @cached_property
    def _moves(self) -> dict[tuple[str, str, str | None], str | None]:
        return {}

    @cached_property
    def machine(self) -> Machine:
        """The one Machine of this definition; `when` predicates become its conditions."""
        from .outcomes import condition_for

        return Machine(
            model=None,
            states=[s.name for s in self.states],
            transitions=[
                {
                    "trigger": t.trigger,
                    "source": list(t.sources),
                    "dest": t.dest,
                    "conditions": [condition_for(t.when)] if t.when else [],
                }
                for t in self.transitions
            ],
            initial=self.initial,
            auto_transitions=False,
            send_event=True,
            model_attribute="state",
            ignore_invalid_triggers=False,
        )
