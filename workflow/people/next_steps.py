"""What a notified person should do next on a file: the steps the workflow opens to their
roles from the file's state now, else a sentence by the kind of news. The sentences live
here, in one place. Read from the definitions alone (no query per file): the file page
then says which of them the rules allow today."""

from __future__ import annotations

from flask_babel import gettext

from models import Application, User
from models.i18n import N_
from workflow.engine import registry
from workflow.engine.wording import listing, word

# When no step of the workflow waits for the person, what the news asks of them.
NEXT_BY_KIND = {
    "ballot_opened": N_("Open the file and cast your vote while the ballot is open."),
    "quorum_reached": N_("Open the file and close the ballot when you are ready."),
    "awaiting_tranche": N_("Request the first tranche on the Disbursements page."),
    "tranche_requested": N_("A second finance officer authorises the tranche on the "
                            "Disbursements page."),
    "report_submitted": N_("Open the file and review the final report."),
    "reminder": N_("Open the file and deal with what is overdue."),
}
NOTHING_TO_DO = N_("Nothing to do now: you will be told when the file moves.")
STEPS_OPEN = N_("What you can do now: %(steps)s.")
# Ways out of the main path: named after the steps forward.
_ASIDE_STYLES = ("danger", "outline-danger", "warning", "outline-warning")


def open_steps(application: Application, user: User) -> list[str]:
    """The labels of the arrows out of the file's state that the user's roles may take."""
    definition = registry.get(application.workflow_name, application.workflow_version)
    found = []
    for trigger in definition.triggers:
        arrows = definition.arrows(trigger, application.state)
        if arrows and user.has_role(*arrows[0].roles):
            found.append(arrows[0])
    found.sort(key=lambda arrow: arrow.style in _ASIDE_STYLES)
    return [arrow.label for arrow in found]


def next_step(application: Application | None, user: User, kind: str) -> str:
    """One sentence: the steps open to the user on the file now, else the kind's hint, in the
    language of the moment (the page's, or the reader's of an email)."""
    if application is not None and not registry.get(
            application.workflow_name, application.workflow_version).state(
            application.state).final:
        steps = open_steps(application, user)
        if steps:
            return gettext(STEPS_OPEN, steps=listing([word(step) for step in steps]))
    return gettext(NEXT_BY_KIND.get(kind, NOTHING_TO_DO))
