"""How a payment on an SME loan is split: pure arithmetic on the terms and the instalments.

The Civil Code's order (art. 489): costs, then interest (delay damages included), then
principal. The fund books no costs — no fees, no collection charges — so a payment goes

1. to the delay damages and the interest fallen due, instalment by instalment, oldest first
   (an instalment's damages before its interest);
2. then to the principal fallen due, oldest first;
3. and what is left is a prepayment: the interest accrued in the current period to the day
   of payment, then principal not yet due, which re-amortises the rest (workflow.loans.replan).

A payment of exactly the outstanding (accrual.Position.total) pays the loan off; more is
refused by the caller before anything is split.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .accrual import LoanTerms, current_row, damages_accrued, interest_accrued, left_to_pay


@dataclass(frozen=True)
class Part:
    """What one instalment gets of a payment."""

    number: int
    damages_yen: int
    interest_yen: int
    principal_yen: int


@dataclass(frozen=True)
class Allocation:
    """A payment split over the instalments; the prepaid principal is on the current one."""

    day: date
    amount_yen: int
    parts: tuple[Part, ...]
    prepaid_principal_yen: int  # principal paid before it fell due: the schedule is rebuilt

    @property
    def damages_yen(self) -> int:
        return sum(p.damages_yen for p in self.parts)

    @property
    def interest_yen(self) -> int:
        return sum(p.interest_yen for p in self.parts)

    @property
    def principal_yen(self) -> int:
        return sum(p.principal_yen for p in self.parts)


def allocate(terms: LoanTerms, rows: Sequence, day: date, amount_yen: int) -> Allocation:
    """Split `amount_yen` received on `day`; ValueError when it is more than is owed."""
    shares: dict[int, list[int]] = {}
    left = amount_yen

    def take(number: int, slot: int, owed: int) -> None:
        nonlocal left
        paid = min(left, max(owed, 0))
        if paid:
            shares.setdefault(number, [0, 0, 0])[slot] += paid
            left -= paid

    due = [r for r in rows if r.due_on <= day]
    for row in due:
        take(row.number, 0, damages_accrued(terms, row, day) - row.paid_damages_yen)
        take(row.number, 1, row.interest_yen - row.paid_interest_yen)
    for row in due:
        take(row.number, 2, row.principal_yen - row.paid_principal_yen)
    prepaid = 0
    current = current_row(rows, day)
    if current is not None and left:
        take(current.number, 1, interest_accrued(terms, current, day)
             - current.paid_interest_yen)
        not_due = sum(r.principal_yen - r.paid_principal_yen for r in rows if r.due_on > day)
        prepaid = min(left, not_due)
        take(current.number, 2, prepaid)
    if left:
        raise ValueError(f"¥{left:,} of the amount is left over once the loan is paid off.")
    parts = tuple(Part(number, *shares[number]) for number in sorted(shares))
    return Allocation(day, amount_yen, parts, prepaid)


def apply_parts(terms: LoanTerms, rows: Sequence, allocation: Allocation) -> None:
    """Add the payment to the instalments (the rebuild of a prepayment is replan's, and is
    written first). An overdue instalment whose principal is paid keeps its damages to the
    day; an instalment fully paid records the day."""
    day = allocation.day
    by_number = {r.number: r for r in rows}
    for part in allocation.parts:
        row = by_number[part.number]
        if part.principal_yen and day > row.due_on:
            row.damages_yen = damages_accrued(terms, row, day)
            row.damages_to = day
        row.paid_damages_yen += part.damages_yen
        row.paid_interest_yen += part.interest_yen
        row.paid_principal_yen += part.principal_yen
        if row.paid_on is None and left_to_pay(row) == 0:
            row.paid_on = day
