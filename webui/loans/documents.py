"""A loan application's files: the company attaches its documents while it may edit the
application; whoever may see the file downloads them and the signed agreement."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import Application, Attachment, db
from workflow.engine.errors import TransitionRefused, ValidationFailed
from workflow.engine.wording import lower_first, word
from workflow.files import attachments
from workflow.loans import documents as loan_documents

from ..access import roles
from ..actions import Done, carry_out
from . import bp
from .forms import DocumentForm
from .views import VIEWERS, _loan_or_404


def _attachment_of(application: Application, attachment_id: int) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.application_id != application.id:
        abort(404)
    return attachment


def _documents_url(application: Application) -> str:
    return url_for("loans.documents", application_id=application.id)


def _to_documents(application: Application):
    return redirect(_documents_url(application))


@bp.route("/<int:application_id>/documents", methods=["GET", "POST"])
@roles("applicant")
def documents(application_id: int):
    application = _loan_or_404(application_id)
    refusal = loan_documents.attach_refusal(application, current_user)
    if refusal:
        raise TransitionRefused(refusal)
    form = DocumentForm()

    def act() -> Done:
        attachment = loan_documents.attach(application, form.kind.data, form.file.data,
                                           current_user, current_app.config["UPLOAD_DIR"])
        document = lower_first(word(loan_documents.DOCUMENT_KINDS[attachment.kind]))
        return Done(_("Attached %(name)s (%(document)s).", name=attachment.original_name,
                      document=document),
                    _documents_url(application), created=attachment)

    # The key is claimed before the file is stored: a second submission stores nothing.
    if done := carry_out(form, act, refusals=ValidationFailed,
                         creates=lambda _: _documents_url(application)):
        return done
    return render_template("loans/documents.html", application=application, form=form,
                           files=loan_documents.documents_of(application),
                           labels=loan_documents.DOCUMENT_KINDS,
                           missing=loan_documents.missing_documents(application))


@bp.route("/<int:application_id>/documents/<int:attachment_id>/remove", methods=["POST"])
@roles("applicant")
def remove_document(application_id: int, attachment_id: int):
    application = _loan_or_404(application_id)
    attachment = _attachment_of(application, attachment_id)
    name = attachment.original_name
    loan_documents.remove(application, attachment, current_user)
    db.session.commit()
    flash(_("Removed %(name)s.", name=name), "success")
    return _to_documents(application)


@bp.route("/<int:application_id>/files/<int:attachment_id>")
@roles(*VIEWERS)
def download(application_id: int, attachment_id: int):
    """A document or the signed agreement, to whoever may see the application."""
    application = _loan_or_404(application_id)
    attachment = _attachment_of(application, attachment_id)
    stream = attachments.open_for_download(attachment, current_app.config["UPLOAD_DIR"])
    response = send_file(stream, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.original_name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
