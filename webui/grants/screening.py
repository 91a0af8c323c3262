"""The secretariat's screening queue, checklist and notes."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import Application
from workflow.engine.errors import ValidationFailed
from workflow.grants import proposals, screening
from workflow.grants.budget import totals_of

from .. import paging
from ..access import roles
from ..actions import Done, carry_out
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

    def act() -> Done:
        added, cleared = screening.record_checklist(application, current_user,
                                                    form.items.data)
        back = _back_url(form.back.data, application)
        if added or cleared:
            return Done(_("%(reference)s: checklist saved (%(ticked)s ticked, %(cleared)s "
                          "cleared).", reference=application.reference, ticked=len(added),
                          cleared=len(cleared)), back)
        return Done(_("%(reference)s: the checklist had no changes.",
                      reference=application.reference), back,
                    category="info")

    return carry_out(form, act, refusals=()) or abort(
        400, _("Tick items of the checklist only."))


@bp.route("/<int:application_id>/notes", methods=["POST"])
@roles("secretariat")
def add_note(application_id: int):
    application = grant_or_404(application_id)
    form = NoteForm()
    back = _back_url(form.back.data, application)

    def act() -> Done:
        note = screening.add_note(application, current_user, form.body.data)
        return Done(_("%(reference)s: note added.", reference=application.reference), back,
                    created=note)

    return carry_out(form, act, refusals=ValidationFailed, creates=lambda _: back,
                     creates_fallback=back, back=back,
                     incomplete=lambda form: _("Write the note first."))


def _back_url(where: str | None, application: Application) -> str:
    """The page the form was on (a fixed choice, never a URL from the client)."""
    if where == "queue":
        return url_for("grants.screening_queue")
    return url_for("applications.show", application_id=application.id, _anchor="screening")

