"""An independent reckoning of an SME loan, day by day, in exact fractions.

It shares nothing with workflow/ but the rules as workflow.loans.accrual, workflow.loans.replan and
workflow.loans.allocation state them in words:

* the calendar: instalment k falls due k months after the first release (the day clamped
  to the month's end), the first G pay interest only, the last N months after it;
* interest: each day, on the principal released and not yet fallen due, balance × rate /
  1200 / (days of the day's period); a release counts from its day, a repayment stops it
  from its day; rounded half to even once per stretch over which the balance stays the
  same (a release or prepayment ends a stretch, and so does the period's end);
* delay damages: each day after its due date, an instalment's unpaid principal × rate /
  36500 (the day of payment counted); rounded once per stretch over which that unpaid
  principal stays the same;
* a payment: damages then interest of each instalment due, oldest first; then principal
  due, oldest first; the rest pays the current period's interest to the day, then
  principal not yet due, which is planned again: amortised over the instalments left to
  the maturity (lower instalment; also after every release), or taken off the last
  instalments first (shorter term);
* an annuity instalment P = B·r / (1 − (1 + r)^−n), r = rate / 1200; each instalment's
  principal P − round(opening × r), the last the rest; equal principal: round(B / n).

It is slow on purpose: one step per day, Fractions throughout.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction


def months_after(start: date, months: int) -> date:
    years, index = divmod(start.month - 1 + months, 12)
    year, month = start.year + years, index + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@dataclass
class Row:
    number: int
    due: date
    principal: int  # as planned, including what was prepaid in its period
    interest: int = 0  # closed stretches of its period, rounded
    open_interest: Fraction = Fraction(0)  # the stretch still open
    paid_principal: int = 0
    paid_interest: int = 0
    damages: int = 0  # closed stretches, rounded
    open_damages: Fraction = Fraction(0)
    paid_damages: int = 0

    def unpaid_damages(self) -> int:
        return self.damages + round(self.open_damages) - self.paid_damages


@dataclass
class OracleLoan:
    approved: int
    rate: Fraction  # percent a year
    damages_rate: Fraction
    term: int
    grace: int
    method: str  # "annuity" or "equal_principal"
    shorter_term: bool = False
    start: date | None = None
    day: date | None = None  # the last day reckoned (its interest not yet counted)
    rows: dict[int, Row] = field(default_factory=dict)
    ledger: list[tuple[str, int, date]] = field(default_factory=list)
    released: int = 0
    cancelled: int = 0

    # --- the calendar -------------------------------------------------------------------

    def due(self, k: int) -> date:
        return months_after(self.start, k)

    def period_of(self, day: date) -> int:
        k = 1
        while self.due(k) <= day:
            k += 1
        return k

    def not_due(self) -> list[Row]:
        return [r for n, r in sorted(self.rows.items()) if r.due > self.day]

    def balance(self) -> int:
        return sum(r.principal - r.paid_principal for r in self.not_due())

    # --- time passing -------------------------------------------------------------------

    def advance(self, to: date) -> None:
        """Reckon every day from self.day up to `to`; `to` itself is left open: the
        events of a day come before its interest (not before its damages)."""
        while self.day < to:
            self._interest_for(self.day)
            self.day += timedelta(days=1)
            for row in self.rows.values():
                if row.due == self.day:  # its period ends: its interest is complete
                    row.interest += round(row.open_interest)
                    row.open_interest = Fraction(0)
            self._damages_for(self.day)

    def _interest_for(self, day: date) -> None:
        k = self.period_of(day)
        if k > self.term or k not in self.rows:
            return
        period_days = (self.due(k) - (self.due(k - 1) if k > 1 else self.start)).days
        self.rows[k].open_interest += Fraction(self.balance()) * self.rate / 1200 / period_days

    def _damages_for(self, day: date) -> None:
        for row in self.rows.values():
            if row.due < day:
                unpaid = row.principal - row.paid_principal
                row.open_damages += Fraction(unpaid) * self.damages_rate / 36500

    def _close_interest_stretch(self) -> None:
        current = self.current()
        if current is not None:
            current.interest += round(current.open_interest)
            current.open_interest = Fraction(0)

    def current(self) -> Row | None:
        left = self.not_due()
        return left[0] if left else None

    # --- planning ------------------------------------------------------------------------

    def _amortise(self, first: int, balance: int) -> dict[int, int]:
        numbers = list(range(first, self.term + 1))
        if balance == 0:
            return dict.fromkeys(numbers, 0)
        grace = [k for k in numbers if k <= self.grace]
        paying = [k for k in numbers if k > self.grace]
        plan = dict.fromkeys(grace, 0)
        r = self.rate / 1200
        opening, n = balance, len(paying)
        if self.method == "annuity" and r:
            level = round(balance * r / (1 - (1 + r) ** -n))
        else:
            level = None
        for i, k in enumerate(paying):
            if i == n - 1:
                part = opening
            elif level is not None:
                part = level - round(opening * r)
            else:
                part = round(Fraction(balance, n))
            part = min(max(part, 0), opening)
            plan[k] = part
            opening -= part
        return plan

    def _replan(self, released: int = 0, prepaid: int = 0) -> None:
        first = self.period_of(self.day)
        left = {n: r.principal - r.paid_principal for n, r in self.rows.items() if n >= first}
        balance = sum(left.values()) + released - prepaid
        if prepaid and self.shorter_term:
            plan, take = dict(left), prepaid
            for k in sorted(plan, reverse=True):
                cut = min(take, plan[k])
                plan[k] -= cut
                take -= cut
        else:
            plan = self._amortise(first, balance)
        while len(plan) > 1 and plan[max(plan)] == 0:
            del plan[max(plan)]
        for k in [n for n in self.rows if n >= first and n not in plan]:
            del self.rows[k]
        for k, part in plan.items():
            row = self.rows.setdefault(k, Row(k, self.due(k), 0))
            row.principal = part + row.paid_principal

    # --- events ---------------------------------------------------------------------------

    def approve(self, on: date) -> None:
        self.ledger.append(("commitment", self.approved, on))

    def release(self, amount: int, on: date) -> None:
        if self.start is None:
            self.start = self.day = on
        self.advance(on)
        self._close_interest_stretch()
        self._replan(released=amount)
        self.released += amount
        self.ledger.append(("disbursement", amount, on))

    def cancel_undrawn(self, amount: int, on: date) -> None:
        self.cancelled += amount
        self.ledger.append(("commitment_release", amount, on))

    def outstanding(self, on: date) -> int:
        """What a payoff on `on` pays (reckons the days up to it)."""
        self.advance(on)
        total = 0
        for row in self.rows.values():
            total += row.principal - row.paid_principal
            if row.due <= on:
                total += row.unpaid_damages() + row.interest - row.paid_interest
        current = self.current()
        if current is not None:
            total += current.interest + round(current.open_interest) - current.paid_interest
        return total

    def due_now(self, on: date) -> int:
        """What has fallen due and is unpaid on `on`: damages, interest, principal."""
        self.advance(on)
        return sum(r.unpaid_damages() + r.interest - r.paid_interest + r.principal
                   - r.paid_principal for r in self.rows.values() if r.due <= on)

    def pay(self, amount: int, on: date) -> tuple[int, int, int]:
        """Split a payment; returns (damages, interest, principal) and books them."""
        owed = self.outstanding(on)
        assert amount <= owed, (amount, owed)
        left, paid = amount, {"damages": 0, "interest": 0, "principal": 0}

        def take(owing: int, what: str) -> int:
            nonlocal left
            got = min(left, owing)
            left -= got
            paid[what] += got
            return got

        due = [r for n, r in sorted(self.rows.items()) if r.due <= on]
        for row in due:
            row.paid_damages += take(row.unpaid_damages(), "damages")
            row.paid_interest += take(row.interest - row.paid_interest, "interest")
        for row in due:
            got = take(row.principal - row.paid_principal, "principal")
            if got:  # its unpaid principal changes: the damages stretch closes
                row.damages += round(row.open_damages)
                row.open_damages = Fraction(0)
                row.paid_principal += got
        current = self.current()
        if current is not None and left:
            accrued = current.interest + round(current.open_interest) - current.paid_interest
            current.paid_interest += take(accrued, "interest")
            prepaid = take(self.balance(), "principal")
            if prepaid:
                self._close_interest_stretch()
                current.paid_principal += prepaid
                current.principal += prepaid  # _replan keeps it as paid
                self._replan(prepaid=prepaid)
        assert left == 0
        for kind in ("damages", "interest", "principal"):
            if paid[kind]:
                self.ledger.append((f"repayment_{kind}", paid[kind], on))
        if amount == owed:  # paid off: the part never drawn goes back to the fund
            unreserved = self.approved - self.cancelled - self.released
            if unreserved:
                self.ledger.append(("commitment_release", unreserved, on))
        return paid["damages"], paid["interest"], paid["principal"]
