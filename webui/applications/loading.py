"""The one loader of applications for views: 404 unless the user may see it."""

from flask import abort
from flask_login import current_user

from models import Application, db
from workflow.permissions import can_view


def visible_application_or_404(application_id: int) -> Application:
    """Another organisation's file answers 404, as if it did not exist."""
    application = db.session.get(Application, application_id)
    if application is None or not can_view(current_user, application):
        abort(404)
    return application
