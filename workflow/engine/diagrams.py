"""Seeing a workflow: its table of transitions and its Mermaid diagram.

The diagram comes from transitions' mermaid graph engine, with the current
state highlighted. Diagram machines are separate from the firing machines and
drawn once per (workflow, version, state), then cached.
"""

from __future__ import annotations

import functools
import threading

from transitions.extensions import GraphMachine

from . import registry
from .definition import WorkflowDefinition
from .permissions import describe_roles

_draw_lock = threading.Lock()


class _Marker:
    """Stands for an application in the state to highlight while the graph is drawn."""

    def __init__(self, state: str):
        self.state = state


def _graph_machine(definition: WorkflowDefinition) -> GraphMachine:
    return GraphMachine(
        model=None,
        states=[s.name for s in definition.states],
        transitions=[{"trigger": t.trigger, "source": list(t.sources), "dest": t.dest}
                     for t in definition.transitions],
        initial=definition.initial, auto_transitions=False, graph_engine="mermaid",
        title=f"{definition.name} v{definition.version}", model_attribute="state",
    )


@functools.cache
def _machine_for(name: str, version: int) -> GraphMachine:
    return _graph_machine(registry.get(name, version))


@functools.lru_cache(maxsize=256)
def mermaid(name: str, version: int, current: str | None = None) -> str:
    """Mermaid source of the workflow, with `current` highlighted when given."""
    machine = _machine_for(name, version)
    with _draw_lock:  # the graph machine is shared; draw one picture at a time
        marker = _Marker(registry.get(name, version).initial)
        machine.add_model(marker)
        try:
            marker.state = current or marker.state
            source = marker.get_graph(force_new=True).draw(None)
        finally:
            machine.remove_model(marker)
            machine.model_graphs.pop(id(marker), None)
    if current is None:  # the plain diagram: nothing highlighted
        source = source.replace(f"Class {marker.state} s_active", f"Class {marker.state} s_default")
    return source


def transition_rows(definition: WorkflowDefinition) -> list[dict]:
    """One row per arrow: trigger, from, to, who, what it needs, the rules it checks."""
    return [
        {
            "trigger": t.trigger,
            "label": t.label,
            "from": ", ".join(t.sources),
            "to": t.dest + (f" (when {t.when})" if t.when else ""),
            "roles": ", ".join(t.roles),
            "who": describe_roles(t.roles),
            "requires": ", ".join(t.requires),
            "rules": ", ".join(t.guards),
        }
        for t in definition.transitions
    ]
