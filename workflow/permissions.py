"""Object-level rules: who may see an application, who may act for its organisation."""

from __future__ import annotations

from models import Application, User

from .definition import OWNER, SYSTEM

# Staff who read every file; the applicant role reads only its organisation's.
READER_ROLES = ("secretariat", "committee_member", "committee_chair", "finance_officer",
                "auditor")

ROLE_PHRASES = {
    "applicant": "the applying organisation",
    "secretariat": "the secretariat",
    "committee_member": "committee members",
    "committee_chair": "the committee chair",
    "finance_officer": "finance officers",
    "auditor": "auditors",
    "admin": "administrators",
    SYSTEM: "the daily job",
}


def is_member_of_applicant(user: User | None, application: Application) -> bool:
    return (user is not None and user.organisation_id is not None
            and user.organisation_id == application.organisation_id)


def can_view(user: User | None, application: Application) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.has_role(*READER_ROLES):
        return True
    return user.has_role(OWNER) and is_member_of_applicant(user, application)


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
    phrases = [ROLE_PHRASES.get(r, r) for r in roles]
    return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " or " + phrases[-1]
