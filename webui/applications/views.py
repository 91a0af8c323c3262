from flask import abort, render_template, request, url_for
from flask_login import current_user

from workflow.engine import registry, service
from workflow.engine.errors import ValidationFailed
from workflow.engine.permissions import READER_ROLES
from workflow.files import kept_lists, search

from .. import paging
from ..access import roles
from ..actions import Done, carry_out
from ..application_loading import VIEWERS, visible_application_or_404
from ..csv_export import csv_response
from ..forms import show_refusal
from ..transactions import streamed
from . import bp
from .filters import filter_form, filters_from, render_select
from .forms import ActionForm
from .page import application_page
from .rows import list_rows, sort_headers


def staff_view() -> bool:
    return current_user.has_role(*READER_ROLES)


PER_PAGE = 50
# Pages up to this one may be asked for by number (OFFSET reads the rows before them);
# beyond it the list moves on by cursor, from the row where the last page ended.
NUMBERED_PAGES = 20
# Matching files are counted up to this many: beyond it the list says "more than 1,000".
COUNT_LIMIT = 1000


def _list_args() -> dict:
    """The list's filters and order from the query string, without its place in the list."""
    return {k: v for k, v in request.args.items() if k not in ("page", "after", "before")}


@bp.route("/")
@roles(*VIEWERS)
def index():
    form = filter_form(staff_view())
    problem, page, total = None, search.Page([], None, None), 0
    number = paging.page_number()
    after, before = request.args.get("after") or None, request.args.get("before") or None
    if form.validate():
        try:
            filters = filters_from(form)
            if after is None and before is None and number > NUMBERED_PAGES:
                raise ValidationFailed(
                    f"Pages after the {NUMBERED_PAGES}th are reached with “Next” from the one "
                    "before, or narrow the list with the filters.", "page")
            total = kept_lists.count_up_to(filters, current_user, COUNT_LIMIT + 1)
            page = kept_lists.page_of(filters, current_user, PER_PAGE, after=after,
                                      before=before,
                                      offset=0 if after or before else (number - 1) * PER_PAGE,
                                      many=total > COUNT_LIMIT)
        except ValidationFailed as refusal:
            show_refusal(form, refusal)
            problem = refusal.message
    else:
        problem = "Some filters are not valid: " + "; ".join(
            f"{form[name].label.text}: {' '.join(errors)}" for name, errors in form.errors.items())
    staff, list_args = staff_view(), _list_args()
    return render_template("applications/index.html", rows=list_rows(page.rows, staff),
                           page=page,
                           number=number, total=min(total, COUNT_LIMIT),
                           more=total > COUNT_LIMIT, per_page=PER_PAGE, form=form,
                           problem=problem, list_args=list_args, render_select=render_select,
                           headers=sort_headers(list_args),
                           staff=staff), (400 if problem else 200)


@bp.route("/export.csv")
@roles(*VIEWERS)
@streamed
def export():
    """The filtered list as CSV, streamed row by row (100,000 rows cost no more memory)."""
    form = filter_form(staff_view())
    if not form.validate():
        abort(400)
    try:
        filters = filters_from(form)
        filters.check()
    except ValidationFailed as refusal:
        abort(400, refusal.message)
    return csv_response("applications.csv", search.csv_rows(filters, current_user))


@bp.route("/<int:application_id>")
@roles(*VIEWERS)
def show(application_id: int):
    application = visible_application_or_404(application_id, with_report_expenses=True)
    return render_template("applications/show.html", application=application,
                           page=application_page(application, current_user))


@bp.route("/<int:application_id>/actions/<trigger>", methods=["POST"])
@roles(*VIEWERS)
def act(application_id: int, trigger: str):
    application = visible_application_or_404(application_id)
    form = ActionForm()

    def fire() -> Done:
        inputs = {k: getattr(form, k).data for k in ("comment", "reason")
                  if getattr(form, k).data}
        service.fire(application, trigger, current_user, expected_version=form.version.data,
                     **inputs)
        state = registry.get(application.workflow_name, application.workflow_version).state(
            application.state)
        label = state.staff_label if staff_view() else state.applicant_label
        return Done(f"{application.reference}: done. It is now “{label}”.",
                    url_for("applications.show", application_id=application.id))

    # A refusal is the error page with its sentence (webui.errors), the form has no field.
    return carry_out(form, fire, refusals=()) or abort(400)

