"""The app's URL map as each demo role meets it: one concrete URL per GET route, its path
arguments filled from real rows the role may see, tried in turn until one answers 200.

Untimed: bench.every_page times and counts the pages found here.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from demo import living
from models import (
    Application,
    Attachment,
    Ballot,
    Fund,
    Organisation,
    Round,
    User,
    db,
    write_intent,
)
from workflow.engine import registry
from workflow.people import api_tokens

# One demo user per role (demo.living); the chair and deputies log in with a second factor.
ROLES = {
    "admin": "admin@wnf.example",
    "secretariat": "secretariat@wnf.example",
    "auditor": "auditor@wnf.example",
    "finance officer": "finance1@wnf.example",
    "chair": "chair@wnf.example",
    "deputy chair": "deputy.wnf@wnf.example",
    "member": "member1@wnf.example",
    "grant applicant": "applicant.th@wnf.example",
    "SME applicant": "sme@wnf.example",
}
NOT_PAGES = ("static",)  # files served as they are, not pages
# The best answer when none is 200: a redirect says more than a refusal.
RANK = {302: 0, 303: 0, 401: 2, 403: 1, 404: 3, 405: 4}


@dataclass
class Page:
    """A route as one role reaches it: `status` 200 when timed, else why not."""

    role: str
    rule: str
    url: str
    status: int
    filled_from: str  # what the path arguments name: "loan, repaying", "fund SME"…
    headers: dict[str, str]


@dataclass
class Visitor:
    role: str
    user_id: int
    client: FlaskClient
    api_headers: dict[str, str]


def log_in(app: Flask, role: str) -> Visitor:
    """A test client logged in as the role's demo user, with the code their authenticator
    shows when their roles require a second factor, and a read token for the API."""
    import pyotp

    client = app.test_client()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == ROLES[role]))
        db.session.rollback()
        with write_intent(True):
            user.totp_last_step = None  # each code is accepted once: let this step's through
            token = api_tokens.create(user, "bench", "read").secret
            db.session.commit()
        secret, user_id = user.totp_secret, user.id
    response = client.post("/auth/login", data={"email": ROLES[role],
                                                "password": living.DEMO_PASSWORD})
    if response.headers.get("Location", "").startswith("/auth/two-factor"):
        response = client.post("/auth/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and "/auth/" not in response.headers["Location"], (
        role, response.status_code, response.headers.get("Location"))
    return Visitor(role, user_id, client, {"Authorization": f"Bearer {token}"})


def _applications(user: User) -> list[tuple[dict, str]]:
    """The newest file of each kind and state the user may see (an applicant: their
    organisation's)."""
    query = select(Application.kind, Application.state, func.max(Application.id))
    if user.roles == {"applicant"}:
        query = query.where(Application.organisation_id == user.organisation_id)
    rows = db.session.execute(query.group_by(Application.kind, Application.state)
                              .order_by(Application.kind, Application.state)).all()
    return [({"application_id": i}, f"{kind}, {state}") for kind, state, i in rows]


def _attachments(user: User) -> list[tuple[dict, str]]:
    newest = {}
    for args, label in _applications(user):
        attachment = db.session.scalar(
            select(func.max(Attachment.id)).where(
                Attachment.application_id == args["application_id"]))
        if attachment is not None:
            newest[label] = {**args, "attachment_id": attachment}
    return [(args, label) for label, args in newest.items()]


def _newest(column, label: str, *where) -> list[tuple[dict, str]]:
    found = db.session.scalar(select(func.max(column)).where(*where))
    return [] if found is None else [({column.key: found}, label)]


def candidates(user: User) -> dict[frozenset, list[tuple[dict, str]]]:
    """Path arguments to try for each set of argument names, with what they name."""
    ballots = [({"ballot_id": i}, f"ballot, {state}") for state, i in db.session.execute(
        select(Ballot.state, func.max(Ballot.id)).group_by(Ballot.state)
        .order_by(Ballot.state)).all()]
    funds = [({"code": code}, f"fund {code}") for code in
             db.session.scalars(select(Fund.code).order_by(Fund.id)).all()]
    workflows = [({"name": name}, f"workflow {name}") for name in registry.names()]
    versions = [({"name": name, "version": registry.versions(name)[-1]}, f"workflow {name}")
                for name in registry.names()]
    return {
        frozenset(): [({}, "")],
        frozenset({"application_id"}): _applications(user),
        frozenset({"application_id", "attachment_id"}): _attachments(user),
        frozenset({"ballot_id"}): ballots,
        frozenset({"round_id"}): [({"round_id": a["id"]}, label) for a, label in
                                  _newest(Round.id, "the newest round")],
        frozenset({"code"}): funds,
        frozenset({"fund_id"}): [({"fund_id": a["id"]}, label) for a, label in
                                 _newest(Fund.id, "the newest fund")],
        frozenset({"org_id"}): [({"org_id": a["id"]}, label) for a, label in
                                _newest(Organisation.id, "the newest organisation")],
        frozenset({"user_id"}): [({"user_id": user.id}, "their own account")],
        frozenset({"name"}): workflows,
        frozenset({"name", "version"}): versions,
    }


def _ordered(rule: str, tries: list[tuple[dict, str]], hint: str | None) -> list:
    """The kind of file a route is about first (a loan's pages: loans), and first of all
    what answered at the other size, so that both sizes measure the same kind of page."""
    kind = "loan" if "/loans" in rule else "grant" if "/grants" in rule else None
    tries = sorted(tries, key=lambda t: (kind is not None and not t[1].startswith(kind)))
    return sorted(tries, key=lambda t: t[1] != hint) if hint else tries


def walk(app: Flask, visitor: Visitor, hints: dict[str, str] | None = None) -> list[Page]:
    """Every GET route of the URL map, once, as the visitor (hints: rule → what filled its
    arguments at the other size)."""
    with app.app_context():
        user = db.session.get(User, visitor.user_id)
        choices = candidates(user)
        db.session.rollback()
    rules = sorted((r for r in app.url_map.iter_rules()
                    if "GET" in r.methods and r.endpoint not in NOT_PAGES),
                   key=lambda r: r.rule)
    pages = []
    with app.test_request_context():
        from flask import url_for

        for rule in rules:
            tries = choices.get(frozenset(rule.arguments), [])
            headers = visitor.api_headers if rule.rule.startswith("/api/") else {}
            best = None
            for args, label in _ordered(rule.rule, tries, (hints or {}).get(rule.rule)):
                url = url_for(rule.endpoint, **args)
                status = visitor.client.get(url, headers=headers).status_code
                page = Page(visitor.role, rule.rule, url, status, label, headers)
                if status == 200:
                    best = page
                    break
                if best is None or RANK.get(status, 9) < RANK.get(best.status, 9):
                    best = page
            pages.append(best or Page(visitor.role, rule.rule, rule.rule, 0,
                                      "no row to fill it", headers))
    return pages
