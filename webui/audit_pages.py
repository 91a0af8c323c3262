"""The auditor's page: the chain's head and latest anchor, the last verification and a new
one on demand (the events since the last, held to that anchor, the ledger matched to the
chain), a full re-verification queued as a job with its progress, the exports."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_timezone, lazy_pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField, StringField
from wtforms.validators import Length, Optional

from models import db, utcnow
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
EXPORT_DAYS = 30  # the events export's range unless the auditor chooses one
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(9998, 12, 31)


class EventExportForm(AppForm):
    """Which events the CSV holds: the days (the reader's), an action; by default the last
    EXPORT_DAYS days, as the whole chain would be millions of rows."""

    class Meta:
        csrf = False

    date_from = DateField(lazy_pgettext("audit export", "From"), validators=[Optional()])
    date_to = DateField(lazy_pgettext("audit export", "To"), validators=[Optional()])
    action = StringField(_l("Action (blank: all)"), validators=[Optional(), Length(max=64)])


def _zone() -> ZoneInfo:
    return ZoneInfo(str(get_timezone()))


def _reader_today() -> date:
    return utcnow().replace(tzinfo=UTC).astimezone(_zone()).date()


def _utc_start_of(day: date) -> datetime:
    """When the reader's day begins, in UTC as the events are stored."""
    return (datetime.combine(day, time(0), tzinfo=_zone()).astimezone(UTC)
            .replace(tzinfo=None))


def _export_form() -> EventExportForm:
    today = _reader_today()
    form = EventExportForm(formdata=request.args or None)
    if not request.args:  # shown on the audit page: the default range, written out
        form.date_from.data, form.date_to.data = today - timedelta(days=EXPORT_DAYS - 1), today
    return form


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
                           form=AppForm(), export_form=_export_form())


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
def events_csv():
    """The chosen events as CSV, streamed as they are read a page at a time (each page its
    own statement: no cursor nor transaction held open for a slow download)."""
    form = _export_form()
    last = form.date_to.data or _reader_today()
    first = form.date_from.data or last - timedelta(days=EXPORT_DAYS - 1)
    if form.validate() and first > last:
        form.date_to.errors.append(_("The last day comes before the first."))
    elif not EARLIEST_DAY <= first <= last <= LATEST_DAY:  # times past these overflow
        form.date_to.errors.append(_("Choose days between %(first)s and %(last)s.",
                                     first=EARLIEST_DAY.year, last=LATEST_DAY.year))
    if form.errors:
        for errors in form.errors.values():
            for error in errors:
                flash(error, "danger")
        return redirect(url_for("audit.index"))
    chosen = exports.EventRange(since=_utc_start_of(first),
                                until=_utc_start_of(last + timedelta(days=1)),
                                action=(form.action.data or "").strip())
    return csv_response(f"audit-events-{first.isoformat()}-{last.isoformat()}.csv",
                        exports.audit_rows(current_user, chosen))


@bp.route("/votes.csv")
@roles(*VOTE_READERS)
def votes_csv():
    """The votes as CSV, streamed as they are read a range of files at a time (each range
    its own statements: no cursor nor transaction held open for a slow download)."""
    return csv_response("votes.csv", vote_export.vote_rows(current_user))
