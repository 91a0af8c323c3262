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

from datetime import date

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
from workflow.engine.fiscal import fiscal_year, fiscal_year_bounds
from workflow.money import donations, fund_records
from workflow.people import accounts

from .cast import Cast

# Short names of the demo users (the part of their email before the @).
STAFF = ("secretariat", "secretariat2", "finance1", "finance2", "chair", "deputy.wnf",
         "deputy.sme", "member1", "member2", "member3", "member4", "member5", "member6",
         "applicant.th", "applicant.in", "applicant.ph", "sme", "sme2")

# Large Japanese companies that give to the loan fund; they never borrow from it.
DONOR_COMPANIES = (
    ("Chubu Machine Tool Works Co., Ltd.", "Nagoya", 4_800_000_000, 2_300),
    ("Setouchi Shipbuilding Co., Ltd.", "Hiroshima", 12_000_000_000, 5_100),
)


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
