"""A file's attachments through the API: the list, an upload (multipart, with the same
checks of size and content as the pages) and a download. An alumni society attaches files
to its proposal while it may edit it, and to its report while reporting; a company attaches
its loan documents (business plan, financial statements) while it may edit its application.
"""

from __future__ import annotations

from flask import abort, current_app, send_file
from flask_babel import gettext as _
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from models import Application, Attachment, User, db
from workflow.files import attachments
from workflow.grants import reports
from workflow.loans import documents as loan_documents

from ..access import api_token
from .blueprints import api_blueprint
from .files import VIEWERS, visible_application
from .links import FILE_IN_PATH, NEW_ID, operation, to
from .listing import listing
from .schemas import UtcDateTime
from .tokens import api_roles, caller
from .writes import IDEMPOTENCY_PARAMETER, carry_out

blp = api_blueprint("api_attachments", __name__, url_prefix="/api/v1/applications",
                    description="Attached files: list, upload, download.")


class AttachmentSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    name = fields.String(required=True, attribute="original_name")
    content_type = fields.String(required=True)
    size_bytes = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    uploaded_at = UtcDateTime(required=True)


AttachmentListSchema = listing(AttachmentSchema, "AttachmentListSchema")


class UploadSchema(Schema):
    file = Upload(required=True, metadata={
        "description": "PDF, Word, Excel, PowerPoint or an image; 10 MB at most"})


class UploadArgs(Schema):
    kind = fields.String(validate=validate.OneOf(list(loan_documents.DOCUMENT_KINDS)),
                         metadata={"description": "A loan's document: which one it is"})


def _attachment(application: Application, attachment_id: int) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.application_id != application.id:
        abort(404, _("There is no such attachment on this file."))
    return attachment


def _store(application: Application, user: User, file, kind: str | None) -> Attachment:
    upload_dir = current_app.config["UPLOAD_DIR"]
    if application.kind == "loan":
        return loan_documents.attach(application, kind or "", file, user, upload_dir)
    return reports.attach(application, file, user, upload_dir)


@blp.route("/<int:application_id>/attachments")
@api_token
@api_roles(*VIEWERS)
@blp.response(200, AttachmentListSchema)
@blp.doc(**operation("listAttachments", 200, Download=to(
    "downloadAttachment", application_id=FILE_IN_PATH, attachment_id="$response.body#/items/0/id")))
def list_attachments(application_id: int):
    """The file's attachments, oldest first."""
    application = visible_application(application_id, caller())
    return {"items": attachments.attachments_of(application)}


@blp.route("/<int:application_id>/attachments", methods=["POST"])
@api_token
@api_roles("applicant")
@blp.arguments(UploadArgs, location="query")
@blp.arguments(UploadSchema, location="files")
@blp.response(201, AttachmentSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
@blp.doc(**operation("uploadAttachment", 201, Download=to(
    "downloadAttachment", application_id=FILE_IN_PATH, attachment_id=NEW_ID)))
def upload_attachment(args: dict, upload: dict, application_id: int):
    """Attach a file (multipart/form-data, field `file`); a loan's document names its
    `kind`."""
    user = caller()

    def act() -> tuple[dict, int]:
        application = visible_application(application_id, user)
        stored = _store(application, user, upload["file"], args.get("kind"))
        return AttachmentSchema().dump(stored), 201

    return carry_out(act)


BINARY = {"schema": {"type": "string", "format": "binary"}}


@blp.route("/<int:application_id>/attachments/<int:attachment_id>")
@api_token
@api_roles(*VIEWERS)
@blp.doc(responses={"200": {"description": "The file as it was attached",
                            "content": dict.fromkeys(attachments.CONTENT_TYPES, BINARY)}},
         operationId="downloadAttachment")
def download_attachment(application_id: int, attachment_id: int):
    """The attached file itself, to whoever may see the file."""
    application = visible_application(application_id, caller())
    attachment = _attachment(application, attachment_id)
    stream = attachments.open_for_download(attachment, current_app.config["UPLOAD_DIR"])
    response = send_file(stream, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.original_name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
