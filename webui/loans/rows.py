"""The loan panel's tables as rows of plain values (loans/_figures.html writes them out),
and its balance chart. A loan has up to 360 instalments: each row's figures are worked
out once, the template only prints them; the schedule's rows come from
workflow.loans.statement, which the API reads too."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from workflow.loans.book import InstalmentLine

_CANCELLATIONS = {
    "proposed": "Cancellation of part of the undrawn amount proposed by {name}, awaiting a "
                "second finance officer",
    "confirmed": "Part of the undrawn amount cancelled, proposed by {name} and confirmed",
    "withdrawn": "Cancellation of part of the undrawn amount proposed by {name}, withdrawn",
}


class Movement(NamedTuple):
    """A release of a tranche, or a cancellation of part of the undrawn amount."""

    kind: str  # release or cancellation
    state: str  # a cancellation's: proposed, confirmed or withdrawn
    day: date
    what: str
    amount_yen: int
    reason: str


def movement_rows(releases: list, cancellations: list) -> list[Movement]:
    """Releases and cancellations of the undrawn part, in date order."""
    lines = [(r.booked_on, 0, Movement("release", "", r.booked_on,
                                       f"Tranche {r.number or '—'} released", r.amount_yen, ""))
             for r in releases]
    for c in cancellations:
        day = c.decided_on or (c.decided_at or c.proposed_at).date()
        lines.append((day, 1, Movement("cancellation", c.state, day,
                                       _CANCELLATIONS[c.state].format(name=c.proposed_by_name),
                                       c.amount_yen, c.reason)))
    return [movement for _, _, movement in sorted(lines, key=lambda x: x[:2])]


def balance_chart(instalments: list[InstalmentLine], releases: list, received: list,
                  first_release_on: date | None) -> dict | None:
    """Principal owed over time: as scheduled now, and as actually drawn and repaid."""
    if not instalments or first_release_on is None:
        return None
    first = instalments[0]
    planned = {first_release_on: first.principal_yen + first.balance_after_yen,
               **{i.due_on: i.balance_after_yen for i in instalments}}
    changes: dict[date, int] = {}
    for release in releases:
        changes[release.booked_on] = changes.get(release.booked_on, 0) + release.amount_yen
    for repayment in received:
        changes[repayment.received_on] = (changes.get(repayment.received_on, 0)
                                          - repayment.principal_yen)
    actual, owed = {}, 0
    for day in sorted(changes):
        owed += changes[day]
        actual[day] = owed
    days = sorted(set(planned) | set(actual))
    return {
        "labels": [d.isoformat() for d in days],
        "planned": _carried(planned, days, days[-1]),
        # The repaid line stops at the last movement: beyond it nothing has happened yet.
        "actual": _carried(actual, days, max(actual)),
    }


def _carried(points: dict, days: list[date], until: date) -> list[int | None]:
    """The balance on each day: the last one known on or before it, up to `until`."""
    values, last = [], None
    for day in days:
        last = points.get(day, last)
        values.append(last if day <= until else None)
    return values
