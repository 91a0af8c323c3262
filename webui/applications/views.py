from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import AuditEvent, db
from workflow import diagrams, registry, search, service
from workflow.errors import ValidationFailed
from workflow.permissions import READER_ROLES

from ..access import roles
from ..csv_export import csv_response
from ..forms import show_refusal
from . import bp
from .filters import filter_form, filters_from
from .forms import ActionForm
from .loading import visible_application_or_404

VIEWERS = (*READER_ROLES, "applicant")


def staff_view() -> bool:
    return current_user.has_role(*READER_ROLES)


PER_PAGE = 50


@bp.route("/")
@roles(*VIEWERS)
def index():
    form = filter_form(staff_view())
    problem, rows, total = None, [], 0
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    if form.validate():
        try:
            filters = filters_from(form)
            total = search.count(filters, current_user)
            rows = db.session.scalars(search.application_query(filters, current_user)
                                      .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
        except ValidationFailed as refusal:
            show_refusal(form, refusal)
            problem = refusal.message
    else:
        problem = "Some filters are not valid: " + "; ".join(
            f"{form[name].label.text}: {' '.join(errors)}" for name, errors in form.errors.items())
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    return render_template("applications/index.html", rows=rows, total=total, page=page,
                           pages=pages, form=form, problem=problem, staff=staff_view(),
                           registry=registry), (400 if problem else 200)


@bp.route("/export.csv")
@roles(*VIEWERS)
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
    application = visible_application_or_404(application_id)
    definition = registry.get(application.workflow_name, application.workflow_version)
    events = db.session.scalars(
        select(AuditEvent).options(selectinload(AuditEvent.actor))
        .where(AuditEvent.object_type == "application", AuditEvent.object_id == application.id)
        .order_by(AuditEvent.seq)
    ).all()
    return render_template(
        "applications/show.html", application=application, definition=definition,
        state=definition.state(application.state), staff=staff_view(),
        actions=service.available_actions(application, current_user),
        diagram=diagrams.mermaid(definition.name, definition.version, application.state),
        events=events, form=ActionForm(),
    )


@bp.route("/<int:application_id>/actions/<trigger>", methods=["POST"])
@roles(*VIEWERS)
def act(application_id: int, trigger: str):
    application = visible_application_or_404(application_id)
    form = ActionForm()
    if not form.validate():
        abort(400)
    inputs = {k: getattr(form, k).data for k in ("comment", "reason") if getattr(form, k).data}
    service.fire(application, trigger, current_user, expected_version=form.version.data,
                 **inputs)
    db.session.commit()
    state = registry.get(application.workflow_name, application.workflow_version).state(
        application.state)
    label = state.staff_label if staff_view() else state.applicant_label
    flash(f"{application.reference}: done. It is now “{label}”.", "success")
    return redirect(url_for("applications.show", application_id=application.id))

