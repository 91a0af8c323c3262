"""The secretariat's screening queue, checklist and notes."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from models import Application, db
from workflow import grants, screening
from workflow.grant_budget import totals_of

from ..access import roles
from . import bp
from .forms import ChecklistForm, NoteForm
from .loading import grant_or_404


@bp.route("/screening")
@roles("secretariat")
def screening_queue():
    queue = screening.queue()
    checklists = screening.checklists(queue)  # a few queries for the whole queue
    lines = grants.budget_lines_of(queue)
    rows = [(application, checklists[application.id], totals_of(lines[application.id]))
            for application in queue]
    return render_template("grants/screening_queue.html", rows=rows,
                           checklist_form=ChecklistForm(back="queue"))


@bp.route("/<int:application_id>/checklist", methods=["POST"])
@roles("secretariat")
def record_checklist(application_id: int):
    application = grant_or_404(application_id)
    form = ChecklistForm()
    if not form.validate():
        abort(400, "Tick items of the checklist only.")
    added, cleared = screening.record_checklist(application, current_user, form.items.data)
    db.session.commit()
    if added or cleared:
        flash(f"{application.reference}: checklist saved ({len(added)} ticked, "
              f"{len(cleared)} cleared).", "success")
    else:
        flash(f"{application.reference}: the checklist had no changes.", "info")
    return _back(form.back.data, application)


@bp.route("/<int:application_id>/notes", methods=["POST"])
@roles("secretariat")
def add_note(application_id: int):
    application = grant_or_404(application_id)
    form = NoteForm()
    if not form.validate():
        flash("Write the note first.", "danger")
    else:
        screening.add_note(application, current_user, form.body.data)
        db.session.commit()
        flash(f"{application.reference}: note added.", "success")
    return _back(form.back.data, application)


def _back(where: str | None, application: Application):
    """Back to the page the form was on (a fixed choice, never a URL from the client)."""
    if where == "queue":
        return redirect(url_for("grants.screening_queue"))
    return redirect(url_for("applications.show", application_id=application.id,
                            _anchor="screening"))
