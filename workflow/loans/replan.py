"""The schedule of an SME loan rebuilt when its principal changes: pure arithmetic.

A release adds principal, a prepayment takes principal away; either happens on a day within
the agreement's calendar (workflow.loans.accrual). The instalments already due on that day stay as
they are, paid or not. The rest — the instalment whose period holds the day and every later
one — is planned again:

* the principal not yet due is amortised over the instalments left to the agreement's
  maturity, by the agreement's method, any grace months left paying interest only
  (schedule.build_schedule on that principal): so a release, and a prepayment on a loan set
  to "lower instalment", lower or raise the instalments and keep the maturity;
* a prepayment on a loan set to "shorter term" keeps each instalment's principal and takes
  the prepaid principal off the last instalments first (inverse order of maturity): the
  loan ends sooner, and each instalment left pays less interest.

Instalments with nothing left at the end are dropped. The instalment whose period holds the
day keeps the interest of the days before it (reckoned on the old balance) and the principal
prepaid in it, shown as paid; its remaining days earn on the new balance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from workflow.engine.wording import long_date

from .accrual import LoanTerms, interest_accrued, interest_for
from .schedule import build_schedule


@dataclass(frozen=True)
class Planned:
    """An instalment as planned again (principal includes what was prepaid in it)."""

    number: int
    due_on: date
    principal_yen: int
    interest_yen: int
    balance_after_yen: int
    interest_accrued_yen: int
    interest_accrued_to: date | None


class MaturedLoan(ValueError):
    """The day is on or after the maturity: nothing is left to plan."""


def replan(terms: LoanTerms, rows: Sequence, day: date, *, released: int = 0,
           prepaid: int = 0) -> list[Planned]:
    """The instalments from the one whose period holds `day` on, once `released` yen are
    lent and `prepaid` yen of principal repaid early on that day. `rows`: the loan's
    instalments as they stand before (none before the first release), in order."""
    number = terms.period_containing(day)
    if number is None:
        raise MaturedLoan(_("The loan matured on %(day)s.", day=long_date(terms.maturity)))
    left = [r for r in rows if r.number >= number]
    current = left[0] if left and left[0].number == number else None
    old_balance = sum(r.principal_yen - r.paid_principal_yen for r in left)
    new_balance = old_balance + released - prepaid
    if new_balance < 0:
        raise ValueError(f"¥{prepaid:,} is more than the ¥{old_balance:,} of principal not yet "
                         "due.")
    if prepaid and terms.shorter_term:
        plan = _shortened([r.principal_yen - r.paid_principal_yen for r in left], prepaid)
    else:
        plan = _amortised(terms, number, new_balance)
    while len(plan) > 1 and plan[-1] == 0:
        plan.pop()  # nothing left to repay or to earn interest on there

    start = terms.period_start(number)
    split = day > start  # the event falls within the period, not on its first day
    accrued = interest_accrued(terms, current, day) if current is not None and split else 0
    already_prepaid = current.paid_principal_yen if current is not None else 0
    planned, opening = [], new_balance
    for offset, principal in enumerate(plan):
        k = number + offset
        due = terms.due_date(k)
        if offset == 0:  # the days before `day` on the old balance, the rest on the new
            interest = accrued + interest_for(opening, terms.annual_rate, (due - day).days,
                                              (due - start).days)
            principal += already_prepaid + prepaid
        else:
            interest = interest_for(opening, terms.annual_rate, 1, 1)  # a whole period
        opening -= plan[offset]
        first = offset == 0 and split
        planned.append(Planned(k, due, principal, interest, opening,
                               accrued if first else 0, day if first else None))
    return planned


def _amortised(terms: LoanTerms, number: int, balance: int) -> list[int]:
    """`balance` amortised over instalments `number` to the maturity, grace included."""
    count = terms.term_months - number + 1
    if balance == 0:
        return [0] * count
    grace_left = max(0, terms.grace_months - number + 1)
    return [row.principal for row in build_schedule(balance, terms.annual_rate, count,
                                                    terms.method, grace_left)]


def _shortened(plan: list[int], prepaid: int) -> list[int]:
    """`prepaid` taken off the last instalments' principal first."""
    plan = list(plan)
    for index in range(len(plan) - 1, -1, -1):
        taken = min(prepaid, plan[index])
        plan[index] -= taken
        prepaid -= taken
    return plan
