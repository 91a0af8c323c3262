"""Scenes for the grant tests: an open WNF round, an alumni society and its applicant."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from models import Application, AuditEvent, Fund, Organisation, Round, User, db
from tests.conftest import once_key

# The activity two months ahead: a proposal is submitted before its activity starts.
START = date.today() + timedelta(days=60)
END = START + timedelta(days=4)


@dataclass
class Scene:
    fund: Fund
    round: Round
    society: Organisation
    partner: Organisation
    other_partner: Organisation
    applicant: User


@pytest.fixture
def scene(make_fund, make_round, make_org, make_user) -> Scene:
    fund = make_fund("WNF")
    round_ = make_round(fund, name="WNF FY2026", cap_yen=2_000_000, min_own_percent=20)
    society = make_org(name="Alumni Society of Thailand", country_code="TH")
    partner = make_org(name="Alumni Society of Viet Nam", country_code="VN")
    other = make_org(name="Alumni Society of Kenya", country_code="KE")
    applicant = make_user("applicant", organisation=society, name="Somchai")
    return Scene(fund, round_, society, partner, other, applicant)


def proposal_form(scene: Scene, **changes) -> dict:
    """A complete, valid proposal: WNF ¥800,000, own ¥300,000, partner ¥100,000 (25 % own)."""
    data = {
        "title": "Kaizen training for SME supervisors",
        "programme_type": "training_course",
        "objectives": "Train 30 supervisors in kaizen and 5S.",
        "start_date": START.isoformat(), "end_date": END.isoformat(),
        "venue_country": "TH", "venue_city": "Bangkok",
        "expected_participants": "30",
        "partner_ids": [str(scene.partner.id)],
        "participants-0-country_code": "TH", "participants-0-participants": "20",
        "participants-1-country_code": "VN", "participants-1-participants": "10",
        "budget-0-category": "Lecturers", "budget-0-description": "Two Japanese experts",
        "budget-0-amount_yen": "500,000", "budget-0-funded_by": "wnf",
        "budget-1-category": "Travel", "budget-1-description": "Participants' flights",
        "budget-1-amount_yen": "300000", "budget-1-funded_by": "wnf",
        "budget-2-category": "Venue", "budget-2-description": "",
        "budget-2-amount_yen": "300000", "budget-2-funded_by": "own",
        "budget-3-category": "Materials", "budget-3-description": "",
        "budget-3-amount_yen": "100000", "budget-3-funded_by": "partner",
        "save": "Save the draft",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def new_draft(client, scene: Scene, title="Kaizen training for SME supervisors") -> Application:
    """The applicant (logged in) creates a draft through the form."""
    response = client.post("/grants/new", data={"round_id": str(scene.round.id),
                                                "title": title, **once_key()})
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalar(select(Application).order_by(Application.id.desc()))


def act(client, application: Application, trigger: str, **fields):
    db.session.refresh(application)
    return client.post(f"/applications/{application.id}/actions/{trigger}",
                       data={"version": str(application.version), **fields})


def audit_actions(application: Application) -> list[str]:
    return list(db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "application",
                                        AuditEvent.object_id == application.id)
        .order_by(AuditEvent.seq)))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def error_next_to(page: str, field_name: str, message: str) -> bool:
    """The message appears after the field's input and before the next form field."""
    match = re.search(rf'name="{re.escape(field_name)}"', page)
    if match is None:
        return False
    rest = page[match.end():]
    following = re.search(r'<(input|select|textarea)\b', rest)
    return message in (rest[:following.start()] if following else rest)
