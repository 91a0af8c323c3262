"""Uploaded files: checked by their content, stored under random names, read back for download.

Generic on purpose: grant proposals and reports, and the signed loan agreement, all use
`store`. The caller decides who may attach what; this module decides what a file is.
The client's file name and content type are never trusted: the type comes from the
file's first bytes (and, for Office files, from their inner structure).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import unicodedata
import zipfile
from typing import BinaryIO

from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from models import Application, Attachment, User, db
from models.grant import ATTACHMENT_KINDS
from models.i18n import N_
from workflow.engine import audit, reading
from workflow.engine.errors import NotFound, ValidationFailed

from . import stored_files

MAX_BYTES = 10 * 1024 * 1024
TOO_LARGE = N_("The file is larger than 10 MB.")
NOT_ALLOWED = N_("Only PDF, Office documents and images can be attached.")
WITH_MACROS = N_("Office documents with macros cannot be attached; save it without them.")

_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Office Open XML: the part folder that says which application wrote the package.
_OOXML_PARTS = (
    ("word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
)
# Legacy Office (OLE compound files): the stream each application writes, as the
# directory stores its name (UTF-16LE). Other OLE files (installers, encrypted
# packages) carry none of them and are refused.
_OLE_STREAMS = (
    ("WordDocument", "application/msword"),
    ("Workbook", "application/vnd.ms-excel"),
    ("Book", "application/vnd.ms-excel"),
    ("PowerPoint Document", "application/vnd.ms-powerpoint"),
)
_STORED_NAME = re.compile(r"^[0-9a-f]{32,64}$")
# Every content type a stored file can have (what a download may be).
CONTENT_TYPES = tuple(dict.fromkeys(
    content_type for _, content_type in (*_SIGNATURES, *_OOXML_PARTS, *_OLE_STREAMS)))


def detect_type(data: bytes) -> str:
    """The content type of an allowed file, from its bytes; refuses every other file."""
    for magic, content_type in _SIGNATURES:
        if data.startswith(magic):
            return content_type
    if data.startswith(ZIP_MAGIC):
        return _office_open_xml_type(data)
    if data.startswith(OLE_MAGIC):
        for stream, content_type in _OLE_STREAMS:
            if stream.encode("utf-16-le") in data:
                return content_type
    raise ValidationFailed(_(NOT_ALLOWED), "file")


def _office_open_xml_type(data: bytes) -> str:
    try:
        # Only the central directory is read: nothing is decompressed.
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError):
        raise ValidationFailed(_(NOT_ALLOWED), "file") from None
    if "[Content_Types].xml" not in names:
        raise ValidationFailed(_(NOT_ALLOWED), "file")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise ValidationFailed(_(WITH_MACROS), "file")
    for folder, content_type in _OOXML_PARTS:
        if any(name.startswith(folder) for name in names):
            return content_type
    raise ValidationFailed(_(NOT_ALLOWED), "file")


def clean_name(filename: str | None) -> str:
    """The file's own name, without any folder the browser sent, control characters or
    excess length (the extension is kept)."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name)
                   if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:254 - len(ext)] + dot + ext) if dot and len(ext) < 10 else name[:255]
    return name


def _read_at_most(stream: BinaryIO, limit: int) -> bytes:
    """Up to `limit` bytes: enough to tell an oversized file without reading all of it."""
    chunks, size = [], 0
    while size < limit:
        chunk = stream.read(limit - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def store(application: Application, file_storage, kind: str, actor: User | None,
          upload_dir: str) -> Attachment:
    """Check the uploaded file, write it under `upload_dir` with a random name, record it.

    `file_storage` is anything with `.filename` and `.read(n)` (or `.stream`), such as
    werkzeug's FileStorage. Refusals raise ValidationFailed on the field "file".
    """
    if kind not in ATTACHMENT_KINDS:
        raise ValueError(f"Unknown attachment kind {kind!r}")
    original_name = clean_name(getattr(file_storage, "filename", None))
    if not original_name:
        raise ValidationFailed(_("Choose a file to attach."), "file")
    data = _read_at_most(getattr(file_storage, "stream", file_storage), MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationFailed(_(TOO_LARGE), "file")
    if not data:
        raise ValidationFailed(_("The file is empty."), "file")
    content_type = detect_type(data)
    stored_name = secrets.token_hex(24)
    os.makedirs(upload_dir, exist_ok=True)
    path = os.path.join(upload_dir, stored_name)
    with open(path, "xb") as target:
        target.write(data)
    # A step refused after this (the transition's guards, a failed commit) rolls the row
    # back: the file goes with it.
    stored_files.remove_unless_committed(db.session(), path)
    attachment = Attachment(
        application_id=application.id, kind=kind, original_name=original_name,
        stored_name=stored_name, content_type=content_type, size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(), uploaded_by_id=actor.id if actor else None,
    )
    db.session.add(attachment)
    db.session.flush()
    audit.record("attachment_added", actor=actor, object_type="application",
                 object_id=application.id,
                 data={"reference": application.reference, "attachment_id": attachment.id,
                       "kind": kind, "name": original_name, "content_type": content_type,
                       "size_bytes": len(data), "sha256": attachment.sha256})
    return attachment


def remove(attachment: Attachment, actor: User | None) -> None:
    """Take an attachment off its application (the caller checks who may).

    The stored file stays on disk: the audit trail names its SHA-256, and a file that is
    kept can still be matched against it.
    """
    application = db.session.get(Application, attachment.application_id)
    audit.record("attachment_removed", actor=actor, object_type="application",
                 object_id=attachment.application_id,
                 data={"reference": application.reference if application else None,
                       "attachment_id": attachment.id, "kind": attachment.kind,
                       "name": attachment.original_name, "sha256": attachment.sha256})
    db.session.delete(attachment)
    db.session.flush()


def open_for_download(attachment: Attachment, upload_dir: str) -> BinaryIO:
    """The stored file, opened for reading; NotFound when storage has lost it."""
    if not _STORED_NAME.match(attachment.stored_name or ""):
        raise NotFound(_("This file cannot be found."))
    try:
        return open(os.path.join(upload_dir, attachment.stored_name), "rb")
    except FileNotFoundError:
        raise NotFound(_("This file is missing from storage; please tell the secretariat.")) \
            from None


# Built once, with its eager load: building them on every page cost about as much as
# running the statement.
_ATTACHMENTS = (select(Attachment)
                .where(Attachment.application_id.in_(bindparam("ids", expanding=True)))
                .options(joinedload(Attachment.uploaded_by).lazyload(User.role_assignments))
                .order_by(Attachment.id))


def attachments_by_application(applications: list[Application]) -> dict[int, list[Attachment]]:
    """Per application id, its attachments oldest first, with the uploaders' names (which
    every list of files shows; their roles are not needed), for many files in one query."""
    def query(missing: list[Application]) -> dict[int, list[Attachment]]:
        found: dict[int, list[Attachment]] = {a.id: [] for a in missing}
        if missing:
            for attachment in db.session.scalars(_ATTACHMENTS, {"ids": list(found)}):
                found[attachment.application_id].append(attachment)
        return found

    return reading.remember_each("attachments", applications, query)


def attachments_of(application: Application, kind: str | None = None) -> list[Attachment]:
    """The application's attachments, oldest first, optionally of one kind."""
    return [a for a in attachments_by_application([application])[application.id]
            if kind is None or a.kind == kind]
