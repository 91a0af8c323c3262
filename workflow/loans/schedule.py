"""Repayment schedules of SME loans: pure arithmetic, no Flask and no database.

Amounts are whole yen. Every rounding is to the yen with ROUND_HALF_EVEN, the rule Apache
Fineract uses, so a schedule printed here matches one the lender's core banking system prints.
The annual rate is given in percent; the monthly rate is annual / 12 / 100.

`months` is the whole term, grace months included: a 36-month loan with 6 months' grace pays
interest only for 6 months and amortises over the remaining 30. It is at most
lending_law.MAX_TERM_MONTHS; the rate caps of the law are the callers' to check (they know
the contract's principal, which a re-amortisation of part of it does not).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext

from flask_babel import gettext as _

from models.i18n import N_
from workflow.engine.wording import csv_header

from .lending_law import term_problem

METHODS = ("annuity", "equal_principal")
CSV_HEADER = (N_("no"), N_("due"), N_("payment"), N_("principal"), N_("interest"), N_("balance"))

# Enough digits that (1 + r)^-360 on ¥10^10 stays exact to well below half a yen.
_PRECISION = 50
_YEN = Decimal(1)


class ScheduleRefused(ValueError):
    """Terms that cannot make a schedule: a sentence in the language of whoever asked
    (gettext when raised), and the argument of build_schedule it is about (amount,
    annual_rate, months, grace_months or method), so that a form shows it beside its field
    whatever the language."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Instalment:
    """One month of a schedule; `balance` is the principal still owed after it is paid."""

    number: int
    due: date | None
    month_offset: int
    payment: int
    principal: int
    interest: int
    balance: int


def build_schedule(amount: int, annual_rate: Decimal | str | int, months: int,
                   method: str = "annuity", grace_months: int = 0,
                   start: date | None = None) -> list[Instalment]:
    """Return the month-by-month schedule repaying `amount` yen over `months` months.

    The first `grace_months` instalments pay interest only; the principal is then repaid
    over the rest of the term, by equal instalments ("annuity") or by equal principal parts
    ("equal_principal"). With `start`, instalment k falls due k months after it.
    Raises ScheduleRefused (a ValueError) when the terms make no sense.
    """
    rate = _validate(amount, annual_rate, months, method, grace_months)
    amortising = months - grace_months
    if method == "equal_principal" or rate == 0:
        level = _round(Decimal(amount) / amortising)
        instalment = None
    else:
        level = None
        instalment = _annuity_instalment(amount, rate, amortising)

    schedule = []
    balance = amount
    for k in range(1, months + 1):
        interest = _monthly_interest(balance, rate)
        if k <= grace_months:
            principal = 0
        elif k == months:
            principal = balance  # the last month clears whatever rounding has left over
        elif instalment is not None:
            principal = instalment - interest
        else:
            principal = level
        # Rounding can push an early principal below 0 (tiny loan, high rate) or past the
        # balance (round(P / n) rounded up); clamping keeps every figure a real repayment.
        principal = min(max(principal, 0), balance)
        balance -= principal
        schedule.append(Instalment(
            number=k,
            due=add_months(start, k) if start is not None else None,
            month_offset=k,
            payment=principal + interest,
            principal=principal,
            interest=interest,
            balance=balance,
        ))
    return schedule


def total_interest(schedule: Iterable[Instalment]) -> int:
    """Return the interest paid over the whole schedule, in yen."""
    return sum(row.interest for row in schedule)


def schedule_csv_rows(schedule: Iterable[Instalment]) -> Iterator[tuple]:
    """Yield CSV_HEADER, then one row per instalment, ready for `csv.writer.writerows`.

    The `due` column is the ISO date when the schedule has dates, else the month offset.
    """
    yield csv_header(CSV_HEADER)
    for row in schedule:
        due = row.due.isoformat() if row.due is not None else row.month_offset
        yield (row.number, due, row.payment, row.principal, row.interest, row.balance)


def add_months(start: date, months: int) -> date:
    """Return the date `months` months after `start`, keeping its day clamped to month end.

    Always counted from `start`, not from the previous due date, so a loan starting on
    31 January falls due on 28/29 February and then on 31 March again.
    """
    years, month_index = divmod(start.month - 1 + months, 12)
    year, month = start.year + years, month_index + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _validate(amount, annual_rate, months, method, grace_months) -> Decimal:
    """Check the loan terms and return the annual rate as a Decimal."""
    # bool is an int subclass; True yen is a bug in the caller, not a loan.
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise ScheduleRefused(_("The amount must be a whole number of yen."), "amount")
    if amount < 1:
        raise ScheduleRefused(_("The amount must be at least ¥1."), "amount")
    try:
        # str() first so a float 1.1 means 1.1 %, not its binary approximation.
        rate = annual_rate if isinstance(annual_rate, Decimal) else Decimal(str(annual_rate))
    except (InvalidOperation, ValueError):
        raise ScheduleRefused(_("The annual rate must be a number."), "annual_rate") from None
    if not rate.is_finite() or not 0 <= rate <= 100:
        raise ScheduleRefused(_("The annual rate must be between 0 and 100 %."), "annual_rate")
    if not isinstance(months, int) or months < 1:
        raise ScheduleRefused(_("The term must be at least 1 month."), "months")
    too_long = term_problem(months)  # before anything is allocated for the rows
    if too_long:
        raise ScheduleRefused(too_long, "months")
    if not isinstance(grace_months, int) or grace_months < 0:
        raise ScheduleRefused(_("The grace period cannot be negative."), "grace_months")
    if grace_months >= months:
        raise ScheduleRefused(_("The grace period must be shorter than the term."),
                              "grace_months")
    if method not in METHODS:
        raise ScheduleRefused(_("Unknown repayment method %(method)s: use annuity or "
                                "equal_principal.", method=repr(method)), "method")
    return rate


def _round(value: Decimal) -> int:
    """Round to the whole yen, half to even."""
    return int(value.quantize(_YEN, rounding=ROUND_HALF_EVEN))


def _monthly_interest(balance: int, annual_rate: Decimal) -> int:
    """Return one month's interest on `balance`, rounded to the yen."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        # One division of the exact product avoids rounding r = rate / 1200 first.
        return _round(balance * annual_rate / 1200)


def _annuity_instalment(amount: int, annual_rate: Decimal, months: int) -> int:
    """Return the level instalment P·r / (1 − (1 + r)^−n), rounded to the yen."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        r = annual_rate / 1200
        return _round(amount * r / (1 - (1 + r) ** -months))
