"""SME loans: the application form, assessment, agreement, repayments, arrears, write-off,
cancellations of the undrawn part."""

from flask import Blueprint

bp = Blueprint("loans", __name__, url_prefix="/loans")

from . import documents, undrawn_views, views  # noqa: E402,F401
