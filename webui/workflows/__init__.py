"""A page per workflow: its diagram and its table of transitions."""

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from markupsafe import Markup

from workflow.engine import diagrams, registry

from ..access import signed_in
from ..labels import workflow_label

bp = Blueprint("workflows", __name__, url_prefix="/workflows")

@bp.route("/")
@signed_in
def index():
    definitions = [registry.get(name) for name in registry.names()]
    return render_template("workflows/index.html", definitions=definitions)


@bp.route("/<name>")
@bp.route("/<name>/v<int:version>")
@signed_in
def show(name: str, version: int | None = None):
    try:
        definition = registry.get(name, version)
    except KeyError:
        abort(404)
    return render_template(
        "workflows/show.html", definition=definition,
        title=_("%(workflow)s workflow", workflow=workflow_label(name)),
        diagram=Markup(diagrams.svg(definition.name, definition.version)),
        rows=diagrams.transition_rows(definition), versions=registry.versions(name),
    )
