"""Attaching a loan application's documents, as the company does before it submits."""

from __future__ import annotations

import io
import re

from models import Application, db

from .conftest import act

BUSINESS_PLAN = b"%PDF-1.4\n% Business plan 2027-2031\n%%EOF\n"
STATEMENTS = b"%PDF-1.4\n% Balance sheet and income statement FY2026\n%%EOF\n"
FILES = {"business_plan": ("business-plan.pdf", BUSINESS_PLAN),
         "financial_statements": ("statements-fy2026.pdf", STATEMENTS)}


def upload(client, application: Application, kind: str, name: str, data: bytes):
    """Post one document through the documents page (with the key its form carries)."""
    shown = client.get(f"/loans/{application.id}/documents").get_data(as_text=True)
    key = re.search(r'name="idempotency_key"[^>]*value="([^"]+)"', shown)
    return client.post(f"/loans/{application.id}/documents", data={
        "idempotency_key": key.group(1) if key else "", "kind": kind,
        "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def attach_documents(client, application: Application, kinds=tuple(FILES)) -> None:
    """The company (logged in on `client`) attaches the business plan and the statements."""
    for kind in kinds:
        name, data = FILES[kind]
        response = upload(client, application, kind, name, data)
        assert response.status_code == 302, response.get_data(as_text=True)


class _Upload:
    def __init__(self, filename: str, data: bytes):
        self.filename, self.stream = filename, io.BytesIO(data)


def attach_documents_as(application: Application, actor, upload_dir: str) -> None:
    """The same through the workflow function (tests that fire the service directly)."""
    from workflow.loans import documents

    for kind, (name, data) in FILES.items():
        act(documents.attach, db.session.get(Application, application.id), kind,
            _Upload(name, data), actor, upload_dir)
