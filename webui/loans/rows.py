"""The loan panel's tables, written in one pass each rather than by a dozen template
expressions per row (a loan has up to 360 instalments), and its balance chart.

Every value written is a number, a date or a fixed word, but for the bank references and
the reasons, which are escaped."""

from __future__ import annotations

from datetime import date
from html import escape

from markupsafe import Markup

from workflow.loans import accrual
from workflow.loans.accrual import LoanTerms
from workflow.loans.book import InstalmentLine
from workflow.loans.repayments import past_grace

_BADGES = {
    ("paid", False): '<span class="badge text-bg-success">paid {paid_on}</span>',
    ("overdue", False): '<span class="badge text-bg-warning">overdue</span>',
    ("overdue", True): '<span class="badge text-bg-danger">overdue, past the grace days</span>',
    ("due", False): '<span class="badge text-bg-light border">due</span>',
}
_CANCELLATIONS = {
    "proposed": "Cancellation of part of the undrawn amount proposed by {name}, awaiting a "
                "second finance officer",
    "confirmed": "Part of the undrawn amount cancelled, proposed by {name} and confirmed",
    "withdrawn": "Cancellation of part of the undrawn amount proposed by {name}, withdrawn",
}


def _status(instalment: InstalmentLine, today: date) -> tuple[str, bool]:
    if instalment.due_yen == 0:
        return "paid", False
    if instalment.due_on < today:
        return "overdue", past_grace(instalment.due_on, today)
    return "due", False


def schedule_rows(instalments: list[InstalmentLine], terms: LoanTerms, today: date) -> Markup:
    """The schedule table's rows; an overdue instalment shows its delay damages to today."""
    rows = []
    for i in instalments:
        status, late = _status(i, today)
        paid_on = i.paid_on.isoformat() if i.paid_on else ""
        badge = _BADGES[(status, late)].format(paid_on=paid_on)
        damages = (accrual.damages_accrued(terms, i, today) - i.paid_damages_yen
                   if i.due_on < today else 0)
        if damages > 0:
            badge += f'<div class="small text-danger damages">delay damages ¥{damages:,}</div>'
        rows.append(
            f'<tr class="instalment-{status}" data-number="{i.number}"><td>{i.number}</td>'
            f'<td>{i.due_on.isoformat()}</td><td class="text-end">{i.interest_yen:,}</td>'
            f'<td class="text-end">{i.principal_yen:,}</td>'
            f'<td class="text-end">{i.interest_yen + i.principal_yen:,}</td>'
            f'<td class="text-end">{i.paid_interest_yen + i.paid_principal_yen:,}</td>'
            f'<td class="text-end">{i.balance_after_yen:,}</td><td>{badge}</td></tr>\n')
    return Markup("".join(rows))


def repayment_rows(received: list) -> Markup:
    """The repayments table's rows: the amount and its split."""
    return Markup("".join(
        f"<tr><td>{r.received_on.isoformat()}</td><td>{escape(r.bank_reference)}</td>"
        f'<td class="text-end">{r.amount_yen:,}</td><td class="text-end">{r.damages_yen:,}</td>'
        f'<td class="text-end">{r.interest_yen:,}</td>'
        f'<td class="text-end">{r.principal_yen:,}</td></tr>\n' for r in received))


def movement_rows(releases: list, cancellations: list) -> Markup:
    """Releases and cancellations of the undrawn part, in date order."""
    lines = [(r.booked_on, 0, f'<tr class="release"><td>{r.booked_on.isoformat()}</td>'
              f'<td>Tranche {r.number or "—"} released</td>'
              f'<td class="text-end">{r.amount_yen:,}</td><td></td></tr>\n')
             for r in releases]
    for c in cancellations:
        day = c.decided_on or (c.decided_at or c.proposed_at).date()
        lines.append((day, 1, (
            f'<tr class="cancellation cancellation-{c.state}"><td>{day.isoformat()}</td>'
            f"<td>{_CANCELLATIONS[c.state].format(name=escape(c.proposed_by_name))}</td>"
            f'<td class="text-end">{c.amount_yen:,}</td>'
            f'<td class="small">{escape(c.reason)}</td></tr>\n')))
    return Markup("".join(html for _, _, html in sorted(lines, key=lambda x: x[:2])))


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
