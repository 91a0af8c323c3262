"""Files are judged by their content, never by their name or the browser's word."""

import io
import os
import zipfile

import pytest
from sqlalchemy import select

from models import Attachment, db
from tests.conftest import log_in, once_key
from workflow.engine.errors import ValidationFailed
from workflow.files.attachments import MAX_BYTES, clean_name, detect_type

from .conftest import audit_actions, error_next_to, new_draft, text_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def ooxml(folder: str, extra: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(f"{folder}document.xml", "<doc/>")
        for name in extra:
            package.writestr(name, "x")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("payload.exe", "MZ")
    return buffer.getvalue()


@pytest.mark.parametrize("data, content_type", [
    (b"%PDF-1.7\n", "application/pdf"),
    (PNG, "image/png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    (b"GIF89a\x01\x00", "image/gif"),
    (ooxml("word/"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (ooxml("xl/"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (ooxml("ppt/"),
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    (OLE + b"\x00" * 500 + "WordDocument".encode("utf-16-le"), "application/msword"),
    (OLE + b"\x00" * 500 + "Workbook".encode("utf-16-le"), "application/vnd.ms-excel"),
])
def test_allowed_types_are_recognised_by_content(data, content_type):
    assert detect_type(data) == content_type


@pytest.mark.parametrize("data, message", [
    (b"MZ\x90\x00" + b"\x00" * 60, "Only PDF, Office documents and images can be attached."),
    (b"<html><script>alert(1)</script>", "Only PDF"),
    (plain_zip(), "Only PDF"),
    (OLE + b"\x00" * 500, "Only PDF"),  # an OLE file of no Office application (an .msi)
    (b"PK\x03\x04 broken", "Only PDF"),
    (ooxml("word/", ("word/vbaProject.bin",)), "Office documents with macros cannot be"),
])
def test_other_content_is_refused(data, message):
    with pytest.raises(ValidationFailed, match=message) as refusal:
        detect_type(data)
    assert refusal.value.field == "file"


@pytest.mark.parametrize("sent, kept", [
    ("C:\\Users\\me\\Desktop\\budget.pdf", "budget.pdf"),
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("re\x00port\n.pdf", "report.pdf"),
    ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
])
def test_file_names_lose_folders_and_control_characters(sent, kept):
    assert clean_name(sent) == kept


def _upload(client, application, data, name):
    return client.post(f"/grants/{application.id}/attachments",
                       data={"file": (io.BytesIO(data), name), **once_key()},
                       content_type="multipart/form-data")


def test_a_pdf_name_with_png_bytes_is_stored_as_png(client, scene, app):
    log_in(client, scene.applicant)
    application = new_draft(client, scene)
    assert _upload(client, application, PNG, "scan.pdf").status_code == 302
    attachment = db.session.scalar(select(Attachment))
    assert (attachment.original_name, attachment.content_type, attachment.size_bytes) == (
        "scan.pdf", "image/png", len(PNG))
    assert attachment.stored_name not in ("scan.pdf", "scan")
    with open(os.path.join(app.config["UPLOAD_DIR"], attachment.stored_name), "rb") as stored:
        assert stored.read() == PNG
    download = client.get(f"/grants/{application.id}/attachments/{attachment.id}")
    assert download.headers["Content-Type"] == "image/png"
    assert download.data == PNG


@pytest.mark.parametrize("data, name, message", [
    (b"MZ\x90\x00" + b"\x00" * 100, "setup.exe",
     "Only PDF, Office documents and images can be attached."),
    (b"MZ\x90\x00" + b"\x00" * 100, "harmless.pdf",
     "Only PDF, Office documents and images can be attached."),
    (b"%PDF-" + b"\x00" * (MAX_BYTES - 4), "huge.pdf", "The file is larger than 10 MB."),
    (b"", "empty.pdf", "The file is empty."),
])
def test_refused_uploads_say_why_next_to_the_field(client, scene, data, name, message):
    log_in(client, scene.applicant)
    application = new_draft(client, scene)
    response = _upload(client, application, data, name)
    assert response.status_code == 200
    assert error_next_to(text_of(response), "file", message)
    assert db.session.scalar(select(Attachment)) is None
    assert "attachment_added" not in audit_actions(application)


def test_exactly_10_mb_is_accepted(client, scene):
    log_in(client, scene.applicant)
    application = new_draft(client, scene)
    data = b"%PDF-" + b"\x00" * (MAX_BYTES - 5)
    assert _upload(client, application, data, "big.pdf").status_code == 302
    assert db.session.scalar(select(Attachment)).size_bytes == MAX_BYTES


def test_no_file_chosen(client, scene):
    log_in(client, scene.applicant)
    application = new_draft(client, scene)
    response = client.post(f"/grants/{application.id}/attachments", data=once_key(),
                           content_type="multipart/form-data")
    assert error_next_to(text_of(response), "file", "Choose a file to attach.")


def test_the_applicant_removes_a_draft_attachment(client, scene):
    log_in(client, scene.applicant)
    application = new_draft(client, scene)
    _upload(client, application, b"%PDF-1.4", "old.pdf")
    attachment = db.session.scalar(select(Attachment))
    response = client.post(f"/grants/{application.id}/attachments/{attachment.id}/remove")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Attachment)) is None
    assert audit_actions(application)[-1] == "attachment_removed"
