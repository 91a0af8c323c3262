"""Committee ballots: members vote, the chair follows the tally and closes the ballot."""

from flask import Blueprint

bp = Blueprint("committee", __name__, url_prefix="/committee")

from . import views  # noqa: E402,F401
