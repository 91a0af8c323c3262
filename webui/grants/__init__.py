"""WNF grant proposals: the applicant's forms, attachments, the final report, and the
secretariat's screening queue. The application page shows `grants/_panel.html`."""

from flask import Blueprint

bp = Blueprint("grants", __name__, url_prefix="/grants")

from . import files, proposals, reports, screening  # noqa: E402,F401
from .panel import grant_panel  # noqa: E402

bp.record_once(lambda state: state.app.jinja_env.globals.update(grant_panel=grant_panel))
