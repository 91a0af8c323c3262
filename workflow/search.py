"""Finding applications: the filters every list offers, their sort orders, CSV rows.

Read-only query building: views pass plain values and the user; rows the user
may not see are never selected (applicants see their organisation's only).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import contains_eager

from models import Application, Fund, Organisation, Round, User, db

from . import registry
from .errors import ValidationFailed
from .permissions import READER_ROLES

SORTS = {
    "reference": (Application.fiscal_year, Application.fund_id, Application.number),
    "title": (Application.title,),
    "organisation": (Organisation.name,),
    "country": (Organisation.country_code,),
    "state": (Application.state,),
    "requested": (Application.requested_yen,),
    "approved": (Application.approved_yen,),
    "created": (Application.created_at,),
    "updated": (Application.state_changed_at,),
}


def all_states() -> list[str]:
    """Every state of every workflow version, in definition order, once."""
    seen: dict[str, None] = {}
    for name in registry.names():
        for version in registry.versions(name):
            for state in registry.get(name, version).states:
                seen.setdefault(state.name)
    return list(seen)


@dataclass
class Filters:
    q: str = ""  # reference or words of the title
    organisation_id: int | None = None
    country: str = ""
    state: str = ""
    round_id: int | None = None
    fund: str = ""
    kind: str = ""
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "created"
    descending: bool = True

    def check(self) -> None:
        if self.state and self.state not in all_states():
            raise ValidationFailed(f"There is no state called {self.state!r}.", "state")
        if self.sort not in SORTS:
            raise ValidationFailed(f"The list cannot be sorted by {self.sort!r}.", "sort")
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValidationFailed("The date range ends before it starts.", "date_to")
        if self.country and (len(self.country) != 2 or not self.country.isalpha()):
            raise ValidationFailed(f"{self.country!r} is not a two-letter country code.",
                                   "country")


def _visibility(user: User) -> list:
    if user.has_role(*READER_ROLES):
        return []
    return [Application.organisation_id == (user.organisation_id or -1)]


def _conditions(filters: Filters) -> list:
    conditions = []
    if filters.q:
        words = filters.q.split()
        reference = filters.q.strip().upper()
        conditions.append(or_(
            Application.reference == reference,
            and_(*(Application.title.ilike(f"%{_escape(w)}%", escape="\\") for w in words)),
        ))
    if filters.organisation_id:
        conditions.append(Application.organisation_id == filters.organisation_id)
    if filters.country:
        conditions.append(Organisation.country_code == filters.country.upper())
    if filters.state:
        conditions.append(Application.state == filters.state)
    if filters.round_id:
        conditions.append(Application.round_id == filters.round_id)
    if filters.fund:
        conditions.append(Application.fund_id.in_(
            select(Fund.id).where(Fund.code == filters.fund)))
    if filters.kind:
        conditions.append(Application.kind == filters.kind)
    if filters.date_from:
        conditions.append(Application.created_at >= datetime.combine(filters.date_from,
                                                                     time.min))
    if filters.date_to:
        conditions.append(Application.created_at <= datetime.combine(filters.date_to,
                                                                     time.max))
    return conditions


def _ordering(filters: Filters) -> list:
    columns = [*SORTS[filters.sort], Application.id]
    return [c.desc() if filters.descending else c.asc() for c in columns]


def application_query(filters: Filters, user: User) -> Select:
    """The applications matching the filters that this user may see, sorted."""
    filters.check()
    return (select(Application).join(Application.organisation)
            .options(contains_eager(Application.organisation))
            .where(*_visibility(user), *_conditions(filters))
            .order_by(*_ordering(filters)))


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def count(filters: Filters, user: User) -> int:
    filters.check()
    return db.session.scalar(
        select(func.count(Application.id))
        .join(Organisation, Organisation.id == Application.organisation_id)
        .where(*_visibility(user), *_conditions(filters)))


CSV_HEADER = ("reference", "kind", "fund", "round", "organisation", "country", "title",
              "state", "workflow_version", "requested_yen", "approved_yen", "created_at",
              "state_changed_at")


def csv_rows(filters: Filters, user: User, batch: int = 2000) -> Iterator[tuple]:
    """The header, then one tuple per application, streamed from the database in batches."""
    filters.check()
    query = (
        select(Application.reference, Application.kind, Fund.code, Round.name,
               Organisation.name, Organisation.country_code, Application.title,
               Application.state, Application.workflow_version, Application.requested_yen,
               Application.approved_yen, Application.created_at, Application.state_changed_at)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .join(Fund, Fund.id == Application.fund_id)
        .outerjoin(Round, Round.id == Application.round_id)
        .where(*_visibility(user), *_conditions(filters))
        .order_by(*_ordering(filters))
    )
    yield CSV_HEADER
    result = db.session.execute(query.execution_options(yield_per=batch))
    for row in result:
        yield tuple("" if value is None else value for value in row)
