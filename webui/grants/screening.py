"""The secretariat's screening queue, checklist and notes."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from models import Application, db
from workflow.engine.errors import ValidationFailed
from workflow.grants import proposals, screening
from workflow.grants.budget import totals_of

from .. import once, paging
from ..access import roles
from . import bp
from .forms import ChecklistForm, NoteForm
from .loading import grant_or_404

# A page of proposals, each with its checklist: a screener works through the oldest first.
PER_PAGE = 25
# Waiting proposals are counted up to this many: beyond it the page says "more than 1,000".
COUNT_LIMIT = 1000


@bp.route("/screening")
@roles("secretariat")
def screening_queue():
    where = paging.place()
    page = screening.queue_page(PER_PAGE, after=where.after, before=where.before)
    queue = page.rows
    checklists = screening.checklists(queue)  # a few queries for the whole page
    lines = proposals.budget_lines_of(queue)
    rows = [(application, checklists[application.id], totals_of(lines[application.id]))
            for application in queue]
    return render_template("grants/screening_queue.html", rows=rows, page=page,
                           number=where.number, total=screening.queue_count(COUNT_LIMIT + 1),
                           count_limit=COUNT_LIMIT, checklist_form=ChecklistForm(back="queue"))


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
        return _back(form.back.data, application)
    back = _back_url(form.back.data, application)
    try:
        if earlier := once.already_sent(form, lambda _: back, back):
            return earlier
        note = screening.add_note(application, current_user, form.body.data)
        once.remember(form, note)
    except ValidationFailed as refusal:
        db.session.rollback()
        flash(refusal.message, "danger")
        return redirect(back)
    db.session.commit()
    flash(f"{application.reference}: note added.", "success")
    return redirect(back)


def _back_url(where: str | None, application: Application) -> str:
    """The page the form was on (a fixed choice, never a URL from the client)."""
    if where == "queue":
        return url_for("grants.screening_queue")
    return url_for("applications.show", application_id=application.id, _anchor="screening")


def _back(where: str | None, application: Application):
    return redirect(_back_url(where, application))
