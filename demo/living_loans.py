"""The living demo's SME loans: one in every state of the loan workflow.

The loans that have come furthest were applied for in last year's round and released months
ago, so their schedules have instalments paid on time, paid late (with delay damages), or
not paid at all; one was paid off early, one is drawn in two tranches with part of its
undrawn amount cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from models import Application
from workflow.committee import ballots
from workflow.engine import service
from workflow.loans import applications, arrears, assessment, undrawn
from workflow.loans import documents as loan_documents
from workflow.loans.book import instalments_of
from workflow.loans.documents import DOCUMENT_KINDS
from workflow.loans.repayments import position_of
from workflow.loans.schedule import add_months

from .cast import Cast, Upload, pdf_bytes

COMPANIES = {
    "sme": ("Hamamatsu Precision Parts Co., Ltd.", "manufacturing"),
    "sme2": ("Kyoto Textile Trading K.K.", "wholesale"),
}


@dataclass(frozen=True)
class Loan:
    """A loan application as the company writes it, and the terms it is assessed at."""

    applicant: str  # sme or sme2
    title: str
    country: str
    amount: int
    term: int
    project: str
    purpose: str
    grade: str = "B"
    rate: str = "1.5"
    grace: int = 0
    method: str = "annuity"


def apply(cast: Cast, loan: Loan, *, last_year: bool = False,
          documents: tuple[str, ...] = tuple(DOCUMENT_KINDS)) -> Application:
    """The company writes its application (a draft), in this year's round or last year's,
    and attaches its documents (small PDFs)."""
    actor = cast[loan.applicant]
    company = actor.organisation
    day = cast.last_year_day if last_year else cast.today
    round_ = cast.rounds[("SME", "previous" if last_year else "current")]
    app = applications.create_loan(company, actor, applications.LoanRequest(
        title=loan.title, round_=round_, requested_yen=loan.amount, term_months=loan.term,
        investment_country=loan.country, project=loan.project, purpose=loan.purpose,
        industry=company.industry, capital_yen=company.capital_yen,
        employees=company.employees), today=day)
    for kind in documents:
        label = DOCUMENT_KINDS[kind]
        loan_documents.attach(app, kind, Upload(f"{kind.replace('_', '-')}.pdf", pdf_bytes(
            f"{label}: {company.name}", (loan.title, loan.project, f"Prepared on {day:%d %B %Y}")
        )), actor, cast.upload_dir)
    cast.days[app.id] = day
    return app


def submit(cast: Cast, app: Application, loan: Loan) -> None:
    """The company submits (in its round) and the secretariat starts screening."""
    service.fire(app, "submit", cast[loan.applicant], today=cast.days[app.id])
    service.fire(app, "start_screening", cast["secretariat"])


def assess(cast: Cast, app: Application, loan: Loan) -> None:
    """Screened, assessed with the recommended terms, and sent to the committee."""
    submit(cast, app, loan)
    service.fire(app, "refer_to_assessment", cast["secretariat"])
    assessment.complete_assessment(app, cast["secretariat2"], assessment.Assessment(
        risk_grade=loan.grade, notes=f"Grade {loan.grade}: audited accounts for three years, "
        "a parent-company guarantee and a realistic cash-flow plan.",
        amount_yen=loan.amount, annual_rate=Decimal(loan.rate), term_months=loan.term,
        grace_months=loan.grace, method=loan.method), today=cast.days[app.id])


def approve(cast: Cast, app: Application, loan: Loan, **decision) -> None:
    """Assessed, voted on by the four members of the SME loan committee and approved by
    the chair (on the file's day)."""
    assess(cast, app, loan)
    cast.votes(app, chair="approve", member1="approve", member6="approve",
               **{"deputy.sme": "abstain"})
    cast.decide(app, today=cast.days[app.id], **decision)


def contract(cast: Cast, app: Application, loan: Loan, signed_on: date) -> None:
    """Approved, and the signed agreement (a PDF) stored and dated."""
    approve(cast, app, loan)
    applications.sign_agreement(app, cast["secretariat"], agreement_date=signed_on, file=Upload(
        "signed-loan-agreement.pdf", pdf_bytes(f"Loan agreement {app.reference}", (
            loan.title, f"Amount: JPY {loan.amount:,}", f"Signed on {signed_on:%d %B %Y}")
    )), upload_dir=cast.upload_dir, today=signed_on)


def release_on(cast: Cast, app: Application, loan: Loan, months_ago: int,
               amount: int | None = None) -> date:
    """Contracted shortly before, and the loan (or `amount` of it) released `months_ago`
    months ago."""
    day = add_months(cast.today.replace(day=10), -months_ago)
    day = min(day, cast.today)
    contract(cast, app, loan, signed_on=day - timedelta(days=12))
    release(cast, app, amount or app.approved_yen, day)
    return day


def release(cast: Cast, app: Application, amount: int, on: date) -> None:
    """finance1 requests a tranche, finance2 authorises it on `on`."""
    note = "Full disbursement" if amount == app.approved_yen else "Next stage of the works"
    cast.release(app, amount, note, on=on)


def repay(cast: Cast, app: Application, amount: int, on: date, today: date | None = None,
          officer: str = "finance1") -> None:
    """A finance officer records a repayment received on `on` (as of `today`)."""
    service.fire(app, "record_repayment", cast[officer], amount_yen=amount, received_on=on,
                 bank_reference=f"MUFG-{app.number:04d}-{on:%Y%m%d}", today=today or on)


def pay_due(cast: Cast, app: Application, on: date) -> int:
    """The company pays on `on` what has fallen due by then, delay damages included."""
    due = position_of(app, on).due
    if due:
        repay(cast, app, due, on)
    return due


def repay_on_time(cast: Cast, app: Application, until: date, since: date | None = None) -> int:
    """Pay each instalment on its due date from `since` up to `until`; return how many."""
    paid = 0
    for day in [i.due_on for i in instalments_of(app)]:
        if day <= until and (since is None or day >= since) and pay_due(cast, app, day):
            paid += 1
    return paid


def mark_arrears(app: Application, on: date) -> None:
    """What the daily job did on that day (`flask loans mark-arrears --today`)."""
    service.fire(app, "mark_arrears", None, today=on)


# --- the loans ---------------------------------------------------------------------------

ACTIVE = Loan("sme", "CNC machining plant in Binh Duong", "VN", 60_000_000, 36,
              "A CNC machining line for motorcycle and automotive parts.",
              "Machines, installation and the first year's working capital.",
              grade="A", rate="1.5", grace=3)
ARREARS = Loan("sme2", "Textile sourcing office in Yangon", "MM", 25_000_000, 24,
               "A sourcing and quality-inspection office for woven fabrics.",
               "Office fit-out, inspection equipment and two years of rent.",
               grade="C", rate="2.0")
REPAID = Loan("sme", "Tooling workshop in Penang", "MY", 12_000_000, 6,
              "A small workshop making jigs and fixtures for local electronics plants.",
              "Two milling machines and a grinder.", grade="A", rate="1.2",
              method="equal_principal")
TRANCHES = Loan("sme", "Cold-chain warehouse in Laem Chabang", "TH", 50_000_000, 48,
                "A refrigerated warehouse by the port for Japanese food exporters.",
                "The building, then three cold rooms as customers sign on.", grade="B",
                rate="1.6", grace=6)
WRITTEN_OFF = Loan("sme2", "Batik export venture in Yogyakarta", "ID", 18_000_000, 24,
                   "A joint venture exporting hand-made batik to Japanese retailers.",
                   "Working capital and the first export stock.", grade="D", rate="2.5")
CONTRACTED = Loan("sme", "Die-casting line in Querétaro", "MX", 80_000_000, 60,
                  "An aluminium die-casting line supplying Japanese car makers in Mexico.",
                  "Two die-casting cells and the tooling.", grade="B", rate="1.8", grace=6)
APPROVED = Loan("sme2", "Distribution warehouse in Cebu", "PH", 45_000_000, 48,
                "A bonded warehouse distributing Japanese textiles in the Visayas.",
                "Building works and racking.", grade="B", rate="1.6", grace=3,
                method="equal_principal")
CANCELLED = Loan("sme", "Aluminium foundry in Surabaya", "ID", 30_000_000, 48,
                 "A foundry for pump housings with a local partner.",
                 "Furnaces and moulding equipment.", grade="C", rate="2.2")
COMMITTEE = Loan("sme", "Injection-moulding plant in Bekasi", "ID", 50_000_000, 60,
                 "Injection-moulded parts for household appliances.",
                 "Six moulding machines and the moulds.", grade="B", rate="1.7", grace=6)
ASSESSMENT = Loan("sme2", "Garment sewing plant in Hung Yen", "VN", 35_000_000, 48,
                  "A sewing plant making uniforms for Japanese buyers.",
                  "Sewing machines and the building lease.")
REJECTED = Loan("sme2", "Fabric outlet in Nairobi", "KE", 20_000_000, 36,
                "A retail outlet for Japanese fabrics.", "Shop fit-out and stock.",
                grade="E", rate="3.0")
REVISION = Loan("sme", "Precision bearing plant in Pune", "IN", 70_000_000, 72,
                "Miniature bearings for Indian two-wheeler makers.",
                "Grinding and assembly machines.")
SCREENING = Loan("sme2", "Silk weaving cooperative in Siem Reap", "KH", 15_000_000, 36,
                 "A weaving workshop with 40 local weavers.", "Looms and a dyeing room.")
SUBMITTED = Loan("sme", "Press-shop expansion in Chonburi", "TH", 40_000_000, 48,
                 "A second press line for body parts.", "Two 400-tonne presses.")
WITHDRAWN = Loan("sme2", "Retail showroom in Ho Chi Minh City", "VN", 10_000_000, 24,
                 "A showroom for Japanese bedding.", "Fit-out and first stock.")
DRAFT = Loan("sme2", "Dyeing workshop in Dhaka", "BD", 22_000_000, 36,
             "Reactive dyeing for knitwear exporters.", "Dyeing machines and a boiler.")


def tell_stories(cast: Cast) -> None:
    """One loan or more in every state of the loan workflow."""
    sec, today = cast["secretariat"], cast.today

    def story(loan: Loan, last_year: bool = False) -> Application:
        return apply(cast, loan, last_year=last_year)

    # Last year's round: loans released months ago.
    app = story(ACTIVE, last_year=True)  # late once, cured (with delay damages), now on time
    release_on(cast, app, ACTIVE, months_ago=7)
    schedule = instalments_of(app)
    repay_on_time(cast, app, until=schedule[2].due_on)
    late = schedule[3].due_on
    mark_arrears(app, late + timedelta(days=35))
    pay_due(cast, app, late + timedelta(days=40))  # damages, interest, then principal
    repay_on_time(cast, app, until=today, since=late + timedelta(days=40))

    app = story(REPAID, last_year=True)  # two instalments on time, then paid off early
    release_on(cast, app, REPAID, months_ago=10)
    schedule = instalments_of(app)
    repay_on_time(cast, app, until=schedule[1].due_on)
    payoff = schedule[1].due_on + timedelta(days=12)
    repay(cast, app, position_of(app, payoff).total, payoff)

    app = story(ARREARS, last_year=True)  # three paid, then late; a part payment since
    release_on(cast, app, ARREARS, months_ago=8)
    schedule = instalments_of(app)
    repay_on_time(cast, app, until=schedule[2].due_on)
    late = schedule[3]
    marked = late.due_on + timedelta(days=33)
    mark_arrears(app, marked)
    repay(cast, app, late.due_yen // 2, marked + timedelta(days=10))

    app = story(WRITTEN_OFF, last_year=True)  # two paid, then nothing: written off
    release_on(cast, app, WRITTEN_OFF, months_ago=11)
    schedule = instalments_of(app)
    repay_on_time(cast, app, until=schedule[1].due_on)
    mark_arrears(app, schedule[2].due_on + timedelta(days=31))
    arrears.request_write_off(app, cast["finance1"], "The venture stopped trading; the "
                              "guarantor is insolvent and recovery would cost more than it "
                              "brings.")
    service.fire(app, "write_off", cast["chair"], today=today)

    app = story(TRANCHES, last_year=True)  # drawn in two tranches, part of the rest cancelled
    first = release_on(cast, app, TRANCHES, months_ago=9, amount=20_000_000)
    second = add_months(first, 4) + timedelta(days=6)
    repay_on_time(cast, app, until=second)
    release(cast, app, 15_000_000, second)
    cancelled = add_months(second, 2) + timedelta(days=3)
    repay_on_time(cast, app, until=cancelled, since=second)
    proposal = undrawn.propose_cancellation(
        app, cast["finance1"], 10_000_000, "The third cold room will not be built: the port "
        "authority leases one to the company instead.")
    undrawn.confirm_cancellation(app, proposal.id, cast["finance2"], today=cancelled)
    repay_on_time(cast, app, until=today, since=cancelled)

    # This year's round.
    app = story(CONTRACTED)  # agreement signed, awaiting its first release
    contract(cast, app, CONTRACTED, signed_on=today)  # not before its approval, today

    app = story(APPROVED)  # approved for less than asked
    approve(cast, app, APPROVED, approved_yen=40_000_000,
            conditions="The warehouse lease must run for the whole term of the loan.")

    app = story(CANCELLED)  # approved by the deputy chair (the chair declared a conflict),
    assess(cast, app, CANCELLED)  # then the partner withdrew
    ballots.declare_conflict(app, cast["chair"], "A relative sits on the partner's board.")
    cast.votes(app, member1="approve", member6="approve", **{"deputy.sme": "approve"})
    cast.decide(app, by="deputy.sme")
    service.fire(app, "cancel", sec, reason="The joint-venture partner withdrew before the "
                 "agreement was signed.")

    app = story(COMMITTEE)  # in committee review: member1 has not voted yet
    assess(cast, app, COMMITTEE)
    cast.votes(app, chair="approve", member6="approve", **{"deputy.sme": "approve"})

    app = story(REJECTED)  # rejected by the committee
    assess(cast, app, REJECTED)
    cast.votes(app, member1="reject", member6="reject", **{"deputy.sme": "abstain"})
    cast.decide(app)

    app = story(ASSESSMENT)  # revised once, then sent for credit assessment
    submit(cast, app, ASSESSMENT)
    service.fire(app, "request_revision", sec, comment="Please add the lease contract of "
                 "the plant.")
    service.fire(app, "resubmit", cast[ASSESSMENT.applicant], today=today)
    service.fire(app, "start_screening", sec)
    service.fire(app, "refer_to_assessment", sec)

    app = story(REVISION)  # returned for a revision
    submit(cast, app, REVISION)
    service.fire(app, "request_revision", sec, comment="Please attach the feasibility study "
                 "and the Indian partner's letter of intent.")

    app = story(SCREENING)  # being screened
    submit(cast, app, SCREENING)

    app = story(SUBMITTED)  # submitted, not yet picked up
    service.fire(app, "submit", cast[SUBMITTED.applicant], today=cast.days[app.id])

    app = story(WITHDRAWN)  # withdrawn during screening
    submit(cast, app, WITHDRAWN)
    service.fire(app, "withdraw", cast[WITHDRAWN.applicant], comment="We found a local "
                 "partner who will finance the showroom.")

    # A draft: the business plan is attached, the statements not yet.
    apply(cast, DRAFT, documents=("business_plan",))
