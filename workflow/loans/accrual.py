"""What an SME loan owes on a given day: interest and delay damages to the day.

Pure arithmetic on the loan's terms and its instalment rows (models.Instalment, or any
object with the same attributes); no database.

The calendar is fixed at the first release: instalment k falls due k months after it
(schedule.add_months), the first `grace_months` pay interest only, and the last falls due
`term_months` after it (the maturity). Period k runs from the due date of instalment k − 1
(the first release for k = 1) up to instalment k's due date.

Interest — the one day-count rule
    Interest runs on the principal released and not yet fallen due, from the day it was
    released up to the day it is repaid or falls due (the first day counted, the last not).
    A whole period earns balance × rate / 12, whatever its length; part of a period earns
    that pro rata of the period's days: balance × rate / 12 × days / days in the period.
    When a release or a prepayment changes the balance within a period, the interest of
    the days before is reckoned there and kept on the instalment (`interest_accrued_yen`
    up to `interest_accrued_to`); the rest of the period earns on the new balance.

Delay damages
    Principal of an instalment still unpaid after its due date bears delay damages instead
    of interest, at the agreement's damages rate, per day, actual/365 (365 in a leap year
    too): unpaid principal × rate × days / 365, from the day after the due date up to and
    including the day it is paid. Overdue interest bears no damages. An instalment keeps
    the damages reckoned so far (`damages_yen` through `damages_to`) whenever its unpaid
    principal changes.

Rounding: to the yen, half to even, once per stretch of days over which the amount bearing
interest (or an instalment's unpaid principal bearing damages) stays the same.

Outstanding on a day = principal not yet repaid + interest fallen due and unpaid + the
current period's interest accrued to that day + damages to that day. Interest of days still
to come is never owed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from .schedule import add_months

_PRECISION = 50
_YEN = Decimal(1)


@dataclass(frozen=True)
class LoanTerms:
    """The agreement as the arithmetic needs it (LoanDetails and the first release)."""

    first_release_on: date
    annual_rate: Decimal  # percent a year
    damages_rate: Decimal  # percent a year
    term_months: int
    grace_months: int
    method: str
    shorter_term: bool = False  # a prepayment shortens the term instead of the instalment

    def due_date(self, number: int) -> date:
        return add_months(self.first_release_on, number)

    def period_start(self, number: int) -> date:
        return add_months(self.first_release_on, number - 1)

    @property
    def maturity(self) -> date:
        return self.due_date(self.term_months)

    def period_containing(self, day: date) -> int | None:
        """The instalment whose period holds `day` (a due date starts the next period);
        None on or after the maturity."""
        if day >= self.maturity:
            return None
        months = (day.year - self.first_release_on.year) * 12 + (
            day.month - self.first_release_on.month)
        number = max(1, months)
        while self.due_date(number) <= day:
            number += 1
        return number


def _round(value: Decimal) -> int:
    return int(value.quantize(_YEN, rounding=ROUND_HALF_EVEN))


def interest_for(balance: int, annual_rate: Decimal, days: int, period_days: int) -> int:
    """Interest on `balance` for `days` of a period of `period_days` days, to the yen."""
    if not balance or not days:
        return 0
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return _round(Decimal(balance) * annual_rate * days / (1200 * period_days))


def damages_for(principal: int, damages_rate: Decimal, days: int) -> int:
    """Delay damages on `principal` for `days` days (actual/365), to the yen."""
    if not principal or not days:
        return 0
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return _round(Decimal(principal) * damages_rate * days / 36500)


def interest_bearing(row) -> int:
    """The principal earning interest in a row's period: its own unpaid principal and every
    later instalment's (for a row not yet due, paid principal is what was prepaid)."""
    return row.principal_yen - row.paid_principal_yen + row.balance_after_yen


def interest_accrued(terms: LoanTerms, row, day: date) -> int:
    """The interest of `row`'s period up to `day` (not counted), paid or not."""
    start = terms.period_start(row.number)
    since = row.interest_accrued_to or start
    days = max(0, (min(day, row.due_on) - since).days)
    return row.interest_accrued_yen + interest_for(
        interest_bearing(row), terms.annual_rate, days, (row.due_on - start).days)


def damages_accrued(terms: LoanTerms, row, day: date) -> int:
    """The delay damages of `row` through `day`, paid or not."""
    since = row.damages_to or row.due_on
    days = max(0, (day - since).days)
    unpaid = row.principal_yen - row.paid_principal_yen
    return row.damages_yen + damages_for(unpaid, terms.damages_rate, days)


@dataclass(frozen=True)
class Position:
    """What the loan owes on `day`, split as a payment would pay it."""

    day: date
    damages: int  # accrued to the day and unpaid
    interest_due: int  # of instalments fallen due
    principal_due: int  # of instalments fallen due
    accrued_interest: int  # of the current period, to the day
    principal_not_due: int
    current: int | None  # the number of the instalment whose period holds the day

    @property
    def due(self) -> int:
        """What has fallen due and is unpaid: damages, interest and principal."""
        return self.damages + self.interest_due + self.principal_due

    @property
    def principal(self) -> int:
        return self.principal_due + self.principal_not_due

    @property
    def interest(self) -> int:
        return self.interest_due + self.accrued_interest

    @property
    def total(self) -> int:
        """The outstanding: what a payoff on that day pays."""
        return self.due + self.accrued_interest + self.principal_not_due


def current_row(rows: Sequence, day: date):
    """The first instalment not yet due on `day` (its period holds the day), or None."""
    return next((r for r in rows if r.due_on > day), None)


def position(terms: LoanTerms, rows: Sequence, day: date) -> Position:
    """What the loan owes on `day`; `rows` in order of their numbers."""
    damages = interest_due = principal_due = principal_not_due = 0
    for row in rows:
        unpaid_principal = row.principal_yen - row.paid_principal_yen
        if row.due_on <= day:
            damages += damages_accrued(terms, row, day) - row.paid_damages_yen
            interest_due += row.interest_yen - row.paid_interest_yen
            principal_due += unpaid_principal
        else:
            principal_not_due += unpaid_principal
    current = current_row(rows, day)
    accrued = 0 if current is None else max(
        0, interest_accrued(terms, current, day) - current.paid_interest_yen)
    return Position(day, damages, interest_due, principal_due, accrued, principal_not_due,
                    None if current is None else current.number)


def left_to_pay(row) -> int:
    """What an instalment still asks, interest and principal (damages apart)."""
    return (row.principal_yen + row.interest_yen - row.paid_principal_yen
            - row.paid_interest_yen)


def next_instalment(rows: Sequence, day: date):
    """The first instalment falling due after `day` with something left to pay, or None."""
    return next((r for r in rows if r.due_on > day and left_to_pay(r) > 0), None)
