"""Who takes part in a grant: its partner societies, and its participants by country as
expected in the proposal and as reported afterwards.

Three short lists that the pages always show together (and that the committee's
recusal rule reads: the partners), so they are read together: one statement for
one file or for many, and remembered for the rest of the page (workflow.engine.reading).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Integer, String, bindparam, cast, literal_column, null, select, union_all

from models import (
    Application,
    GrantPartner,
    Organisation,
    ParticipantCountry,
    ReportParticipant,
    db,
)
from workflow.engine import reading


@dataclass(frozen=True)
class Partner:
    """A partner organisation of a grant, as the pages and the recusal rule need it."""

    id: int
    name: str


@dataclass(frozen=True)
class CountryCount:
    """Participants from one country."""

    country_code: str
    participants: int


@dataclass
class Participation:
    partners: list[Partner] = field(default_factory=list)  # by name
    expected: list[CountryCount] = field(default_factory=list)  # by country code
    reported: list[CountryCount] = field(default_factory=list)  # by country code


def _participation_statement():
    """application id, list, partner id, partner name, country, participants — one
    UNION ALL of the three tables, each branch on its own index."""
    ids = bindparam("ids", expanding=True)
    no_int, no_text = cast(null(), Integer), cast(null(), String)
    partners = (select(GrantPartner.application_id, literal_column("'partner'"),
                       Organisation.id, Organisation.name, no_text, no_int)
                .join(Organisation, Organisation.id == GrantPartner.organisation_id)
                .where(GrantPartner.application_id.in_(ids)))
    expected = (select(ParticipantCountry.application_id, literal_column("'expected'"),
                       no_int, no_text, ParticipantCountry.country_code,
                       ParticipantCountry.participants)
                .where(ParticipantCountry.application_id.in_(ids)))
    reported = (select(ReportParticipant.report_id, literal_column("'reported'"),
                       no_int, no_text, ReportParticipant.country_code,
                       ReportParticipant.participants)
                .where(ReportParticipant.report_id.in_(ids)))
    return union_all(partners, expected, reported)


# Built once: building it on every page cost about as much as running it.
_PARTICIPATION = _participation_statement()


def _rows(ids: list[int]):
    return db.session.execute(_PARTICIPATION, {"ids": ids})


def _query(applications: list[Application]) -> dict[int, Participation]:
    found = {a.id: Participation() for a in applications}
    if found:
        for application_id, which, org_id, name, country, count in _rows(list(found)):
            entry = found[application_id]
            if which == "partner":
                entry.partners.append(Partner(org_id, name))
            else:
                getattr(entry, which).append(CountryCount(country, count))
        for entry in found.values():
            entry.partners.sort(key=lambda p: (p.name, p.id))
            entry.expected.sort(key=lambda c: c.country_code)
            entry.reported.sort(key=lambda c: c.country_code)
    return found


def participation_of(applications: list[Application]) -> dict[int, Participation]:
    """Per application id, who takes part in it (do not change the lists you get)."""
    return reading.remember_each("participation", applications, _query)


def partners_of(applications: list[Application]) -> dict[int, list[Partner]]:
    """Per application id, its partner organisations by name."""
    return {key: p.partners for key, p in participation_of(applications).items()}
