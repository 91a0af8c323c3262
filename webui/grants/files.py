"""Attachments of a grant: upload, list, remove; and the download of any attachment."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import Attachment, db
from workflow.engine.errors import TransitionRefused, ValidationFailed
from workflow.files import attachments
from workflow.grants import reports

from ..access import roles
from ..actions import Done, carry_out
from ..application_loading import VIEWERS, visible_application_or_404
from . import bp
from .forms import UploadForm, show_field_refusal
from .loading import grant_or_404


def _files_page(application) -> str:
    return url_for("grants.attachments_page", application_id=application.id)


@bp.route("/<int:application_id>/attachments", methods=["GET", "POST"])
@roles("applicant")
def attachments_page(application_id: int):
    application = grant_or_404(application_id)
    refusal = reports.attach_refusal(application, current_user)
    if refusal:
        raise TransitionRefused(refusal)
    form = UploadForm()

    def act() -> Done:
        attachment = reports.attach(application, form.file.data, current_user,
                                          current_app.config["UPLOAD_DIR"])
        return Done(_("Attached %(name)s.", name=attachment.original_name),
                    _files_page(application), created=attachment)

    # The key is claimed before the file is stored: a second submission stores nothing.
    if done := carry_out(form, act, refusals=ValidationFailed, show=show_field_refusal,
                         creates=lambda _: _files_page(application)):
        return done
    return render_template("grants/attachments.html", application=application, form=form,
                           files=attachments.attachments_of(application),
                           kind=reports.attachment_kind_for(application))


@bp.route("/<int:application_id>/attachments/<int:attachment_id>")
@roles(*VIEWERS)
def download(application_id: int, attachment_id: int):
    """Any application's attachment, to whoever may see the application."""
    application = visible_application_or_404(application_id)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.application_id != application.id:
        abort(404)
    stream = attachments.open_for_download(attachment, current_app.config["UPLOAD_DIR"])
    response = send_file(stream, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.original_name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/<int:application_id>/attachments/<int:attachment_id>/remove", methods=["POST"])
@roles("applicant")
def remove(application_id: int, attachment_id: int):
    application = grant_or_404(application_id)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.application_id != application.id:
        abort(404)
    name = attachment.original_name
    reports.detach(application, attachment, current_user)
    db.session.commit()
    flash(_("Removed %(name)s.", name=name), "success")
    return redirect(url_for("grants.attachments_page", application_id=application.id))
