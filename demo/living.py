"""Demo data for a newcomer's `make run`: organisations, people, funds, rounds.

Idempotent: running it twice leaves one copy of everything. Refused in production.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import Fund, Organisation, Round, User, db
from workflow.engine.fiscal import fiscal_year, fiscal_year_bounds
from workflow.money import fund_records
from workflow.people import accounts, second_factor

from . import lifecycles as demo_lifecycles

DEMO_PASSWORD = "wnf-demo-2026!"  # noqa: S105 - documented in the README, demo only

ALUMNI_SOCIETIES = (
    ("AOTS Alumni Society of Thailand", "TH", "Bangkok"),
    ("AOTS Alumni Society of India (Chennai)", "IN", "Chennai"),
    ("AOTS Alumni Society of Indonesia", "ID", "Jakarta"),
    ("AOTS Alumni Society of Viet Nam", "VN", "Hanoi"),
    ("AOTS Alumni Society of the Philippines", "PH", "Manila"),
    ("AOTS Alumni Society of Sri Lanka", "LK", "Colombo"),
    ("AOTS Alumni Society of Kenya", "KE", "Nairobi"),
    ("AOTS Alumni Society of Brazil", "BR", "São Paulo"),
    ("AOTS Alumni Society of Mexico", "MX", "Mexico City"),
    ("AOTS Alumni Society of Egypt", "EG", "Cairo"),
    ("AOTS Alumni Society of Myanmar", "MM", "Yangon"),
)

# Related organisations co-organise activities with a society: WNF allows them as partners.
RELATED_ORGANISATIONS = (
    ("Technology Promotion Association (Thailand-Japan)", "TH", "Bangkok"),
    ("Chamber of Commerce and Industry of the Philippines (Cebu)", "PH", "Cebu"),
)

# The SME applicants are Japanese companies: their names are their registered Japanese ones.
HAMAMATSU = "浜松精密部品株式会社"  # Hamamatsu Precision Parts Co., Ltd.
KYOTO = "京都テキスタイル商事株式会社"  # Kyoto Textile Trading K.K.
COMPANIES = (
    # name, its reading (フリガナ), city, industry, capital yen, employees
    (HAMAMATSU, "ハママツセイミツブヒンカブシキガイシャ", "Hamamatsu", "manufacturing",
     90_000_000, 140),
    (KYOTO, "キョウトテキスタイルショウジカブシキガイシャ", "Kyoto", "wholesale", 40_000_000, 35),
)

# The two committees: the chair presides over both, each has its deputy chair; the alumni
# societies' representatives sit on the WNF grants committee only.
BOTH_AS_CHAIR = {"WNF": ("chair", "member"), "SME": ("chair", "member")}
BOTH = {"WNF": ("member",), "SME": ("member",)}
WNF_ONLY = {"WNF": ("member",)}

# email, name, roles, organisation name (None: AOTS itself), committee seats by fund; the
# language of the people in JAPANESE is Japanese (names in kanji), the others' English.
PEOPLE = (
    ("admin@wnf.example", "Aiko Admin", ("admin",), None, {}),
    ("secretariat@wnf.example", "Sato Secretariat", ("secretariat",), None, {}),
    ("secretariat2@wnf.example", "鈴木 美咲", ("secretariat",), None, {}),
    ("auditor@wnf.example", "Aoki Auditor", ("auditor",), None, {}),
    ("finance1@wnf.example", "Fujita Finance", ("finance_officer",), None, {}),
    ("finance2@wnf.example", "福田 健太", ("finance_officer",), None, {}),
    ("chair@wnf.example", "Chiba Chair", (), None, BOTH_AS_CHAIR),
    ("deputy.wnf@wnf.example", "Dazai Deputy", (), None,
     {"WNF": ("deputy_chair", "member")}),
    ("deputy.sme@wnf.example", "土井 誠", (), None,
     {"SME": ("deputy_chair", "member")}),
    ("member1@wnf.example", "Mori Member", (), None, BOTH),
    ("member2@wnf.example", "Priya Member", (), "AOTS Alumni Society of India (Chennai)",
     WNF_ONLY),
    ("member3@wnf.example", "Somchai Member", ("applicant",),
     "AOTS Alumni Society of Thailand", WNF_ONLY),
    ("member4@wnf.example", "Nguyen Member", (), "AOTS Alumni Society of Viet Nam",
     WNF_ONLY),
    ("member5@wnf.example", "Wanjiru Member", (), "AOTS Alumni Society of Kenya", WNF_ONLY),
    ("member6@wnf.example", "松田 浩", (), None, {"SME": ("member",)}),
    ("applicant.th@wnf.example", "Anong Applicant", ("applicant",),
     "AOTS Alumni Society of Thailand", {}),
    ("applicant.in@wnf.example", "Arjun Applicant", ("applicant",),
     "AOTS Alumni Society of India (Chennai)", {}),
    ("applicant.ph@wnf.example", "Maria Applicant", ("applicant",),
     "AOTS Alumni Society of the Philippines", {}),
    ("sme@wnf.example", "林 健一", ("applicant",), HAMAMATSU, {}),
    ("sme2@wnf.example", "加藤 直樹", ("applicant",), KYOTO, {}),
)
JAPANESE = ("secretariat2@wnf.example", "finance2@wnf.example", "deputy.sme@wnf.example",
            "member6@wnf.example", "sme@wnf.example", "sme2@wnf.example")


class DemoRefused(RuntimeError):
    pass


def _organisation(name: str, **fields) -> Organisation:
    org = db.session.scalar(select(Organisation).where(Organisation.name == name))
    return org or accounts.save_organisation(None, name=name, **fields)


def _fund(code: str, name: str, kind: str) -> Fund:
    fund = db.session.scalar(select(Fund).where(Fund.code == code))
    return fund or fund_records.save_fund(None, code=code, name=name, kind=kind)


def _round(fund: Fund, name: str, year: int, budget: int, cap: int, own: int) -> Round:
    existing = db.session.scalar(select(Round).where(Round.fund_id == fund.id, Round.name == name))
    if existing:
        return existing
    opens, closes = fiscal_year_bounds(year)
    return fund_records.save_round(None, fund=fund, name=name, opens_on=opens, closes_on=closes,
                                     budget_yen=budget, cap_yen=cap, min_own_percent=own)


def seed(today: date, environment: str, upload_dir: str | None = None) -> dict[str, int]:
    """Create the demo records that are missing; return how many of each now exist.

    With `upload_dir` (where attachments are stored), also the living demo: donations, and
    grants and loans in every state (demo.lifecycles), unless applications exist.
    """
    if environment == "production":
        raise DemoRefused("Demo data is refused in production.")
    _organisation("AOTS", kind="aots", country_code="JP", city="Tokyo")
    for name, country, city in ALUMNI_SOCIETIES:
        _organisation(name, kind="alumni_society", country_code=country, city=city)
    for name, country, city in RELATED_ORGANISATIONS:
        _organisation(name, kind="related_organisation", country_code=country, city=city)
    for name, reading, city, industry, capital, employees in COMPANIES:
        _organisation(name, kind="company", country_code="JP", city=city, industry=industry,
                      capital_yen=capital, employees=employees, name_reading=reading)
    wnf = _fund("WNF", "World Network of Friendship Fund", "grant")
    sme = _fund("SME", "SME Overseas Investment Loan Fund", "loan")
    for email, name, roles, org_name, seats in PEOPLE:
        if accounts.find_user_by_email(email):
            continue
        org = _organisation(org_name or "AOTS")
        accounts.create_user(email=email, name=name, password=DEMO_PASSWORD, roles=roles,
                             organisation=org, seats=seats,
                             locale="ja" if email in JAPANESE else "en")
    second_factor.enrol_demo_users()  # the README's demo TOTP secret, for the two-factor roles
    year = fiscal_year(today)
    _round(wnf, f"WNF FY{year}", year, budget=30_000_000, cap=3_000_000, own=20)
    _round(sme, f"SME FY{year}", year, budget=500_000_000, cap=100_000_000, own=0)
    db.session.flush()
    lifecycles = (demo_lifecycles.seed_lifecycles(today, upload_dir)
                  if upload_dir is not None else {})
    return {
        "organisations": db.session.query(Organisation).count(),
        "users": db.session.query(User).count(),
        "funds": db.session.query(Fund).count(),
        "rounds": db.session.query(Round).count(),
        **lifecycles,
    }
