"""The auditor's page: the chain's head and latest anchor, a verification on demand (held to
that anchor, the ledger matched to the chain), the exports."""

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from workflow.committee import vote_export
from workflow.engine import anchors, audit
from workflow.files import exports

from .access import roles
from .csv_export import csv_response
from .transactions import streamed

bp = Blueprint("audit", __name__, url_prefix="/audit")

AUDITORS = ("auditor", "secretariat")
VOTE_READERS = ("auditor", "secretariat", "committee_chair")


@bp.route("/")
@roles(*AUDITORS)
@streamed  # the check on demand reads the whole chain through a server-side cursor
def index():
    seq, digest = audit.chain_head()
    anchor, anchor_error = None, None
    try:
        anchor = anchors.latest(current_app.config["AUDIT_ANCHOR_DIR"])
    except anchors.AnchorError as error:
        anchor_error = str(error)
    result = None
    if request.args.get("verify") == "1" and anchor_error is None:
        result = audit.verify(anchor)
    return render_template("audit/index.html", head=f"{seq}:{digest}", count=seq,
                           result=result, anchor=anchor, anchor_error=anchor_error)


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
