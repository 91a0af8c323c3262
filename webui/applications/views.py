from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import Application, AuditEvent, db
from workflow import diagrams, registry, service
from workflow.permissions import READER_ROLES

from ..access import roles
from . import bp
from .forms import ActionForm
from .loading import visible_application_or_404

VIEWERS = (*READER_ROLES, "applicant")


def staff_view() -> bool:
    return current_user.has_role(*READER_ROLES)


@bp.route("/")
@roles(*VIEWERS)
def index():
    query = select(Application).options(selectinload(Application.organisation)).order_by(
        Application.id.desc())
    if not staff_view():
        query = query.where(Application.organisation_id == current_user.organisation_id)
    page = db.paginate(query, per_page=50, error_out=False)
    return render_template("applications/index.html", page=page, staff=staff_view(),
                           registry=registry)


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

