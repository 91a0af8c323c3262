"""Application pages: the file, its diagram and timeline, and the buttons the user may press."""

from flask import Blueprint

bp = Blueprint("applications", __name__, url_prefix="/applications")

from . import views  # noqa: E402,F401
