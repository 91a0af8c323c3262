"""Who is photographed, and which of their pages: the list the camera walks.

A page is a path, or FILE / DIAGRAM: the application page (or its diagram) of the first
file this person may open in the first of their preferred (programme, state) pairs that the
demo has, so each role is shown on a file at the stage it works on.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from models import Application, User, db
from workflow.engine.permissions import can_view

FILE = "file"
DIAGRAM = "diagram"
WIDTHS = (1280, 390)


@dataclass(frozen=True)
class Role:
    slug: str  # the first word of each picture's file name
    title: str  # the role as the README names it
    email: str
    pages: tuple[tuple[str, str], ...]  # (page name, path or FILE / DIAGRAM)
    files: tuple[tuple[str, str], ...] = ()  # preferred (programme, state) for FILE


GRANT_AT_COMMITTEE = (("grant", "committee_review"), ("loan", "committee_review"))
LOAN_REPAYING = (("loan", "active"), ("loan", "in_arrears"), ("loan", "contracted"))

ROLES = (
    Role("applicant", "Alumni society applicant", "applicant.th@wnf.example",
         (("home", "/home"), ("applications", "/applications/"), ("file", FILE),
          ("diagram", DIAGRAM), ("notifications", "/notifications/")),
         (("grant", "in_implementation"), ("grant", "approved"), ("grant", "closed"))),
    Role("company", "Company borrower", "sme@wnf.example",
         (("home", "/home"), ("loans", "/loans/"), ("file", FILE), ("diagram", DIAGRAM),
          ("notifications", "/notifications/")),
         LOAN_REPAYING),
    Role("secretariat", "Secretariat", "secretariat@wnf.example",
         (("home", "/home"), ("applications", "/applications/"), ("loans", "/loans/"),
          ("screening", "/grants/screening"), ("file", FILE), ("diagram", DIAGRAM),
          ("committee", "/committee/"), ("rounds", "/rounds/"), ("portfolio", "/portfolio/"),
          ("notifications", "/notifications/")),
         (("grant", "screening"), *GRANT_AT_COMMITTEE)),
    Role("member", "Committee member", "member1@wnf.example",
         (("home", "/home"), ("committee", "/committee/"), ("file", FILE),
          ("notifications", "/notifications/")),
         GRANT_AT_COMMITTEE),
    Role("chair", "Committee chair", "chair@wnf.example",
         (("home", "/home"), ("committee", "/committee/"), ("file", FILE),
          ("notifications", "/notifications/")),
         GRANT_AT_COMMITTEE),
    Role("finance", "Finance officer", "finance1@wnf.example",
         (("home", "/home"), ("finance", "/finance/"), ("funds", "/funds/"),
          ("loans", "/loans/"), ("file", FILE), ("notifications", "/notifications/")),
         (("grant", "approved"), *LOAN_REPAYING)),
    Role("auditor", "Auditor", "auditor@wnf.example",
         (("home", "/home"), ("applications", "/applications/"), ("portfolio", "/portfolio/"),
          ("audit", "/audit/"), ("file", FILE), ("diagram", DIAGRAM),
          ("notifications", "/notifications/")),
         (("loan", "in_arrears"), *LOAN_REPAYING)),
    Role("admin", "Administrator", "admin@wnf.example",
         (("home", "/home"), ("users", "/admin/users"), ("funds", "/admin/funds"),
          ("workflows", "/workflows/"), ("notifications", "/notifications/"))),
)


def chosen_file(role: Role) -> int | None:
    """The id of the file shown as this role's FILE and DIAGRAM pages (None: it has none)."""
    user = db.session.scalar(select(User).where(User.email == role.email))
    for kind, state in role.files:
        for application in db.session.scalars(
                select(Application).where(Application.kind == kind, Application.state == state)
                .order_by(Application.id)):
            if can_view(user, application):
                return application.id
    return None


def resolved_paths(role: Role) -> list[tuple[str, str]]:
    """(page name, path) of each of the role's pages; FILE pages left out if it has no file."""
    ident = chosen_file(role)
    paths = []
    for name, path in role.pages:
        if path in (FILE, DIAGRAM):
            if ident is None:
                continue
            path = f"/applications/{ident}" + ("/diagram" if path == DIAGRAM else "")
        paths.append((name, path))
    return paths


def picture_name(role: Role, page: str, width: int) -> str:
    return f"{role.slug}-{page}-{width}.png"
