"""The living demo's WNF grants: one or more proposals in every state of the grant workflow.

Each story drives a proposal as far as its state through the real functions, acting as the
demo users (see demo.lifecycles). Recusals follow from who belongs to which society:
member2 (India), member3 (Thailand), member4 (Viet Nam), member5 (Kenya).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta

from models import Application
from workflow.committee import ballots
from workflow.engine import service
from workflow.grants import proposals, reports, screening
from workflow.grants.budget import BudgetLineInput, ParticipantInput

from .cast import Cast, Upload, pdf_bytes

TH, IN, VN = "AOTS Alumni Society of Thailand", "AOTS Alumni Society of India (Chennai)", \
    "AOTS Alumni Society of Viet Nam"
PH, ID, LK = "AOTS Alumni Society of the Philippines", "AOTS Alumni Society of Indonesia", \
    "AOTS Alumni Society of Sri Lanka"
KE, MM, EG = "AOTS Alumni Society of Kenya", "AOTS Alumni Society of Myanmar", \
    "AOTS Alumni Society of Egypt"
TPA = "Technology Promotion Association (Thailand-Japan)"  # a related organisation


@dataclass(frozen=True)
class Proposal:
    """A proposal as the society writes it, and the budget it asks for."""

    applicant: str  # the demo user who writes it
    title: str
    programme: str
    objectives: str
    venue: tuple[str, str]  # country code, city
    partners: tuple[str, ...]
    participants: tuple[tuple[str, int], ...]
    # WNF: lecturers, participants' travel, lodging; own: venue, materials; partner: transport
    budget: tuple[int, int, int, int, int, int]
    weeks_ahead: int = 12  # from writing the proposal to the first day of the activity
    days: int = 5


def _lines(budget) -> tuple[BudgetLineInput, ...]:
    lecturers, travel, lodging, venue, materials, transport = budget
    rows = (
        ("Lecturers", "Fees and travel of two Japanese experts", lecturers, "wnf"),
        ("Participants' travel", "Airfares of the participants from abroad", travel, "wnf"),
        ("Accommodation", "Participants' lodging during the programme", lodging, "wnf"),
        ("Venue and equipment", "Training hall, projector and interpretation", venue, "own"),
        ("Materials", "Handbooks translated into the local language", materials, "own"),
        ("Local transport", "Chartered bus for the factory visits", transport, "partner"),
    )
    return tuple(BudgetLineInput(c, a, f, d) for c, d, a, f in rows if a)


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40]


def write(cast: Cast, p: Proposal, *, last_year: bool = False) -> Application:
    """The applicant creates, fills in and documents the proposal (a draft)."""
    actor = cast[p.applicant]
    day = cast.last_year_day if last_year else cast.today
    round_ = cast.rounds[("WNF", "previous" if last_year else "current")]
    app = proposals.create_proposal(round_=round_, title=p.title, actor=actor, today=day)
    start = day + timedelta(weeks=p.weeks_ahead)
    expected = sum(n for _, n in p.participants)
    proposals.save_proposal(app, actor, proposals.ProposalInput(
        title=p.title, programme_type=p.programme, objectives=p.objectives,
        start_date=start, end_date=start + timedelta(days=p.days - 1),
        venue_country=p.venue[0], venue_city=p.venue[1], expected_participants=expected,
        partner_ids=tuple(cast.org(name).id for name in p.partners),
        participants=tuple(ParticipantInput(c, n) for c, n in p.participants),
        budget=_lines(p.budget)))
    reports.attach(app, Upload(f"{_slug(p.title)}-programme.pdf", pdf_bytes(
        p.title, ("Programme and timetable", p.objectives[:90],
                  f"Venue: {p.venue[1]}, {p.venue[0]}", f"{expected} participants"))),
        actor, cast.upload_dir)
    cast.days[app.id] = day  # the round is checked on the day the society submits
    return app


def submit(cast: Cast, app: Application, p: Proposal) -> None:
    """The society submits, on the day it wrote the proposal (its round is open then)."""
    service.fire(app, "submit", cast[p.applicant], today=cast.days[app.id])


def screen(cast: Cast, app: Application, ticks=screening.CHECKLIST_LABELS) -> None:
    """The secretariat starts screening and ticks the checklist items given."""
    service.fire(app, "start_screening", cast["secretariat"])
    screening.record_checklist(app, cast["secretariat"], list(ticks))


def refer(cast: Cast, app: Application, p: Proposal) -> None:
    """Submitted, screened and referred to the committee: a ballot opens."""
    submit(cast, app, p)
    screen(cast, app)
    service.fire(app, "refer_to_committee", cast["secretariat"])


def approve(cast: Cast, app: Application, p: Proposal, votes: dict, **decision) -> None:
    """Referred, voted on by the members named in `votes`, and decided by the chair."""
    refer(cast, app, p)
    cast.votes(app, **votes)
    cast.decide(app, **decision)


def release_all(cast: Cast, app: Application, first_share: int = 60) -> None:
    """Two tranches: `first_share` per cent before the activity, the rest after it."""
    first = app.approved_yen * first_share // 100
    cast.release(app, first, "Advance before the programme")
    cast.release(app, app.approved_yen - first, "Balance")


def report(cast: Cast, app: Application, p: Proposal, spent_percent: int = 100) -> None:
    """The society reports what happened: participants by country and actual spending."""
    actor = cast[p.applicant]
    lines = proposals.budget_lines(app)
    expenses = tuple(BudgetLineInput(
        line.category, line.amount_yen * (spent_percent if line.funded_by == "wnf" else 100)
        // 100, line.funded_by, line.description, line.id) for line in lines)
    actual = tuple(ParticipantInput(c, n + (1 if i == 0 else 0))
                   for i, (c, n) in enumerate(p.participants))
    reports.attach(app, Upload(f"{_slug(p.title)}-attendance.pdf", pdf_bytes(
        f"Attendance: {p.title}", tuple(f"{c}: {n} participants" for c, n in p.participants))),
        actor, cast.upload_dir)
    reports.submit_report(app, actor, reports.ReportInput(
        outcomes=(f"All sessions of “{p.title}” were held as planned. The participants "
                  "prepared improvement plans for their own workplaces; the society will "
                  "follow them up in six months."),
        participants=actual, expenses=expenses))


# --- the proposals -----------------------------------------------------------------------

KAIZEN = Proposal(
    "applicant.th", "Kaizen and 5S training course for automotive-parts suppliers",
    "training_course", "Train 30 shop-floor supervisors from Thailand, Viet Nam and Myanmar "
    "in kaizen, 5S and standard work, with two days of practice in member factories.",
    ("TH", "Bangkok"), (VN, MM), (("TH", 18), ("VN", 6), ("MM", 6)),
    (600_000, 540_000, 360_000, 300_000, 150_000, 100_000), weeks_ahead=20)
QUALITY_CIRCLES = Proposal(
    "applicant.in", "Quality-circle facilitators' course", "training_course",
    "Prepare 24 facilitators who will start quality circles in their own companies.",
    ("IN", "Chennai"), (LK,), (("IN", 16), ("LK", 8)),
    (450_000, 280_000, 300_000, 220_000, 80_000, 0), weeks_ahead=18)
GMP = Proposal(
    "applicant.ph", "Good manufacturing practice training for Visayas food producers",
    "training_course", "Teach GMP and food-hygiene rules to 30 quality managers of small "
    "food producers preparing for export certification.",
    ("PH", "Iloilo"), (ID,), (("PH", 24), ("ID", 6)),
    (520_000, 180_000, 330_000, 260_000, 90_000, 60_000), weeks_ahead=22)
SUPPLY_CHAIN = Proposal(
    "applicant.th", "Supply-chain management seminar for ASEAN SMEs", "seminar",
    "A three-day seminar on supplier development and inventory control for SME managers "
    "from five ASEAN countries.",
    ("TH", "Bangkok"), (ID, PH), (("TH", 30), ("ID", 10), ("PH", 10)),
    (700_000, 620_000, 480_000, 420_000, 120_000, 150_000), weeks_ahead=30, days=3)
TPM = Proposal(
    "applicant.in", "Total productive maintenance course for process industries",
    "training_course", "Train 28 maintenance engineers in TPM pillars and autonomous "
    "maintenance, with practice at a cement plant near Coimbatore.",
    ("IN", "Coimbatore"), (LK, KE), (("IN", 18), ("LK", 5), ("KE", 5)),
    (650_000, 720_000, 420_000, 380_000, 110_000, 0), weeks_ahead=34)
EXCHANGE = Proposal(
    "applicant.ph", "Trainee exchange with Indonesian electronics firms", "trainee_exchange",
    "Ten young engineers spend four weeks in Indonesian electronics plants and host ten "
    "Indonesian engineers in return.",
    ("PH", "Cebu"), (ID,), (("PH", 10), ("ID", 10)),
    (300_000, 900_000, 700_000, 420_000, 60_000, 0), weeks_ahead=26, days=28)
GARMENT = Proposal(
    "applicant.th", "5S and visual management training for garment factories",
    "training_course", "Help 25 line leaders of garment factories set up 5S and visual "
    "management boards.",
    ("TH", "Khon Kaen"), (MM, TPA), (("TH", 17), ("MM", 8)),
    (480_000, 260_000, 280_000, 210_000, 100_000, 0), weeks_ahead=14)
LEAN = Proposal(
    "applicant.in", "Lean manufacturing training course for auto-component SMEs",
    "training_course", "Train 30 production managers in value-stream mapping and pull "
    "production, with a practice week in a Chennai auto-component cluster.",
    ("IN", "Chennai"), (LK, EG), (("IN", 20), ("LK", 5), ("EG", 5)),
    (680_000, 650_000, 450_000, 390_000, 120_000, 0), weeks_ahead=16)
STUDY_TOUR = Proposal(
    "applicant.th", "Quality-control circle study tour to Thai and Vietnamese plants",
    "study_tour", "Twenty managers visit eight plants known for their QC circles and "
    "present an action plan at the end of the tour.",
    ("TH", "Rayong"), (VN,), (("TH", 12), ("VN", 8)),
    (400_000, 350_000, 520_000, 320_000, 70_000, 120_000), weeks_ahead=15, days=7)
LEADERSHIP = Proposal(
    "applicant.ph", "Leadership retreat for alumni-society officers", "seminar",
    "A weekend retreat for the society's officers on leadership and fundraising.",
    ("PH", "Tagaytay"), (), (("PH", 40),),
    (200_000, 0, 900_000, 300_000, 50_000, 0), weeks_ahead=10, days=2)
SAFETY = Proposal(
    "applicant.in", "Industrial safety management training course", "training_course",
    "Train 28 safety officers of small foundries and forges in risk assessment and "
    "lock-out/tag-out.",
    ("IN", "Chennai"), (LK,), (("IN", 20), ("LK", 8)),
    (550_000, 300_000, 380_000, 260_000, 90_000, 0), weeks_ahead=14)
HACCP = Proposal(
    "applicant.th", "Food-safety and HACCP seminar for Mekong food processors", "seminar",
    "A seminar on HACCP plans for 40 owners of small food-processing companies of the "
    "Mekong region.",
    ("TH", "Chiang Mai"), (VN, MM), (("TH", 25), ("VN", 8), ("MM", 7)),
    (500_000, 420_000, 390_000, 300_000, 110_000, 80_000), weeks_ahead=18, days=3)
RENEWABLES = Proposal(
    "applicant.ph", "Trainee exchange on renewable-energy maintenance", "trainee_exchange",
    "Eight technicians train for three weeks at solar and geothermal plants in Indonesia.",
    ("PH", "Cebu"), (ID, VN), (("PH", 8), ("ID", 4), ("VN", 4)),
    (350_000, 600_000, 640_000, 380_000, 50_000, 0), weeks_ahead=20, days=21)
MARKETING = Proposal(
    "applicant.ph", "Digital marketing seminar for Filipino micro-enterprises", "seminar",
    "Teach 40 owners of micro-enterprises to sell online and to keep simple accounts.",
    ("PH", "Manila"), (ID,), (("PH", 35), ("ID", 5)),
    (380_000, 90_000, 150_000, 180_000, 60_000, 0), weeks_ahead=16, days=2)
REUNION = Proposal(
    "applicant.in", "Annual alumni reunion and cultural festival", "seminar",
    "Bring together 120 alumni for a reunion dinner, talks by former trainees and a "
    "cultural programme.",
    ("IN", "Chennai"), (), (("IN", 120),),
    (150_000, 0, 900_000, 300_000, 0, 0), weeks_ahead=8, days=2)
ETIQUETTE = Proposal(
    "applicant.th", "Japanese business-etiquette seminar for new graduates", "seminar",
    "A one-day seminar preparing 60 graduates for work in Japanese companies.",
    ("TH", "Bangkok"), (), (("TH", 60),),
    (250_000, 0, 0, 90_000, 30_000, 0), weeks_ahead=9, days=1)


def report_due_soon(cast: Cast, p: Proposal, in_days: int = 7) -> Proposal:
    """The proposal of last year's round dated so that its activity ended lately and its
    final report falls due in `in_days` days, or up to six more (a week's granularity)."""
    ends = cast.today - timedelta(days=cast.wnf.report_due_days - in_days)
    starts = ends - timedelta(days=p.days - 1)
    return replace(p, weeks_ahead=-(-(starts - cast.last_year_day).days // 7))  # rounded up


# --- the stories -------------------------------------------------------------------------

def tell_stories(cast: Cast) -> None:
    """One proposal or more in every state of the grant workflow."""
    sec = cast["secretariat"]

    def story(p: Proposal, last_year: bool = False) -> Application:
        return write(cast, p, last_year=last_year)

    # Last year's round: the files that have come furthest.
    app = story(KAIZEN, last_year=True)  # closed, with a refund of unspent money
    approve(cast, app, KAIZEN, {"member1": "approve", "member2": "approve", "member5": "approve"},
            conditions="Send the attendance sheets with the final report.")
    release_all(cast, app)
    report(cast, app, KAIZEN, spent_percent=94)
    service.fire(app, "accept_report", sec)

    app = story(QUALITY_CIRCLES, last_year=True)  # closed after a returned report
    approve(cast, app, QUALITY_CIRCLES, {"chair": "approve", "member1": "approve",
                                             "member3": "approve", "member4": "abstain"})
    release_all(cast, app, first_share=50)
    report(cast, app, QUALITY_CIRCLES)
    service.fire(app, "return_report", sec, comment="Please split the travel costs by "
                 "country and attach the attendance sheets.")
    report(cast, app, QUALITY_CIRCLES)
    service.fire(app, "accept_report", cast["secretariat2"])

    app = story(GMP, last_year=True)  # report submitted, waiting for the secretariat
    approve(cast, app, GMP, {"member1": "approve", "member2": "approve", "member3": "approve",
                                 "member4": "approve"})
    release_all(cast, app)
    report(cast, app, GMP, spent_percent=97)

    app = story(SUPPLY_CHAIN, last_year=True)  # a tie settled by the chair; all released
    approve(cast, app, SUPPLY_CHAIN, {"member1": "approve", "member2": "reject",
                                          "member4": "approve", "member5": "reject"},
            casting_vote="approve", approved_yen=1_600_000,
            conditions="WNF funds at most ¥1,600,000; the society covers the rest.")
    release_all(cast, app, first_share=70)

    # One tranche out, the second awaiting authorisation; its final report falls due soon.
    tpm = report_due_soon(cast, TPM)
    app = story(tpm, last_year=True)
    approve(cast, app, tpm, {"member1": "approve", "member3": "approve", "member4": "approve"})
    cast.release(app, 1_000_000, "Advance for lecturers and flights")
    cast.request(app, 500_000, "Second instalment after the mid-term report")

    app = story(EXCHANGE, last_year=True)  # cancelled after a first tranche
    approve(cast, app, EXCHANGE, {"member1": "approve", "member2": "approve",
                                      "member3": "abstain", "member5": "approve"})
    cast.release(app, 800_000, "Advance for the first group's flights")
    service.fire(app, "cancel", sec, reason="The host companies closed their Batam plants; "
                 "the second group cannot travel. The society keeps the first advance for "
                 "the completed half.")

    # This year's round: files still on their way.
    app = story(GARMENT)  # approved for less than asked, awaiting its first tranche
    approve(cast, app, GARMENT, {"member1": "approve", "member2": "approve", "member4": "approve",
                                     "member5": "reject"},
            approved_yen=900_000, conditions="Lodging is the society's own cost.")

    app = story(LEAN)  # committee review: three votes in, member1 and the chair awaited
    refer(cast, app, LEAN)
    cast.votes(app, member3="approve", member4="approve", member5="abstain")

    app = story(STUDY_TOUR)  # deferred for want of a quorum; a second ballot is open
    refer(cast, app, STUDY_TOUR)
    cast.votes(app, member2="approve")
    cast.decide(app)
    ballots.declare_conflict(app, cast["member5"], "A relative manages one of the host "
                             "plants.")
    cast.votes(app, member2="approve")

    app = story(LEADERSHIP)  # rejected by the committee
    approve(cast, app, LEADERSHIP, {"member1": "reject", "member2": "reject", "member3": "reject",
                                        "member4": "approve", "member5": "abstain"})

    app = story(REUNION)  # rejected at screening
    submit(cast, app, REUNION)
    screen(cast, app, ticks=("eligible_society",))
    service.fire(app, "reject", sec, reason="WNF finances human-resources development: "
                 "a reunion and cultural festival is outside its scope.")

    app = story(RENEWABLES)  # returned to the society for a revision
    submit(cast, app, RENEWABLES)
    screen(cast, app, ticks=("eligible_society", "programme_fits", "within_cap"))
    service.fire(app, "request_revision", sec, comment="The partner societies' letters of "
                 "support are missing; please attach them and show who pays the local "
                 "transport.")

    app = story(HACCP)  # revised once, resubmitted, screened again: half the list ticked
    submit(cast, app, HACCP)
    screen(cast, app, ticks=("eligible_society",))
    service.fire(app, "request_revision", sec, comment="Please confirm the Myanmar "
                 "society's seven participants.")
    service.fire(app, "resubmit", cast[HACCP.applicant], today=cast.today)
    screen(cast, app, ticks=("eligible_society", "programme_fits", "within_cap",
                             "own_share_met"))
    screening.add_note(app, sec, "Asked the Viet Nam society to confirm its eight "
                       "participants by e-mail.")

    app = story(SAFETY)  # submitted, waiting for screening
    submit(cast, app, SAFETY)

    app = story(ETIQUETTE)  # withdrawn by the society
    submit(cast, app, ETIQUETTE)
    service.fire(app, "withdraw", cast["applicant.th"], comment="The university cancelled "
                 "the venue; we will apply next year.")

    story(MARKETING)  # a draft, not yet submitted
