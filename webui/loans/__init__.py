"""SME loans: the application form, assessment, agreement, repayments, arrears, write-off,
cancellations of the undrawn part."""

from flask import Blueprint

bp = Blueprint("loans", __name__, url_prefix="/loans")

from . import documents, undrawn_views, views  # noqa: E402,F401
from .panel import loan_panel  # noqa: E402

# The application page includes loans/_panel.html, which calls this for its figures.
bp.record_once(lambda state: state.app.jinja_env.globals.update(loan_panel=loan_panel))
