"""The secretariat's screening of grant proposals: the queue, the checklist, staff notes.

The checklist records what the secretariat has verified; it does not block any action
(the engine's guards do that). Requesting a revision, rejecting and referring to the
committee are the workflow's own transitions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from models import Application, Attachment, BudgetLine, Comment, ScreeningCheck, User, db
from models.i18n import N_
from workflow.engine import audit, keyset, reading, service
from workflow.engine.errors import TransitionRefused, ValidationFailed
from workflow.engine.wording import word
from workflow.files.attachments import attachments_by_application, attachments_of

from .budget import format_percent, totals_of
from .proposals import budget_lines, budget_lines_of

CHECKLIST = (  # the words are translated where shown (word)
    ("eligible_society", N_("The applicant is an eligible alumni society")),
    ("programme_fits", N_("The programme develops human resources, as WNF intends")),
    ("within_cap", N_("The amount requested is within the round's cap")),
    ("own_share_met", N_("The society's own contribution meets the round's minimum")),
    ("budget_reasonable", N_("The budget is reasonable for the activity")),
    ("partners_confirmed", N_("The partner societies have confirmed their part")),
    ("documents_attached", N_("The required documents are attached")),
)
CHECKLIST_LABELS = dict(CHECKLIST)
QUEUE_STATES = ("submitted", "screening")


@dataclass(frozen=True)
class ChecklistItem:
    item: str
    label: str
    check: ScreeningCheck | None  # who ticked it and when; None while unticked
    hint: str | None  # what the system can tell the screener about it


def _queue_query():
    return (select(Application)
            .where(Application.kind == "grant", Application.state.in_(QUEUE_STATES))
            # The queue shows each file's organisation; its checklist reads the round.
            .options(joinedload(Application.organisation), joinedload(Application.round)))


# Longest-waiting first: since submission (a file made in screening has only its creation).
QUEUE_KEY = (func.coalesce(Application.submitted_at, Application.created_at), Application.id)


def queue_page(size: int, *, after: str | None = None, before: str | None = None
               ) -> keyset.Page:
    """Grant proposals waiting for the secretariat, a page of them, the longest-waiting
    first."""
    return keyset.page_of("screening", _queue_query(), QUEUE_KEY, size, after=after,
                          before=before)


def queue_count(limit: int) -> int:
    """How many proposals wait, counted up to `limit` (from the index alone)."""
    return keyset.count_up_to(select(Application.id).where(
        Application.kind == "grant", Application.state.in_(QUEUE_STATES)), limit)


def _checks(application: Application) -> dict[str, ScreeningCheck]:
    return {c.item: c for c in _ticks_of([application])[application.id]}


# The application page's statements, built once with their eager loads (building them on
# every page cost about as much as running them).
_TICKS = (select(ScreeningCheck)
          .where(ScreeningCheck.application_id.in_(bindparam("ids", expanding=True)))
          .options(joinedload(ScreeningCheck.checked_by).lazyload(User.role_assignments)))
_STAFF_NOTES = (select(Comment)
                .where(Comment.application_id == bindparam("application_id"),
                       Comment.visibility == "staff")
                .options(joinedload(Comment.author).lazyload(User.role_assignments))
                .order_by(Comment.id))


def _ticks_of(applications: list[Application]) -> dict[int, list[ScreeningCheck]]:
    """Per application id, its ticked items with who ticked each (the checklist shows it)."""
    def query(missing: list[Application]) -> dict[int, list[ScreeningCheck]]:
        found: dict[int, list[ScreeningCheck]] = {a.id: [] for a in missing}
        if missing:
            for check in db.session.scalars(_TICKS, {"ids": list(found)}):
                found[check.application_id].append(check)
        return found

    return reading.remember_each("screening_checks", applications, query)


def _hints(application: Application, lines: list[BudgetLine], files: list[Attachment]
           ) -> dict[str, str]:
    found = {}
    org = application.organisation
    found["eligible_society"] = f"{word(org.kind_label)}, {org.country_code}"
    round_ = application.round
    if round_ is not None:
        found["within_cap"] = _("%(requested)s requested; the cap is %(cap)s",
                                requested=f"¥{application.requested_yen:,}",
                                cap=f"¥{round_.cap_yen:,}")
        totals = totals_of(lines)
        found["own_share_met"] = _(
            "Own funds %(share)s %% of %(total)s; the minimum is %(minimum)s %%",
            share=format_percent(totals.own_percent), total=f"¥{totals.total:,}",
            minimum=str(round_.min_own_percent))
    files = sum(1 for f in files if f.kind == "proposal")
    found["documents_attached"] = ngettext("%(num)d file attached", "%(num)d files attached",
                                           files)
    return found


def hints(application: Application) -> dict[str, str]:
    """Facts the screener would otherwise look up: cap, own share, files, organisation."""
    return _hints(application, budget_lines(application), attachments_of(application))


def checklists(applications: list[Application]) -> dict[int, list[ChecklistItem]]:
    """Per application id, every item of its checklist with its tick (if any) and a hint:
    for a whole queue of proposals in three queries."""
    ticks = _ticks_of(applications)
    lines = budget_lines_of(applications)
    files = attachments_by_application(applications)
    result = {}
    for application in applications:
        checks = {c.item: c for c in ticks[application.id]}
        found = _hints(application, lines[application.id], files[application.id])
        result[application.id] = [ChecklistItem(item, word(label), checks.get(item),
                                                found.get(item))
                                  for item, label in CHECKLIST]
    return result


def checklist(application: Application) -> list[ChecklistItem]:
    """Every item of the checklist with its tick (if any) and a hint."""
    return checklists([application])[application.id]


def checklist_refusal(application: Application, actor: User | None) -> str | None:
    """Why this user may not change the checklist now, or None."""
    if actor is None or not actor.has_role("secretariat"):
        return _("Only the secretariat may tick the screening checklist.")
    if application.kind != "grant" or application.state not in QUEUE_STATES:
        return _("The checklist can be changed only while the proposal is being screened.")
    return None


def record_checklist(application: Application, actor: User, ticked: Iterable[str]
                     ) -> tuple[list[str], list[str]]:
    """Make the ticked items exactly `ticked`; returns (newly ticked, cleared), audited."""
    app = service.lock(application)
    refusal = checklist_refusal(app, actor)
    if refusal:
        raise TransitionRefused(refusal)
    wanted = set(ticked)
    unknown = wanted - set(CHECKLIST_LABELS)
    if unknown:
        raise ValidationFailed(_("Tick items of the checklist only."), "items")
    checks = _checks(app)
    added = [item for item, _label in CHECKLIST if item in wanted and item not in checks]
    cleared = [item for item, _label in CHECKLIST if item in checks and item not in wanted]
    for item in cleared:
        db.session.delete(checks[item])
    db.session.add_all(ScreeningCheck(application_id=app.id, item=item, checked_by_id=actor.id)
                       for item in added)
    db.session.flush()
    if added or cleared:
        audit.record("screening_checklist", actor=actor, object_type="application",
                     object_id=app.id,
                     data={"reference": app.reference, "ticked": added, "cleared": cleared})
    return added, cleared


def add_note(application: Application, actor: User, body: str) -> Comment:
    """A note for staff only: the applicant never sees it (nor in the timeline)."""
    if actor is None or not actor.has_role("secretariat"):
        raise TransitionRefused(_("Only the secretariat may write screening notes."))
    body = (body or "").strip()
    if not body:
        raise ValidationFailed(_("Write the note first."), "body")
    if len(body) > 5000:
        raise ValidationFailed(_("The note is too long: 5,000 characters at most."), "body")
    note = Comment(application_id=application.id, author_id=actor.id, body=body,
                   visibility="staff", trigger="screening")
    db.session.add(note)
    db.session.flush()
    # Filed under the comment, not the application: the application's timeline is shown
    # to the applicant too.
    audit.record("screening_note", actor=actor, object_type="comment", object_id=note.id,
                 data={"reference": application.reference, "application_id": application.id,
                       "note": body})
    return note


def staff_notes(application: Application) -> list[Comment]:
    """The secretariat's notes on the file, oldest first, with their authors' names."""
    return list(db.session.scalars(_STAFF_NOTES, {"application_id": application.id}))
