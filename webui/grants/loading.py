"""Loading a grant for a view: 404 unless it is a grant the user may see."""

from flask import abort

from models import Application

from ..application_loading import visible_application_or_404


def grant_or_404(application_id: int) -> Application:
    application = visible_application_or_404(application_id)
    if application.kind != "grant":
        abort(404)
    return application
