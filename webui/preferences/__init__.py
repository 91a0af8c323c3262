"""A person's own settings: the language switch on every page, and the settings page
(language, time zone, dates in the Japanese era)."""

from flask import Blueprint

bp = Blueprint("preferences", __name__)

from . import views  # noqa: E402,F401
