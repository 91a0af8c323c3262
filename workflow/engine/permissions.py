"""Object-level rules: who may see an application, who may act for its organisation.

A file is seen by its own organisation (the applicant role) and, once submitted, by the
staff; a draft, or a file withdrawn before it was ever submitted, by its organisation
alone. The auditor reads every file. `can_view` says it of one file, `visibility` of a
list's statement (the application list, search, the home page's counts, the exports).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import bindparam, or_

from models import Application, User
from models.i18n import N_

from . import registry
from .definition import OWNER, SYSTEM
from .wording import listing, word

# Staff who read every submitted file; the applicant role reads only its organisation's.
READER_ROLES = ("secretariat", "committee_member", "committee_chair", "finance_officer",
                "auditor")
# Reads every file, drafts included (DESIGN.md: "read everything").
AUDITOR = "auditor"

ROLE_PHRASES = {
    "applicant": N_("the applying organisation"),
    "secretariat": N_("the secretariat"),
    "committee_member": N_("committee members"),
    "committee_chair": N_("the committee chair"),
    "finance_officer": N_("finance officers"),
    "auditor": N_("auditors"),
    "admin": N_("administrators"),
    SYSTEM: N_("the daily job"),
}


def is_member_of_applicant(user: User | None, application: Application) -> bool:
    return (user is not None and user.organisation_id is not None
            and user.organisation_id == application.organisation_id)


def can_view(user: User | None, application: Application) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.has_role(AUDITOR):
        return True
    if user.has_role(OWNER) and is_member_of_applicant(user, application):
        return True
    return user.has_role(*READER_ROLES) and application.submitted_at is not None


@dataclass(frozen=True)
class Visibility:
    """Which files a user's lists hold, as the shape of a condition and its value.

    kind: "every" (the auditor), "submitted" (the staff), "submitted_or_own" (the staff
    who apply for an organisation too) or "own" (an applicant). own_organisation: the
    value of the :own_organisation parameter, when the kind reads it.
    """

    kind: str
    own_organisation: int | None = None

    @property
    def params(self) -> dict:
        return {} if self.own_organisation is None else {
            "own_organisation": self.own_organisation}


def visibility(user: User) -> Visibility:
    if user.has_role(AUDITOR):
        return Visibility("every")
    own = user.organisation_id if user.has_role(OWNER) else None
    if user.has_role(*READER_ROLES):
        return Visibility("submitted") if own is None else Visibility("submitted_or_own", own)
    return Visibility("own", own or -1)  # no organisation: none of the files


def visible_conditions(kind: str) -> list:
    """The conditions of a visibility kind, its organisation a bound :own_organisation."""
    own = Application.organisation_id == bindparam("own_organisation")
    submitted = Application.submitted_at.is_not(None)
    return {"every": [], "submitted": [submitted], "submitted_or_own": [or_(submitted, own)],
            "own": [own]}[kind]


def states_before_submission() -> frozenset[str]:
    """The states a file that was never submitted may be in (draft, withdrawn): those
    reached from a workflow's first state by any step but a submission. A file in any
    other state was submitted, so a count of those states needs no look at submitted_at."""
    found = set()
    for name in registry.names():
        for version in registry.versions(name):
            definition = registry.get(name, version)
            waiting = [definition.initial]
            while waiting:
                state = waiting.pop()
                if state in found:
                    continue
                found.add(state)
                waiting += [t.dest for t in definition.transitions
                            if state in t.sources and t.trigger not in ("submit", "resubmit")]
    return frozenset(found)


def acting_roles(user: User | None, application: Application, allowed: tuple[str, ...]
                 ) -> set[str]:
    """The roles in `allowed` through which this user may act on this application."""
    if user is None:
        return {SYSTEM} & set(allowed)
    held = set(user.roles) & set(allowed)
    if OWNER in held and not is_member_of_applicant(user, application):
        held.discard(OWNER)
    return held


def describe_roles(roles: tuple[str, ...]) -> str:
    """"the secretariat or finance officers", in the language of the moment."""
    phrases = [word(ROLE_PHRASES[r]) if r in ROLE_PHRASES else r for r in roles]
    if len(phrases) == 1:
        return phrases[0]
    return gettext("%(some)s or %(last)s", some=listing(phrases[:-1]), last=phrases[-1])
