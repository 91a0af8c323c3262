"""The world the scale seed plays in: alumni societies in about a hundred countries, SME
companies, one applicant per organisation, the staff of the base demo, and ten years of rounds.

Organisations and people are few (hundreds), so they are made once, before the bulk
generation, and described to it by ids (`World`).
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select
from werkzeug.security import generate_password_hash

from models import Fund, Organisation, RoleAssignment, Round, User, db, utcnow
from models.user import PASSWORD_METHOD
from workflow.engine.fiscal import fiscal_year_bounds
from workflow.money import fund_records
from workflow.people import accounts, committees
from workflow.people.sme import THRESHOLDS

from .lifecycles import DONOR_COMPANIES
from .living import DEMO_PASSWORD

YEARS = 10  # fiscal years of history, this one included

# Countries with an alumni society, and the city it meets in. Asia weighs most, as in AOTS's
# own network; the societies of the base demo keep their own rows.
COUNTRIES = (
    ("TH", "Bangkok"), ("IN", "New Delhi"), ("ID", "Jakarta"), ("VN", "Ho Chi Minh City"),
    ("PH", "Manila"), ("LK", "Colombo"), ("MM", "Yangon"), ("MY", "Kuala Lumpur"),
    ("CN", "Shanghai"), ("KR", "Seoul"), ("TW", "Taipei"), ("BD", "Dhaka"),
    ("KH", "Phnom Penh"), ("LA", "Vientiane"), ("MN", "Ulaanbaatar"), ("NP", "Kathmandu"),
    ("PK", "Lahore"), ("BT", "Thimphu"), ("MV", "Malé"), ("SG", "Singapore"),
    ("BN", "Bandar Seri Begawan"), ("TL", "Dili"), ("UZ", "Tashkent"), ("KZ", "Almaty"),
    ("KG", "Bishkek"), ("TJ", "Dushanbe"), ("TM", "Ashgabat"), ("AZ", "Baku"),
    ("GE", "Tbilisi"), ("AM", "Yerevan"), ("TR", "Istanbul"), ("IR", "Tehran"),
    ("JO", "Amman"), ("LB", "Beirut"), ("SA", "Riyadh"), ("AE", "Dubai"), ("OM", "Muscat"),
    ("IQ", "Baghdad"), ("EG", "Cairo"), ("MA", "Casablanca"), ("TN", "Tunis"),
    ("DZ", "Algiers"), ("SD", "Khartoum"), ("ET", "Addis Ababa"), ("KE", "Nairobi"),
    ("TZ", "Dar es Salaam"), ("UG", "Kampala"), ("RW", "Kigali"), ("NG", "Lagos"),
    ("GH", "Accra"), ("SN", "Dakar"), ("CI", "Abidjan"), ("CM", "Douala"),
    ("ZA", "Johannesburg"), ("ZM", "Lusaka"), ("ZW", "Harare"), ("MZ", "Maputo"),
    ("MW", "Lilongwe"), ("MG", "Antananarivo"), ("MU", "Port Louis"), ("BW", "Gaborone"),
    ("NA", "Windhoek"), ("AO", "Luanda"), ("BJ", "Cotonou"), ("TG", "Lomé"),
    ("BF", "Ouagadougou"), ("ML", "Bamako"), ("BR", "São Paulo"), ("MX", "Mexico City"),
    ("AR", "Buenos Aires"), ("CL", "Santiago"), ("PE", "Lima"), ("CO", "Bogotá"),
    ("EC", "Quito"), ("BO", "La Paz"), ("PY", "Asunción"), ("UY", "Montevideo"),
    ("VE", "Caracas"), ("CU", "Havana"), ("DO", "Santo Domingo"), ("GT", "Guatemala City"),
    ("HN", "Tegucigalpa"), ("NI", "Managua"), ("CR", "San José"), ("PA", "Panama City"),
    ("SV", "San Salvador"), ("JM", "Kingston"), ("TT", "Port of Spain"),
    ("PG", "Port Moresby"), ("FJ", "Suva"), ("UA", "Kyiv"), ("MD", "Chișinău"),
    ("RS", "Belgrade"), ("BA", "Sarajevo"), ("AL", "Tirana"), ("MK", "Skopje"),
    ("RO", "Bucharest"), ("BG", "Sofia"), ("PL", "Warsaw"), ("HU", "Budapest"),
)
ASIA = {"TH", "IN", "ID", "VN", "PH", "LK", "MM", "MY", "CN", "KR", "TW", "BD", "KH", "LA",
        "MN", "NP", "PK"}

JAPANESE_CITIES = ("Hamamatsu", "Toyohashi", "Okazaki", "Kariya", "Ota", "Higashiosaka",
                   "Sakai", "Kawaguchi", "Sanjo", "Tsubame", "Kiryu", "Fukui", "Sabae",
                   "Kurume", "Imabari", "Seki", "Takaoka", "Suwa", "Kitakyushu", "Amagasaki")
PRODUCTS = ("Precision", "Die Casting", "Textile", "Machine Tool", "Electronics", "Plastics",
            "Foods", "Cutlery", "Ceramics", "Valve", "Spring", "Bearing", "Optics", "Packaging",
            "Logistics", "Dyeing", "Forging", "Software", "Furniture", "Paper")
SUFFIXES = ("Co., Ltd.", "K.K.", "Industries Co., Ltd.", "Works Co., Ltd.")
GIVEN = ("Aiko", "Kenji", "Arjun", "Maria", "Nguyen", "Siti", "Somchai", "Priya", "Juan",
         "Amina", "Wei", "Ana", "Tunde", "Grace", "Omar", "Lina", "Rahul", "Mei", "Carlos",
         "Fatima", "Daniel", "Hana", "Ravi", "Yuki")
FAMILY = ("Tanaka", "Suzuki", "Perera", "Santos", "Tran", "Wijaya", "Khan", "Kumar", "Mensah",
          "Okafor", "Garcia", "Lopez", "Chen", "Park", "Silva", "Haddad", "Ivanova", "Mwangi",
          "Rahman", "Sato", "Nakamura", "Fernando", "Ali", "Osei")
# The names of a Japanese company's staff, family name first, in kanji.
JAPANESE_FAMILY = ("田中", "鈴木", "佐藤", "高橋", "伊藤", "渡辺", "山本", "中村", "小林", "加藤",
                   "吉田", "山田")
JAPANESE_GIVEN = ("健一", "美咲", "直樹", "陽子", "誠", "由美", "大輔", "恵子", "翔太", "智子")


@dataclass(frozen=True)
class FundInfo:
    """A fund as plain values: the bulk writer must not touch the ORM session."""

    id: int
    code: str
    screening_days: int
    voting_days: int


@dataclass
class World:
    """Ids the bulk generation needs: who applies, who works, which funds and rounds."""

    societies: list[tuple[int, str, str]]  # (organisation id, name, country code)
    society_weights: list[float]
    companies: list[tuple[int, str]]  # (organisation id, name)
    donor_companies: list[tuple[int, str]]
    applicant_of: dict[int, int]  # organisation id -> an applicant user id
    secretariat: list[int]
    finance: list[int]
    chairs: dict[str, int]  # fund code -> the chair of its committee
    # fund code -> its committee's active members: (user id, organisation id)
    members: dict[str, list[tuple[int, int | None]]]
    funds: dict[str, FundInfo]
    rounds: dict[tuple[str, int], int] = field(default_factory=dict)  # (fund, fiscal year)
    cities: dict[str, str] = field(default_factory=dict)  # country code -> city


def _users_with(role: str) -> list[User]:
    return list(db.session.scalars(
        select(User).join(RoleAssignment).where(RoleAssignment.role == role,
                                                User.active.is_(True)).order_by(User.id)))


def _organisations(rng: random.Random, companies: int) -> None:
    """Create the societies and companies the scale needs that do not exist yet."""
    have = set(db.session.scalars(select(Organisation.name)))
    have_countries = set(db.session.scalars(select(Organisation.country_code).where(
        Organisation.kind == "alumni_society")))
    for code, city in COUNTRIES:
        name = f"AOTS Alumni Society of {accounts.country_name(code)}"
        if code not in have_countries and name not in have:
            accounts.save_organisation(None, name=name, kind="alumni_society",
                                       country_code=code, city=city)
            have.add(name)
    made = 0
    while made < companies:
        name = f"{rng.choice(JAPANESE_CITIES)} {rng.choice(PRODUCTS)} {rng.choice(SUFFIXES)}"
        if name in have:
            continue
        industry = rng.choice(("manufacturing", "manufacturing", "wholesale", "services",
                               "retail", "other", "rubber_products", "software", "hotels"))
        capital_limit, staff_limit = THRESHOLDS[industry]
        accounts.save_organisation(None, name=name, kind="company", country_code="JP",
                                   city=name.split()[0], industry=industry,
                                   capital_yen=rng.randrange(10, capital_limit // 1_000_000)
                                   * 1_000_000, employees=rng.randrange(8, staff_limit))
        have.add(name)
        made += 1
    for name, city, capital, employees in DONOR_COMPANIES:
        if name not in have:
            accounts.save_organisation(None, name=name, kind="company", country_code="JP",
                                       city=city, industry="manufacturing",
                                       capital_yen=capital, employees=employees)


def _applicants(rng: random.Random) -> dict[int, int]:
    """One applicant for every society and company that has none (one shared password hash:
    hashing hundreds of demo passwords one by one would take longer than the rest)."""
    found = {}
    for user in _users_with("applicant"):
        found.setdefault(user.organisation_id, user.id)
    donors = {name for name, *_ in DONOR_COMPANIES}
    orgs = db.session.execute(select(Organisation.id, Organisation.kind, Organisation.name)
                              .where(Organisation.kind != "aots")
                              .order_by(Organisation.id)).all()
    missing = [o for o in orgs if o.id not in found and o.name not in donors]
    if not missing:
        return found
    password_hash = generate_password_hash(DEMO_PASSWORD, method=PASSWORD_METHOD)
    next_id = (db.session.scalar(select(func.max(User.id))) or 0) + 1
    now = utcnow()
    users, roles = [], []
    for offset, org in enumerate(missing):
        user_id = next_id + offset
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        japanese = org.kind == "company"  # a Japanese SME's staff work in Japanese
        name = (f"{JAPANESE_FAMILY[FAMILY.index(family) % len(JAPANESE_FAMILY)]} "
                f"{JAPANESE_GIVEN[GIVEN.index(given) % len(JAPANESE_GIVEN)]}"
                if japanese else f"{given} {family}")
        users.append({"id": user_id, "email": f"applicant.{org.id}@scale.wnf.example",
                      "name": name, "password_hash": password_hash, "active": True,
                      "locale": "ja" if japanese else "en",
                      "organisation_id": org.id, "session_token": secrets.token_urlsafe(24),
                      "created_at": now, "updated_at": now})
        roles.append({"user_id": user_id, "role": "applicant"})
        found[org.id] = user_id
    conn = db.session.connection()
    conn.execute(insert(User.__table__), users)
    conn.execute(insert(RoleAssignment.__table__), roles)
    return found


def _rounds(world: World, funds: dict[str, Fund], first_year: int, last_year: int,
            per_year: int) -> None:
    """A round per fund and fiscal year. A round's budget binds its approvals: one of the
    base demo, sized for its thirty files, is given the budget of a generated year (kept
    as it is otherwise)."""
    for code, fund in funds.items():
        cap = 3_000_000 if code == "WNF" else 100_000_000
        budget = max(10 * cap, per_year * cap // 2)
        for year in range(first_year, last_year + 1):
            name = f"{code} FY{year}"
            round_ = db.session.scalar(select(Round).where(Round.fund_id == fund.id,
                                                           Round.name == name))
            if round_ is None:
                opens, closes = fiscal_year_bounds(year)
                round_ = fund_records.save_round(
                    None, fund=fund, name=name, opens_on=opens, closes_on=closes,
                    budget_yen=budget, cap_yen=cap, min_own_percent=20 if code == "WNF" else 0)
            elif round_.budget_yen < budget:
                round_ = fund_records.save_round(
                    round_, fund=fund, name=name, opens_on=round_.opens_on,
                    closes_on=round_.closes_on, budget_yen=budget, cap_yen=round_.cap_yen,
                    min_own_percent=round_.min_own_percent)
            world.rounds[(code, year)] = round_.id


def build_world(rng: random.Random, first_year: int, last_year: int, applications: int
                ) -> World:
    """Organisations, applicants and rounds for `applications` files (ORM, then flushed)."""
    companies = max(20, min(300, applications // 300))
    _organisations(rng, companies)
    applicant_of = _applicants(rng)
    funds = {f.code: f for f in db.session.scalars(select(Fund))}
    rows = db.session.execute(select(Organisation.id, Organisation.kind, Organisation.name,
                                     Organisation.country_code)
                              .order_by(Organisation.id)).all()
    donors = {name for name, *_ in DONOR_COMPANIES}
    societies = [(r.id, r.name, r.country_code) for r in rows if r.kind == "alumni_society"]
    world = World(
        societies=societies,
        society_weights=[3.0 if code in ASIA else 1.0 for _, _, code in societies],
        companies=[(r.id, r.name) for r in rows if r.kind == "company" and r.name not in donors],
        donor_companies=[(r.id, r.name) for r in rows if r.name in donors],
        applicant_of=applicant_of,
        secretariat=[u.id for u in _users_with("secretariat")],
        finance=[u.id for u in _users_with("finance_officer")],
        chairs={code: committees.officers_of(f.id).chair.id for code, f in funds.items()},
        members={code: committees.members_of(f.id) for code, f in funds.items()},
        funds={code: FundInfo(f.id, code, f.screening_days, f.voting_days)
               for code, f in funds.items()},
        cities=dict(COUNTRIES),
    )
    _rounds(world, funds, first_year, last_year, applications // YEARS)
    db.session.flush()
    return world
