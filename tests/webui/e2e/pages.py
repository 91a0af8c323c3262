"""Reading pages as a user reads them: the state badge, the flashes, the controls offered;
and the records behind them: the application's ledger entries and audit events."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from models import Application, AuditEvent, LedgerEntry, db
from workflow.engine import registry


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def badge(page: str) -> str:
    """The state badge at the top of the application page."""
    match = re.search(r'class="badge[^"]*state-badge">([^<]*)<', page)
    assert match, "no state badge on the page"
    return match.group(1).strip()


def flashes(page: str) -> list[str]:
    return [" ".join(m.split()) for m in re.findall(
        r'<div class="alert alert-\w+ alert-dismissible[^>]*>\s*(.*?)\s*<button', page, re.S)]


def error_message(page: str) -> str:
    match = re.search(r'<p class="lead error-message">(.*?)</p>', page, re.S)
    assert match, "not an error page"
    return " ".join(match.group(1).split())


# What a user can do on the application page: plain workflow buttons by their trigger, and
# the forms and links the area panels render, by a short name.
_CONTROLS = {
    "edit": r'href="/grants/{id}/edit"',
    "attach": r'href="/grants/{id}/attachments"',
    "report": r'href="/grants/{id}/report"',
    "checklist": r'action="/grants/{id}/checklist"',
    "note": r'action="/grants/{id}/notes"',
    "vote": r'action="/committee/applications/{id}/vote"',
    "conflict": r'action="/committee/applications/{id}/conflict"',
    "close": r'action="/committee/applications/{id}/close"',
    "request_tranche": r'action="/finance/applications/{id}/tranches"',
    "authorise": r'action="/finance/tranches/\d+/authorise"',
    "cancel_tranche": r'action="/finance/tranches/\d+/cancel"',
    "edit_loan": r'href="/loans/{id}/edit"',
    "documents": r'href="/loans/{id}/documents"',
    "assessment": r'action="/loans/{id}/assessment"',
    "agreement": r'action="/loans/{id}/agreement"',
    "repayment": r'action="/loans/{id}/repayments"',
    "write_off_request": r'action="/loans/{id}/write-off/request"',
    "write_off": r'action="/loans/{id}/write-off"',
}


def controls(page: str, application_id: int) -> set[str]:
    """The buttons and forms the page offers this user (a disabled button is not offered)."""
    found = {m.group(2) for m in re.finditer(
        r'<button type="submit" class="btn btn-[\w-]+"( disabled[^>]*)?\s*data-trigger="(\w+)"',
        page) if not m.group(1)}
    found |= {name for name, pattern in _CONTROLS.items()
              if re.search(pattern.format(id=application_id), page)}
    return found


def page(cast, who: str, application: Application) -> str:
    """The application page as `who` sees it."""
    response = cast.client(who).get(f"/applications/{application.id}")
    assert response.status_code == 200, (who, response.status_code)
    return text(response)


def check(cast, application: Application, state: str, ledger: list, transitions: list, *,
          badges: dict[str, tuple[str, str]], watchers: tuple[str, ...],
          hidden_from: tuple[str, ...] = (), **offered) -> None:
    """The state, the ledger, the transitions so far, and each watcher's page of the file:
    its badge (`badges[state]`: what staff read, what the applicant reads) and exactly the
    controls in `offered` (nothing for a watcher not named); for the watchers in
    `hidden_from`, no page at all (404: a file not yet submitted)."""
    application = reload(application)
    assert application.state == state
    assert ledger_of(application) == ledger
    assert transitions_of(application) == transitions
    staff_label, applicant_label = badges[state]
    for who in watchers:
        if who in hidden_from:
            response = cast.client(who).get(f"/applications/{application.id}")
            assert response.status_code == 404, (who, response.status_code)
            continue
        shown = page(cast, who, application)
        assert badge(shown) == (applicant_label if who == "applicant" else staff_label), who
        assert controls(shown, application.id) == set(offered.get(who, ())), who


def reload(application: Application) -> Application:
    db.session.expire_all()
    return db.session.get(Application, application.id)


def ledger_of(application: Application) -> list[tuple[str, int]]:
    """(kind, amount) of every ledger entry of the application, in booking order."""
    return [(e.kind, e.amount_yen) for e in db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.application_id == application.id)
        .order_by(LedgerEntry.id))]


def transitions_of(application: Application) -> list[tuple[str, str, str]]:
    """(trigger, from, to) of the audit events of the application's state changes."""
    definition = registry.get(application.workflow_name, application.workflow_version)
    return [(e.action, e.from_state, e.to_state) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "application",
                                 AuditEvent.object_id == application.id,
                                 AuditEvent.action.in_(definition.triggers))
        .order_by(AuditEvent.seq))]


def events(action: str, **where) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(db.session.scalars(query.order_by(AuditEvent.seq)))


def post(client, url: str, **kwargs):
    """Send a form and follow its redirect as a browser does; the final response keeps the
    first one as `.via` (None when there was no redirect).

    (The suite's client runs each request in a context of its own, so werkzeug's
    follow_redirects, which nests the second request inside the first, cannot be used.)
    """
    first = client.post(url, **kwargs)
    if first.status_code not in (301, 302, 303):
        first.via = None
        return first
    final = client.get(first.headers["Location"])
    final.via = first
    return final


def waiting(cast, who: str) -> dict[str, int]:
    """What the home page lists as waiting for `who`, with its counts."""
    home = text(cast.client(who).get("/home"))
    return {label: int(count) for label, count in re.findall(
        r'<span>([^<]+?) <small class="text-muted">[^<]*</small></span>\s*<span>'
        r'(?:<span class="badge text-bg-danger[^>]*>[^<]*</span>)?'
        r'<span class="badge text-bg-primary rounded-pill">(\d+)</span>', home)}
