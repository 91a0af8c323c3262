"""Attachments through the API: a society uploads to its draft proposal and a company its
loan documents (multipart, checked by content and size as on the pages), whoever may see
the file lists and downloads them; nobody else reaches them."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from models import Attachment, AuditEvent, db
from workflow.files.attachments import MAX_BYTES

from .conftest import bearer, make_token_for

API = "/api/v1/applications"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _upload(client, application_id: int, token: dict, data: bytes, name="plan.pdf",
            **query):
    return client.post(f"{API}/{application_id}/attachments", query_string=query,
                       data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", headers=token)


def test_a_society_attaches_a_file_that_its_readers_download(client, api_user,
                                                              make_application):
    user, token = api_user("applicant")
    draft = make_application("grant", state="draft", organisation=user.organisation)
    made = _upload(client, draft.id, {**token, "Idempotency-Key": "up-1"}, PDF)
    assert made.status_code == 201, made.get_data(as_text=True)
    attached = made.get_json()
    assert attached["name"] == "plan.pdf" and attached["kind"] == "proposal"
    assert attached["content_type"] == "application/pdf" and attached["size_bytes"] == len(PDF)
    again = _upload(client, draft.id, {**token, "Idempotency-Key": "up-1"}, PDF)
    assert again.get_json() == attached
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 1
    assert "attachment_added" in db.session.scalars(select(AuditEvent.action)).all()

    listed = client.get(f"{API}/{draft.id}/attachments", headers=token).get_json()["items"]
    assert [a["id"] for a in listed] == [attached["id"]]
    file = client.get(f"{API}/{draft.id}/attachments/{attached['id']}", headers=token)
    assert file.status_code == 200 and file.data == PDF
    assert file.headers["Content-Type"] == "application/pdf"
    assert "plan.pdf" in file.headers["Content-Disposition"]

    _, stranger = api_user("applicant")
    assert client.get(f"{API}/{draft.id}/attachments/{attached['id']}",
                      headers=stranger).status_code == 404
    assert _upload(client, draft.id, stranger, PDF).status_code == 404


def test_uploads_are_checked_as_on_the_pages(client, api_user, make_application):
    user, token = api_user("applicant")
    draft = make_application("grant", state="draft", organisation=user.organisation)
    script = _upload(client, draft.id, token, b"#!/bin/sh\nrm -rf /\n", name="run.pdf")
    assert script.status_code == 400 and script.get_json()["field"] == "file"
    assert "Only PDF" in script.get_json()["detail"]
    huge = _upload(client, draft.id, token, PDF + b"0" * MAX_BYTES)
    assert huge.status_code in (400, 413)
    assert "10 MB" in huge.get_json()["detail"] or huge.status_code == 413
    without = client.post(f"{API}/{draft.id}/attachments", json={}, headers=token)
    assert without.status_code == 422 and "file" in without.get_json()["errors"]["files"]
    submitted = make_application("grant", state="submitted", organisation=user.organisation)
    late = _upload(client, submitted.id, token, PDF)
    assert late.status_code == 409 and late.get_json()["detail"]
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_a_company_attaches_its_loan_documents_by_kind(client, make_loan, people):
    loan = make_loan("draft")
    token = bearer(make_token_for(people.applicant, "write"))
    unnamed = _upload(client, loan.id, token, PDF)
    assert unnamed.status_code == 400 and unnamed.get_json()["field"] == "kind"
    plan = _upload(client, loan.id, token, PDF, kind="business_plan")
    assert plan.status_code == 201 and plan.get_json()["kind"] == "business_plan"
    listed = client.get(f"{API}/{loan.id}/attachments", headers=token).get_json()["items"]
    assert [a["kind"] for a in listed] == ["business_plan"]
    staff = bearer(make_token_for(people.secretariat, "read"))  # a draft is the company's
    assert client.get(f"{API}/{loan.id}/attachments", headers=staff).status_code == 404
