"""WNF grant proposals: the applicant's forms, attachments, the final report, and the
secretariat's screening queue. The application page
shows its panel (panel.py, `grants/_panel.html`)."""

from flask import Blueprint

bp = Blueprint("grants", __name__, url_prefix="/grants")

from . import files, proposals, reports, screening  # noqa: E402,F401
