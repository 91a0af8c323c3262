"""The living demo: grants and loans in every state, made by the real workflow.

Called once at the end of demo.living.seed. Every file is driven through the functions the
web pages call — proposals, screening, ballots, tranches, final reports, repayments — acting
as the demo users, so that the audit trail, the ledger, the ballots and the notifications are
the ones the application itself writes, and the audit chain verifies.

Business dates in the past (last year's round, a loan released months ago, repayments on
their due dates) go through the functions' `today`, `released_on` and `received_on` inputs;
the audit trail records when the seed ran, as it would for an operator catching up.

Idempotent: nothing is added once any application exists.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from models import (
    Application,
    AuditEvent,
    Ballot,
    Donation,
    Fund,
    LedgerEntry,
    Organisation,
    Round,
    Tranche,
    User,
    Vote,
    db,
)
from workflow.committee import ballots
from workflow.engine import service
from workflow.engine.fiscal import fiscal_year, fiscal_year_bounds
from workflow.money import donations, fund_records, tranches
from workflow.people import accounts

# Short names of the demo users (the part of their email before the @).
STAFF = ("secretariat", "secretariat2", "finance1", "finance2", "chair", "deputy.wnf",
         "deputy.sme", "member1", "member2", "member3", "member4", "member5", "member6",
         "applicant.th", "applicant.in", "applicant.ph", "sme", "sme2")

# Large Japanese companies that give to the loan fund; they never borrow from it.
DONOR_COMPANIES = (
    ("Chubu Machine Tool Works Co., Ltd.", "Nagoya", 4_800_000_000, 2_300),
    ("Setouchi Shipbuilding Co., Ltd.", "Hiroshima", 12_000_000_000, 5_100),
)


# --- small files -------------------------------------------------------------------------

def _pdf_text(value: str) -> str:
    """PDF string text: ASCII (the base-14 fonts know no more), with its specials escaped."""
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return plain.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(title: str, lines: tuple[str, ...] = ()) -> bytes:
    """A small, valid one-page PDF showing `title` and `lines` (a demo attachment)."""
    ops = ["BT", "/F1 16 Tf", "72 770 Td", f"({_pdf_text(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        ops += ["0 -22 Td", f"({_pdf_text(line)}) Tj"]
    ops.append("ET")
    stream = "\n".join(ops).encode("ascii")
    objects = (
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


class Upload:
    """What attachments.store reads: a file name and a stream (as a browser upload has)."""

    def __init__(self, filename: str, data: bytes):
        self.filename = filename
        self.stream = io.BytesIO(data)


# --- the cast ----------------------------------------------------------------------------

@dataclass
class Cast:
    """Who acts in the demo, the funds and rounds, and the dates the stories hang on."""

    today: date
    upload_dir: str
    people: dict[str, User]
    wnf: Fund
    sme: Fund
    rounds: dict[tuple[str, str], Round]  # (fund code, "current" | "previous")
    days: dict[int, date] = field(default_factory=dict)  # application id -> its writing day

    def __getitem__(self, name: str) -> User:
        return self.people[name]

    @property
    def last_year_day(self) -> date:
        """A day in the spring of the previous fiscal year: when last year's files began."""
        return fiscal_year_bounds(fiscal_year(self.today) - 1)[0] + timedelta(days=20)

    def org(self, name: str) -> Organisation:
        """The organisation of that name."""
        return db.session.scalar(select(Organisation).where(Organisation.name == name))

    def days_ago(self, days: int) -> date:
        """The date `days` days before the demo's today."""
        return self.today - timedelta(days=days)

    # -- committee --------------------------------------------------------------------

    def votes(self, application: Application, **choices: str) -> None:
        """Each named member votes (`member1="approve"`); a comment says why."""
        for name, choice in choices.items():
            ballots.cast_vote(application, self[name], choice, VOTE_COMMENTS[choice])

    def decide(self, application: Application, by: str = "chair", **inputs) -> Application:
        """Whoever presides (the chair, else `by`) closes the open ballot with the inputs."""
        return service.fire(application, "decide", self[by], **inputs)

    # -- money ------------------------------------------------------------------------

    def request(self, application: Application, amount: int, note: str = "") -> Tranche:
        """finance1 requests a tranche; it waits for a second officer."""
        return tranches.request_tranche(application, amount, self["finance1"], note)

    def release(self, application: Application, amount: int, note: str = "",
                on: date | None = None) -> Tranche:
        """finance1 requests, finance2 authorises (four eyes); `on` dates a loan's release."""
        tranche = self.request(application, amount, note)
        if on is None:
            tranches.authorise_tranche(tranche, self["finance2"])
        else:
            service.fire(service.lock(application), "release_tranche", self["finance2"],
                         tranche_id=tranche.id, released_on=on, today=on)
        return tranche


VOTE_COMMENTS = {
    "approve": "A well-prepared programme with a clear budget.",
    "reject": "The budget is not justified by the expected results.",
    "abstain": "",
}


def _people() -> dict[str, User]:
    users = db.session.scalars(select(User).where(
        User.email.in_([f"{name}@wnf.example" for name in STAFF]))).all()
    return {u.email.split("@")[0]: u for u in users}


def _round(fund: Fund, year: int, budget: int, cap: int, own: int) -> Round:
    name = f"{fund.code} FY{year}"
    existing = db.session.scalar(select(Round).where(Round.fund_id == fund.id,
                                                     Round.name == name))
    if existing is not None:
        return existing
    opens, closes = fiscal_year_bounds(year)
    return fund_records.save_round(None, fund=fund, name=name, opens_on=opens, closes_on=closes,
                               budget_yen=budget, cap_yen=cap, min_own_percent=own)


def _cast(today: date, upload_dir: str) -> Cast:
    wnf = db.session.scalar(select(Fund).where(Fund.code == "WNF"))
    sme = db.session.scalar(select(Fund).where(Fund.code == "SME"))
    year = fiscal_year(today)
    rounds = {
        ("WNF", "current"): _round(wnf, year, 30_000_000, 3_000_000, 20),
        ("WNF", "previous"): _round(wnf, year - 1, 28_000_000, 3_000_000, 20),
        ("SME", "current"): _round(sme, year, 500_000_000, 100_000_000, 0),
        ("SME", "previous"): _round(sme, year - 1, 450_000_000, 100_000_000, 0),
    }
    return Cast(today, upload_dir, _people(), wnf, sme, rounds)


# --- donations ---------------------------------------------------------------------------

WNF_SOCIETY_GIFTS = (
    ("AOTS Alumni Society of Thailand", 6_500_000, 400, "Annual WNF campaign"),
    ("AOTS Alumni Society of India (Chennai)", 4_200_000, 380, "Members' contributions"),
    ("AOTS Alumni Society of Indonesia", 3_800_000, 300, "Gala dinner proceeds"),
    ("AOTS Alumni Society of Viet Nam", 2_900_000, 250, "Members' contributions"),
    ("AOTS Alumni Society of the Philippines", 2_600_000, 200, "Annual WNF campaign"),
    ("AOTS Alumni Society of Sri Lanka", 1_700_000, 150, ""),
    ("AOTS Alumni Society of Brazil", 2_100_000, 120, "Charity golf tournament"),
    ("AOTS Alumni Society of Kenya", 1_200_000, 90, ""),
    ("AOTS Alumni Society of Mexico", 1_500_000, 60, "Members' contributions"),
)
WNF_PERSONAL_GIFTS = (
    ("Ohashi Keiko (AOTS staff)", 500_000, 330, "Staff giving"),
    ("Dr. Ramesh Iyer", 1_000_000, 200, "In memory of his 1989 training in Yokohama"),
    ("Former trainees of the 1998 kaizen course", 850_000, 100, "Class reunion"),
    ("Nakamura Hiroshi", 3_000_000, 45, "Bequest"),
)


def _donor_companies() -> list[Organisation]:
    found = []
    for name, city, capital, employees in DONOR_COMPANIES:
        org = db.session.scalar(select(Organisation).where(Organisation.name == name))
        found.append(org or accounts.save_organisation(
            None, name=name, kind="company", country_code="JP", city=city,
            industry="manufacturing", capital_yen=capital, employees=employees))
    return found


def _donations(cast: Cast) -> None:
    """WNF from alumni societies and persons; the SME fund's capital from companies and a
    bequest. All received in the past, oldest first."""
    gifts = []
    for name, amount, days, note in WNF_SOCIETY_GIFTS:
        gifts.append((cast.wnf, "alumni_society", cast.org(name), name, amount, days, note))
    for name, amount, days, note in WNF_PERSONAL_GIFTS:
        gifts.append((cast.wnf, "person", None, name, amount, days, note))
    first, second = _donor_companies()
    gifts += [
        (cast.sme, "company", first, first.name, 400_000_000, 700, "Loan fund capital"),
        (cast.sme, "company", second, second.name, 250_000_000, 420, "Loan fund capital"),
        (cast.sme, "person", None, "Estate of Yamamoto Isamu", 80_000_000, 150,
         "Bequest for SME investment in Asia"),
    ]
    for fund, kind, org, name, amount, days, note in sorted(gifts, key=lambda g: -g[5]):
        donations.record_donation(fund, donor_kind=kind, donor_name=name,
                                  donor_organisation=org, received_on=cast.days_ago(days),
                                  amount_yen=amount, note=note, actor=cast["secretariat"],
                                  today=cast.today)


# --- the entry point ---------------------------------------------------------------------

def seed_lifecycles(today: date, upload_dir: str) -> dict[str, int]:
    """Donations, then grants and loans in every state; nothing if applications exist."""
    if db.session.scalar(select(Application.id).limit(1)) is None:
        from . import living_grants, living_loans, living_round_budget

        cast = _cast(today, upload_dir)
        _donations(cast)
        living_grants.tell_stories(cast)
        living_round_budget.tell_story(cast)
        living_loans.tell_stories(cast)
        db.session.flush()
    count = db.session.scalar
    return {
        "applications": count(select(func.count(Application.id))),
        "donations": count(select(func.count(Donation.id))),
        "ballots": count(select(func.count(Ballot.id))),
        "votes": count(select(func.count(Vote.id))),
        "tranches": count(select(func.count(Tranche.id))),
        "ledger entries": count(select(func.count(LedgerEntry.id))),
        "audit events": count(select(func.count()).select_from(AuditEvent)),
    }
