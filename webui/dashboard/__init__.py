"""The home page: what waits for the user, by role."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from . import money, views  # noqa: E402,F401
