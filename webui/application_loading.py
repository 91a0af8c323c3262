"""The one loader of applications for views: 404 unless the user may see it."""

from flask import abort
from flask_login import current_user
from sqlalchemy import bindparam, select, true
from sqlalchemy.orm import joinedload

from models import Application, FinalReport, db
from workflow.engine import kept
from workflow.engine.permissions import READER_ROLES, can_view

# Who may open a file's pages (each sees only the files can_view lets them).
VIEWERS = (*READER_ROLES, "applicant")

# What every page of a file shows or its rules read, in the same statement as the file:
# its organisation, fund and round, and its grant, loan and report details. Built once:
# building the eager-load options on every request cost as much as running the statement.
# The file's revision and the people's come along too: what the page's panels keep
# between requests is filed under them (workflow.engine.kept.page_rows), and this spares a
# round trip.
_ONE_TO_ONE = ("organisation", "fund", "round", "grant", "loan", "report")
_FILE = (select(Application, Application.revision, kept.PEOPLE_REVISION.c.people)
         .outerjoin(kept.PEOPLE_REVISION, true())
         .where(Application.id == bindparam("application_id"))
         .options(*(joinedload(getattr(Application, name)) for name in _ONE_TO_ONE)))
_FILE_WITH_EXPENSES = _FILE.options(joinedload(Application.report)
                                    .joinedload(FinalReport.expenses))


def visible_application_or_404(application_id: int, *, with_report_expenses: bool = False
                               ) -> Application:
    """Another organisation's file answers 404, as if it did not exist.

    with_report_expenses: also the final report's expenses (the application page lists
    them), still in the one statement.
    """
    statement = _FILE_WITH_EXPENSES if with_report_expenses else _FILE
    row = db.session.execute(statement, {"application_id": application_id}).unique().one_or_none()
    if row is None or not can_view(current_user, row[0]):
        abort(404)
    kept.note_file(row[0].id, row[1], row[2])
    return row[0]
