"""The one loader of files for the API: 404 unless the caller may see it (as the pages)."""

from __future__ import annotations

from flask import abort, g, request
from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from models import Application, User, db
from workflow.engine.permissions import READER_ROLES, can_view

VIEWERS = (*READER_ROLES, "applicant")
_FILE = (select(Application).where(Application.id == bindparam("application_id"))
         .options(*(joinedload(getattr(Application, name))
                    for name in ("organisation", "fund", "grant", "loan"))))


def visible_application(application_id: int, user: User) -> Application:
    """The file, or 404 when it does not exist or the caller may not see it (as the pages)."""
    application = db.session.execute(_FILE, {"application_id": application_id}).scalar()
    if application is None or not can_view(user, application):
        abort(404, _("There is no such application, or you may not see it."))
    return application


def refuse_hidden_files() -> None:
    """Before an operation on a file reads its body: a file the caller may not see is 404
    whatever is sent (a 422 about the body would tell that it exists)."""
    args = request.view_args or {}
    if "application_id" in args and g.get("api_user") is not None:
        visible_application(args["application_id"], g.api_user)
