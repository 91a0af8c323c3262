"""Seeing a workflow: its table of transitions and its diagram.

The diagram is drawn on the server by Graphviz (`dot`, Debian's graphviz package, driven
through the `graphviz` PyPI package) as SVG, in the words people read: each state by its
label, each arrow by its action. A file's page marks the state it is in and the arrows it
has taken. The drawing is cached per (workflow, version, state, path).
"""

from __future__ import annotations

import functools
import re

import graphviz

from . import registry
from .definition import WorkflowDefinition
from .permissions import describe_roles

# Colours chosen for a contrast of at least 4.5:1 on white (WCAG AA) for their text.
CURRENT = {"style": "filled", "fillcolor": "#0b5ed7", "fontcolor": "white", "color": "#0b5ed7"}
VISITED = {"style": "filled", "fillcolor": "#d1e7dd", "fontcolor": "#0a3622", "color": "#146c43"}
TAKEN = {"color": "#146c43", "fontcolor": "#0a3622", "penwidth": "2.2"}
PLAIN_EDGE = {"color": "#6c757d", "fontcolor": "#343a40"}

# What dot writes before the <svg> element (XML prolog, doctype, comments): not for a page.
_PROLOG = re.compile(r"^.*?(?=<svg)", re.S)


def _graph(definition: WorkflowDefinition, current: str | None,
           moves: tuple[tuple[str, str], ...]) -> graphviz.Digraph:
    visited = {state for move in moves for state in move}
    taken = set(moves)
    # Nodes are named by their labels: the SVG's <title> of each (its tooltip) reads as words.
    name = {state.name: graphviz.escape(state.staff_label) for state in definition.states}
    graph = graphviz.Digraph(
        name=f"{definition.name} workflow, version {definition.version}",
        graph_attr={"rankdir": "LR", "fontname": "Helvetica", "nodesep": "0.35",
                    "ranksep": "0.55", "bgcolor": "white"},
        node_attr={"shape": "box", "style": "rounded", "fontname": "Helvetica",
                   "fontsize": "14", "margin": "0.18,0.08", "fontcolor": "#212529"},
        edge_attr={"fontname": "Helvetica", "fontsize": "11"},
    )
    for state in definition.states:
        attrs = CURRENT if state.name == current else VISITED if state.name in visited else {}
        shape = {"peripheries": "2"} if state.final else {}
        # graphviz.escape keeps dot from reading a backslash or <…> in a label as markup;
        # graphviz quotes it, and dot escapes the text again as it writes the SVG.
        graph.node(name[state.name], **attrs, **shape)
    for arrow in definition.transitions:
        when = f" (when {arrow.when.replace('_', ' ')})" if arrow.when else ""
        label = graphviz.escape(arrow.label + when)
        for source in arrow.sources:
            style = TAKEN if (source, arrow.dest) in taken else PLAIN_EDGE
            graph.edge(name[source], name[arrow.dest], label=label, **style)
    return graph


@functools.lru_cache(maxsize=512)
def svg(name: str, version: int, current: str | None = None,
        moves: tuple[tuple[str, str], ...] = ()) -> str:
    """The workflow as an inline SVG element: `current` filled, the `moves` (from, to) a
    file has made drawn bold, their states shaded."""
    definition = registry.get(name, version)
    drawn = _graph(definition, current, moves).pipe(format="svg", encoding="utf-8")
    return _PROLOG.sub("", drawn, count=1)


def dot_source(name: str, version: int) -> str:
    """The diagram's Graphviz source (for the CLI)."""
    return _graph(registry.get(name, version), None, ()).source


def transition_rows(definition: WorkflowDefinition) -> list[dict]:
    """One row per arrow: trigger, from, to, who, what it needs, the rules it checks."""
    labels = {s.name: s.staff_label for s in definition.states}
    return [
        {
            "trigger": t.trigger,
            "label": t.label,
            "from": ", ".join(labels[s] for s in t.sources),
            "to": labels[t.dest] + (f" (when {t.when})" if t.when else ""),
            "roles": ", ".join(t.roles),
            "who": describe_roles(t.roles),
            "requires": ", ".join(t.requires),
            "rules": ", ".join(t.guards),
        }
        for t in definition.transitions
    ]
