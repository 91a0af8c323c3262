"""The load test's world: its own PostgreSQL database, filled by the scale generator, and
an account for each simulated user (bench.load_day drives; bench.load_users acts).

Every simulated user logs in with an account of its own, so that no two share a session,
a TOTP code (accepted once) or a login's throttle. The two chairs take the presiding seats
of the two committees from the demo's chair, who keeps a member's seat on both.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from dataclasses import asdict, dataclass

import pyotp
from sqlalchemy import delete, func, select

from demo.living import DEMO_PASSWORD
from models import Application, Organisation, User, db, utcnow, write_intent
from models.security import LoginAttempt
from workflow.people import accounts, committees

from . import pages
from .common import fresh_app

SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DEMO_CHAIR = "chair@wnf.example"

# Who the 32 users of a working day are (bench.load_users names its classes after these).
MIX = {"applicant": 12, "member": 8, "secretariat": 4, "finance": 6, "chair": 2}


@dataclass
class Account:
    role: str  # a key of MIX
    email: str
    totp_secret: str | None  # the second factor of finance officers and chairs
    password: str = DEMO_PASSWORD
    organisation_id: int | None = None


def new_database() -> tuple[str, str]:
    """A new empty database on the local server: (its name, its URL)."""
    from tests.database import create_database

    name = f"wnf_load_{os.getpid()}_{random.randrange(16**6):06x}"
    return name, create_database(SERVER, name)


def drop(name: str) -> None:
    from tests.database import drop_database

    drop_database(SERVER, name)


def build(url: str, files: int) -> tuple[object, float]:
    """Migrate and fill the database with `files` generated applications; (app, seconds)."""
    app, _ = fresh_app(url)
    seconds = pages.seed(app, files, tempfile.mkdtemp(prefix="wnf-load-uploads-"))
    return app, seconds


def _busiest_applicant_organisations(count: int) -> list[int]:
    """The alumni societies with the most grant drafts: each applicant edits its own."""
    drafts = func.count(Application.id)
    rows = db.session.execute(
        select(Application.organisation_id, drafts)
        .where(Application.kind == "grant", Application.state == "draft")
        .group_by(Application.organisation_id).order_by(drafts.desc(), Application.organisation_id)
        .limit(count)).all()
    return [organisation_id for organisation_id, _ in rows]


def _aots() -> Organisation | None:
    chair = db.session.scalar(select(User).where(User.email == DEMO_CHAIR))
    return chair.organisation if chair else None


def create_accounts(app, mix: dict[str, int] = MIX) -> list[Account]:
    """One account per simulated user, through the workflow as an admin would make them."""
    made: list[Account] = []
    with app.app_context(), write_intent(True):
        aots = _aots()
        demo_chair = db.session.scalar(select(User).where(User.email == DEMO_CHAIR))
        if demo_chair is not None:  # the chairs' seats go to the load test's two chairs
            committees.set_seats(demo_chair, {"WNF": {"member"}, "SME": {"member"}}, None)
        # A database used before: its runs' failed logins (a TOTP code that aged on a busy
        # host) would make every user from this one address wait.
        db.session.execute(delete(LoginAttempt).where(LoginAttempt.email.like("load.%")))
        societies = _busiest_applicant_organisations(mix["applicant"])
        for role, count in mix.items():
            for n in range(count):
                made.append(_account(role, n, aots, societies))
        db.session.commit()
    return made


def _account(role: str, n: int, aots, societies: list[int]) -> Account:
    email = f"load.{role}{n + 1}@wnf.example"
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:  # else a database filled and used before (--database-url)
        user = _new_user(role, n, email, aots, societies)
    secret = None
    if role in ("finance", "chair"):
        secret = pyotp.random_base32()
        # enrolled, as after a first login's set-up
        user.totp_secret, user.totp_enrolled_at, user.totp_last_step = secret, utcnow(), None
    return Account(role, email, secret, organisation_id=user.organisation_id)


def _new_user(role: str, n: int, email: str, aots, societies: list[int]) -> User:
    organisation, roles, seats = aots, (), {}
    if role == "applicant":
        organisation = db.session.get(Organisation, societies[n % len(societies)])
        roles = ("applicant",)
    elif role == "member":
        seats = {"WNF": {"member"}, "SME": {"member"}}
    elif role == "secretariat":
        roles = ("secretariat",)
    elif role == "finance":
        roles = ("finance_officer",)
    elif role == "chair":
        seats = {("WNF", "SME")[n % 2]: {"chair", "member"}}
    return accounts.create_user(email=email, name=f"Load {role.title()} {n + 1}",
                                password=DEMO_PASSWORD, roles=roles,
                                organisation=organisation, seats=seats)


def write_accounts(accounts_: list[Account]) -> str:
    """The accounts as a JSON file for the Locust process; its path."""
    handle, path = tempfile.mkstemp(prefix="wnf-load-accounts-", suffix=".json")
    with os.fdopen(handle, "w") as out:
        json.dump([asdict(a) for a in accounts_], out)
    return path
