from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from workflow.engine import diagrams, registry, service, timeline
from workflow.engine.permissions import READER_ROLES
from workflow.engine.wording import word

from ..access import roles
from ..actions import Done, carry_out
from ..application_loading import VIEWERS, visible_application_or_404
from ..file_lists.filters import filter_form, render_select
from ..file_lists.listing import export_list, list_args, read_list
from ..file_lists.rows import list_rows, sort_headers
from ..transactions import streamed
from . import bp
from .forms import ActionForm
from .page import application_page


def staff_view() -> bool:
    return current_user.has_role(*READER_ROLES)


@bp.route("/")
@roles(*VIEWERS)
def index():
    form = filter_form(staff_view())
    listed = read_list(form)
    staff, args = staff_view(), list_args()
    return render_template("applications/index.html", rows=list_rows(listed.page.rows, staff),
                           listed=listed, form=form, list_args=args,
                           render_select=render_select, headers=sort_headers(args),
                           staff=staff), (400 if listed.problem else 200)


@bp.route("/export.csv")
@roles(*VIEWERS)
@streamed
def export():
    """The filtered list as CSV."""
    return export_list(filter_form(staff_view()), "applications.csv")


@bp.route("/<int:application_id>")
@roles(*VIEWERS)
def show(application_id: int):
    application = visible_application_or_404(application_id, with_report_expenses=True)
    return render_template("applications/show.html", application=application,
                           page=application_page(application, current_user))


@bp.route("/<int:application_id>/diagram")
@roles(*VIEWERS)
def diagram(application_id: int):
    """The whole workflow at a readable size, this file's path through it and its state."""
    application = visible_application_or_404(application_id)
    definition = registry.get(application.workflow_name, application.workflow_version)
    moves = timeline.moves_of(timeline.timeline_of(application.id))
    return render_template("applications/diagram.html", application=application,
                           definition=definition,
                           svg=Markup(diagrams.svg(definition.name, definition.version,
                                                   application.state, moves)))


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
        label = word(state.staff_label if staff_view() else state.applicant_label)
        return Done(_("%(reference)s: done. It is now “%(state)s”.",
                      reference=application.reference, state=label),
                    url_for("applications.show", application_id=application.id))

    # A refusal is the error page with its sentence (webui.errors), the form has no field.
    return carry_out(form, fire, refusals=()) or abort(400)

