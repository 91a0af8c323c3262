"""The blueprints of the API's operations, each set up once (a second app registers the same
ones): the failed-token budget, and files the caller may not see refused before anything else."""

from __future__ import annotations

from flask_smorest import Blueprint

from .files import refuse_hidden_files
from .tokens import token_limit


def api_blueprint(name: str, import_name: str, **options) -> Blueprint:
    blueprint = Blueprint(name, import_name, **options)
    token_limit(blueprint)
    blueprint.before_request(refuse_hidden_files)
    return blueprint
