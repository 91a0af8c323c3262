"""The auditor's page: the chain's head and latest anchor, the last verification and a new
one on demand (the events since the last, held to that anchor, the ledger matched to the
chain), a full re-verification queued as a job with its progress, the exports."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import db
from workflow.committee import vote_export
from workflow.engine import anchors, audit, verifying
from workflow.files import exports

from .access import roles
from .csv_export import csv_response
from .forms import AppForm
from .transactions import streamed

bp = Blueprint("audit", __name__, url_prefix="/audit")

AUDITORS = ("auditor", "secretariat")
VOTE_READERS = ("auditor", "secretariat", "committee_chair")
REFRESH_SECONDS = 5  # while a full re-verification is queued or running


def _anchor() -> tuple[anchors.Anchor | None, str | None]:
    try:
        return anchors.latest(current_app.config["AUDIT_ANCHOR_DIR"]), None
    except anchors.AnchorError as error:
        return None, str(error)


def _page(result: audit.Verification | None = None):
    seq, digest = audit.chain_head()
    anchor, anchor_error = _anchor()
    job = verifying.current_job()
    return render_template("audit/index.html", head=f"{seq}:{digest}", count=seq,
                           result=result, anchor=anchor, anchor_error=anchor_error,
                           checkpoint=verifying.latest_checkpoint(), job=job,
                           refresh=REFRESH_SECONDS if job is not None and job.waiting else None,
                           form=AppForm())


@bp.route("/")
@roles(*AUDITORS)
def index():
    return _page()


@bp.route("/verify", methods=["POST"])
@roles(*AUDITORS)
@streamed  # reads the chain through a server-side cursor
def verify():
    """Verify the events since the last verification, and leave a checkpoint if all is well."""
    if not AppForm().validate_on_submit():
        abort(400)
    anchor, anchor_error = _anchor()
    result = None
    if anchor_error is None:
        result = verifying.verify(anchor, by="page", user=current_user)
    return _page(result)


@bp.route("/full", methods=["POST"])
@roles(*AUDITORS)
def full():
    """Queue a full re-verification for `flask audit work` (one at a time)."""
    if not AppForm().validate_on_submit():
        abort(400)
    _job, new = verifying.request_full(current_user)
    db.session.commit()
    if new:
        flash(_("A full re-verification of the chain is queued; this page shows its "
                "progress."), "success")
    else:
        flash(_("A full re-verification is already queued or running; this page shows its "
                "progress."), "info")
    return redirect(url_for("audit.index"))


@bp.route("/events.csv")
@roles(*AUDITORS)
@streamed
def events_csv():
    return csv_response("audit-events.csv", exports.audit_rows(current_user))


@bp.route("/votes.csv")
@roles(*VOTE_READERS)
@streamed
def votes_csv():
    return csv_response("votes.csv", vote_export.vote_rows(current_user))
