"""The words a person reads for the system's names: one filter per concept, for every
template (issue 21 translates them here, in one place).

    {{ application.state|state_label }}   committee_review → "Committee review"
    {{ role|role_label }}                  committee_chair → "Committee chair"
    {{ loan.method|method_label }}         annuity → "Equal instalments (annuity)"
    {{ loan.annual_rate|rate }}            Decimal("1.5000") → "1.5 %"
    {{ amount|yen }}                       1234567 → "¥1,234,567"
    {{ entry.kind|ledger_kind_label }}     write_off → "Write-off"
    {{ day|long_date }}                    2027-04-01 → "1 April 2027"
    {{ moment|long_datetime }}             2027-04-01 09:05 → "1 April 2027, 09:05"
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import Decimal

from models import LEDGER_KIND_LABELS, METHOD_LABELS, ROLE_LABELS
from workflow.engine import registry

MISSING = "—"


@functools.cache
def _state_labels() -> dict[str, str]:
    """Every workflow's states by their staff label (the newest version's word wins)."""
    labels: dict[str, str] = {}
    for name in registry.names():
        for version in registry.versions(name):
            labels.update({s.name: s.staff_label for s in registry.get(name, version).states})
    return labels


@functools.cache
def _action_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for name in registry.names():
        for version in registry.versions(name):
            labels.update({t.trigger: t.label for t in registry.get(name, version).transitions})
    return labels


def _humanise(name: str) -> str:
    return name.replace("_", " ").capitalize()


def state_label(name: str | None) -> str:
    if not name:
        return MISSING
    return _state_labels().get(name) or _humanise(name)


def action_label(trigger: str | None) -> str:
    """An audit event's action or a trigger as its button says it."""
    if not trigger:
        return MISSING
    return _action_labels().get(trigger) or _humanise(trigger)


def role_label(role: str | None) -> str:
    return ROLE_LABELS.get(role, _humanise(role)) if role else MISSING


def method_label(method: str | None) -> str:
    return METHOD_LABELS.get(method, _humanise(method)) if method else MISSING


def ledger_kind_label(kind: str | None) -> str:
    return LEDGER_KIND_LABELS.get(kind, _humanise(kind)) if kind else MISSING


def rate(value: Decimal | float | None) -> str:
    """A percentage as stored (Decimal("1.5000")) written the short way: "1.5 %"."""
    if value is None:
        return MISSING
    # "{:f}" keeps 10 from becoming 1E+1 once normalised.
    return f"{Decimal(value).normalize():f} %"


def yen(amount: int | Decimal | None) -> str:
    return MISSING if amount is None else f"¥{amount:,}"


def long_date(day: date | datetime | None) -> str:
    return MISSING if day is None else f"{day.day} {day:%B %Y}"


def long_datetime(moment: datetime | None) -> str:
    """A moment to the minute, in the zone it is stored in (the templates say which)."""
    return MISSING if moment is None else f"{long_date(moment)}, {moment:%H:%M}"


FILTERS = {
    "state_label": state_label, "action_label": action_label, "role_label": role_label,
    "method_label": method_label, "ledger_kind_label": ledger_kind_label, "rate": rate,
    "yen": yen, "long_date": long_date, "long_datetime": long_datetime,
}


def register(app) -> None:
    app.jinja_env.filters.update(FILTERS)
