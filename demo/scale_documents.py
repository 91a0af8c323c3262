"""Scale seed: the documents a company attaches to its loan application before submitting
(workflow.loans.documents requires both), written as attachments.store writes them."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from workflow.loans.documents import DOCUMENT_KINDS

from .cast import pdf_bytes
from .scale_plan import FILE, Context, Plan

FILE_NAMES = {"business_plan": "business-plan.pdf",
              "financial_statements": "financial-statements.pdf"}


def plan_loan_documents(plan: Plan, ctx: Context, ops: list, when: datetime, applicant: int,
                        title: str) -> None:
    """The business plan and the latest financial statements: rows, files, audit events."""
    for kind, label in DOCUMENT_KINDS.items():
        data = pdf_bytes(f"{label}: {plan.reference}", (title,))
        row = {"id": ctx.ids.take("attachments"), "application_id": plan.app_id,
               "kind": kind, "original_name": FILE_NAMES[kind],
               "stored_name": secrets.token_hex(24),  # as attachments.store names them
               "content_type": "application/pdf", "size_bytes": len(data),
               "sha256": hashlib.sha256(data).hexdigest(), "uploaded_by_id": applicant,
               "uploaded_at": when}
        plan.row(ops, "attachments", row)
        ops.append((FILE, row["stored_name"], data))
        plan.audit(ops, "attachment_added", applicant, "application", plan.app_id, {
            "reference": plan.reference, "attachment_id": row["id"], "kind": kind,
            "name": row["original_name"], "content_type": "application/pdf",
            "size_bytes": row["size_bytes"], "sha256": row["sha256"]})
