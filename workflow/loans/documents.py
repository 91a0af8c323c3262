"""The documents a loan application carries: the company's business plan and its latest
financial statements.

They are checked, stored and read back as every attachment is (workflow.files.attachments); the
company attaches and removes them while it may edit the application (a draft, or a file
returned for revision), and both must be there when it submits (the guard below).
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from models import Application, Attachment, User, db
from models.i18n import N_
from workflow.engine import service
from workflow.engine.errors import TransitionRefused, ValidationFailed
from workflow.engine.kept import page_rows
from workflow.engine.rules import Step, guard
from workflow.engine.wording import listing, word
from workflow.files import attachments

from . import applications

# kind -> what the company and the staff call it (the order the page lists them in)
DOCUMENT_KINDS = {
    "business_plan": N_("Business plan"),
    "financial_statements": N_("Latest financial statements"),
}
# The same, as the submit guard's sentence names what is missing.
_MISSING_PHRASES = {
    "business_plan": N_("the business plan"),
    "financial_statements": N_("the latest financial statements"),
}


def documents_of(application: Application) -> list[Attachment]:
    """The application's documents, oldest first (the signed agreement is not one)."""
    return [a for a in attachments.attachments_of(application) if a.kind in DOCUMENT_KINDS]


_KINDS_PRESENT = (select(Attachment.kind).distinct()
                  .where(Attachment.application_id == bindparam("application_id"),
                         Attachment.kind.in_(list(DOCUMENT_KINDS))))


def missing_documents(application: Application) -> list[str]:
    """The kinds of document the application still lacks, in DOCUMENT_KINDS' order.

    A page (the submit button's guard) reads them as kept until the file's revision moves:
    every upload and removal moves it. A submission reads afresh."""
    present = {row[0] for row in page_rows(
        "loan document kinds", application.id, lambda: db.session.connection().execute(
            _KINDS_PRESENT, {"application_id": application.id}).all())}
    return [kind for kind in DOCUMENT_KINDS if kind not in present]


def attach_refusal(application: Application, actor: User | None) -> str | None:
    """Why this user may not attach or remove documents now, or None when they may."""
    if application.kind != "loan":
        return _("Only loan applications carry a business plan and financial statements.")
    return applications.may_edit(application, actor)


def attach(application: Application, kind: str, file_storage, actor: User,
           upload_dir: str) -> Attachment:
    """Store one document of `kind` on the application (several of a kind may be attached,
    e.g. the statements of three years)."""
    app = service.lock(application)
    refusal = attach_refusal(app, actor)
    if refusal:
        raise TransitionRefused(refusal)
    if kind not in DOCUMENT_KINDS:
        raise ValidationFailed(_("Choose which document this is."), "kind")
    return attachments.store(app, file_storage, kind, actor, upload_dir)


def remove(application: Application, attachment: Attachment, actor: User) -> None:
    """Take a document off the application while the company may still edit it."""
    app = service.lock(application)
    refusal = attach_refusal(app, actor)
    if refusal:
        raise TransitionRefused(refusal)
    if attachment.application_id != app.id or attachment.kind not in DOCUMENT_KINDS:
        raise TransitionRefused(_("This file is not one of this application's documents."))
    attachments.remove(attachment, actor)


# Documents are attached and removed under the file's row lock (service.lock); a submission
# takes it before it reads them. Else a removal committed between the submission's reading
# and its compare-and-set (which the removal, changing no version, lets pass) would leave a
# submitted application without the document. Only PostgreSQL needs it: a SQLite writer
# holds the database's one write lock from its first statement.
_HOLD_FILE = (select(Application.id).where(Application.id == bindparam("application_id"))
              .with_for_update(key_share=True))


@guard("loan_documents_attached")
def loan_documents_attached(step: Step) -> str | None:
    if step.connection is not None:  # a transition, not a page listing its buttons
        step.connection.execute(_HOLD_FILE, {"application_id": step.application.id})
    missing = [word(_MISSING_PHRASES[kind]) for kind in missing_documents(step.application)]
    if not missing:
        return None
    if len(missing) > 1:
        missing = [_("%(some)s and %(last)s", some=listing(missing[:-1]), last=missing[-1])]
    return _("Attach %(missing)s before submitting the application.", missing=missing[0])
