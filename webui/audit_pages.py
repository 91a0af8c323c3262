"""The auditor's page: the chain's head, a verification on demand, the exports."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from workflow import audit, exports

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
    result = audit.verify() if request.args.get("verify") == "1" else None
    return render_template("audit/index.html", head=f"{seq}:{digest}", count=seq,
                           result=result)


@bp.route("/events.csv")
@roles(*AUDITORS)
@streamed
def events_csv():
    return csv_response("audit-events.csv", exports.audit_rows(current_user))


@bp.route("/votes.csv")
@roles(*VOTE_READERS)
@streamed
def votes_csv():
    return csv_response("votes.csv", exports.vote_rows(current_user))
