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
from flask import has_app_context
from flask_babel import get_domain, get_locale, gettext

from models.i18n import N_

from . import registry
from .definition import WorkflowDefinition
from .permissions import describe_roles
from .wording import listing, word

# Colours chosen for a contrast of at least 4.5:1 on white (WCAG AA) for their text.
CURRENT = {"style": "filled", "fillcolor": "#0b5ed7", "fontcolor": "white", "color": "#0b5ed7"}
VISITED = {"style": "filled", "fillcolor": "#d1e7dd", "fontcolor": "#0a3622", "color": "#146c43"}
TAKEN = {"color": "#146c43", "fontcolor": "#0a3622", "penwidth": "2.2"}
PLAIN_EDGE = {"color": "#6c757d", "fontcolor": "#343a40"}

# The results that pick one of several arrows of a trigger (Transition.when), as words.
OUTCOME_WORDS = {"approved": N_("approved"), "rejected": N_("rejected"),
                 "deferred": N_("deferred"), "repaid": N_("repaid"),
                 "still_active": N_("still active"), "cured": N_("cured"),
                 "still_in_arrears": N_("still in arrears")}

# What an action asks the person to write (Transition.requires), as words.
INPUT_WORDS = {"comment": N_("Comment"), "reason": N_("Reason")}

# What dot writes before the <svg> element (XML prolog, doctype, comments): not for a page.
_PROLOG = re.compile(r"^.*?(?=<svg)", re.S)


def _graph(definition: WorkflowDefinition, current: str | None,
           moves: tuple[tuple[str, str], ...]) -> graphviz.Digraph:
    visited = {state for move in moves for state in move}
    taken = set(moves)
    # Nodes are named by their labels: the SVG's <title> of each (its tooltip) reads as words.
    name = {state.name: graphviz.escape(word(state.staff_label))
            for state in definition.states}
    graph = graphviz.Digraph(
        name=gettext("%(name)s workflow, version %(version)s", name=word(definition.title),
                     version=definition.version),
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
        label = graphviz.escape(_arrow_words(arrow))
        for source in arrow.sources:
            style = TAKEN if (source, arrow.dest) in taken else PLAIN_EDGE
            graph.edge(name[source], name[arrow.dest], label=label, **style)
    return graph


def _arrow_words(arrow) -> str:
    """An arrow's action, and the result that picks it when its trigger has several."""
    if not arrow.when:
        return word(arrow.label)
    outcome = OUTCOME_WORDS.get(arrow.when)
    return gettext("%(action)s (when %(outcome)s)", action=word(arrow.label),
                   outcome=word(outcome) if outcome else arrow.when.replace("_", " "))


def svg(name: str, version: int, current: str | None = None,
        moves: tuple[tuple[str, str], ...] = ()) -> str:
    """The workflow as an inline SVG element: `current` filled, the `moves` (from, to) a
    file has made drawn bold, their states shaded; in the page's language."""
    # The catalogues' place too: a test app reading other catalogues (a pseudo-locale) in
    # the same process must not be served this app's drawing, nor serve it its own.
    catalogues = tuple(get_domain().translation_directories) if has_app_context() else ()
    return _svg(name, version, current, moves, str(get_locale() or ""), catalogues)


@functools.lru_cache(maxsize=512)
def _svg(name: str, version: int, current: str | None, moves: tuple[tuple[str, str], ...],
         locale: str, catalogues: tuple[str, ...]) -> str:
    """svg's drawing, cached per language (the locale and catalogues are part of the key)."""
    definition = registry.get(name, version)
    drawn = _graph(definition, current, moves).pipe(format="svg", encoding="utf-8")
    return _PROLOG.sub("", drawn, count=1)


def dot_source(name: str, version: int) -> str:
    """The diagram's Graphviz source (for the CLI)."""
    return _graph(registry.get(name, version), None, ()).source


def transition_rows(definition: WorkflowDefinition) -> list[dict]:
    """One row per arrow: trigger, from, to, who, what it needs, the rules it checks."""
    labels = {s.name: word(s.staff_label) for s in definition.states}
    return [
        {
            "trigger": t.trigger,
            "label": word(t.label),
            "from": listing([labels[s] for s in t.sources]),
            "to": (gettext("%(state)s (when %(outcome)s)", state=labels[t.dest],
                           outcome=word(OUTCOME_WORDS.get(t.when, t.when)))
                   if t.when else labels[t.dest]),
            "roles": ", ".join(t.roles),
            "who": describe_roles(t.roles),
            "requires": ", ".join(t.requires),
            "needs": listing([word(INPUT_WORDS.get(n, n)) for n in t.requires]),
            "rules": ", ".join(t.guards),
            "guards": t.guards,  # the rules' names in the code: the page shows them as code
        }
        for t in definition.transitions
    ]
