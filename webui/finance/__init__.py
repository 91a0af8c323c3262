"""Disbursements: the finance officers' queue and the tranche panel of an application."""

from flask import Blueprint

bp = Blueprint("finance", __name__, url_prefix="/finance")

from . import views  # noqa: E402,F401
