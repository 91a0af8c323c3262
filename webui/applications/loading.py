"""The one loader of applications for views: 404 unless the user may see it."""

from flask import abort
from flask_login import current_user
from sqlalchemy.orm import joinedload

from models import Application, FinalReport, db
from workflow.permissions import can_view

# What every page of a file shows or its rules read, in the same statement as the file:
# its organisation, fund and round, and its grant, loan and report details.
_ONE_TO_ONE = ("organisation", "fund", "round", "grant", "loan", "report")


def visible_application_or_404(application_id: int, *, with_report_expenses: bool = False
                               ) -> Application:
    """Another organisation's file answers 404, as if it did not exist.

    with_report_expenses: also the final report's expenses (the application page lists
    them), still in the one statement.
    """
    options = [joinedload(getattr(Application, name)) for name in _ONE_TO_ONE]
    if with_report_expenses:
        options.append(joinedload(Application.report).joinedload(FinalReport.expenses))
    application = db.session.get(Application, application_id, options=options)
    if application is None or not can_view(current_user, application):
        abort(404)
    return application
